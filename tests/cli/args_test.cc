#include "cli/args.h"

#include <gtest/gtest.h>

namespace kvstore::cli {
namespace {

TEST(ArgsTest, Seconds) {
  EXPECT_EQ(ParseSeconds("--ttl", "30")->count(), 30000);
  EXPECT_EQ(ParseSeconds("--ttl", "0.5")->count(), 500);
  EXPECT_EQ(ParseSeconds("--ttl", "1.25")->count(), 1250);
  EXPECT_EQ(ParseSeconds("--ttl", "0.0001")->count(), 1) << "rounds up, never to zero";
  EXPECT_EQ(ParseSeconds("--ttl", "2.")->count(), 2000);
  EXPECT_EQ(ParseSeconds("--ttl", ".5")->count(), 500);
  EXPECT_EQ(ParseSeconds("--ttl", "0")->count(), 0);
  for (const char* bad : {"", "-1", "abc", "1e3", "1.2.3", ".", " 1", "1s", "99999999999"}) {
    auto r = ParseSeconds("--ttl", bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("--ttl"), std::string::npos);
  }
}

TEST(ArgsTest, Int64) {
  EXPECT_EQ(*ParseInt64("--by", "5"), 5);
  EXPECT_EQ(*ParseInt64("--by", "-5"), -5);
  EXPECT_EQ(*ParseInt64("--by", "+7"), 7);
  EXPECT_EQ(*ParseInt64("--by", "9223372036854775807"), INT64_MAX);
  EXPECT_EQ(*ParseInt64("--by", "-9223372036854775808"), INT64_MIN);
  for (const char* bad : {"", "x", "1.5", "9223372036854775808", "5 ", "0x10"}) {
    EXPECT_FALSE(ParseInt64("--by", bad).ok()) << bad;
  }
}

TEST(ArgsTest, Count) {
  EXPECT_EQ(*ParseCount("--limit", "10", 100), 10u);
  EXPECT_FALSE(ParseCount("--limit", "101", 100).ok());
  EXPECT_FALSE(ParseCount("--limit", "-1", 100).ok());
  EXPECT_FALSE(ParseCount("--limit", "99999999999999999999999", 100).ok());
}

}  // namespace
}  // namespace kvstore::cli
