#include "storage/limits.h"

#include <gtest/gtest.h>

namespace kvstore::storage {
namespace {

TEST(LimitsTest, TableNames) {
  EXPECT_TRUE(ValidateTableName("abc").ok());
  EXPECT_TRUE(ValidateTableName("My_table-1.prod").ok());
  EXPECT_TRUE(ValidateTableName(std::string(255, 'a')).ok());
  EXPECT_FALSE(ValidateTableName("ab").ok());
  EXPECT_FALSE(ValidateTableName(std::string(256, 'a')).ok());
  EXPECT_FALSE(ValidateTableName("has space").ok());
  EXPECT_FALSE(ValidateTableName("slash/no").ok());
  EXPECT_FALSE(ValidateTableName("caf\xc3\xa9").ok());
}

TEST(LimitsTest, NamesAreOneTo512BytesOfUtf8WithoutNul) {
  EXPECT_TRUE(ValidateName("key", "a").ok());
  EXPECT_TRUE(ValidateName("key", std::string(512, 'k')).ok());
  EXPECT_TRUE(ValidateName("key", "caf\xc3\xa9 \xf0\x9f\x98\x80").ok());
  Status empty = ValidateName("key", "");
  EXPECT_TRUE(empty.Is(Status::Code::kInvalidArgument));
  EXPECT_EQ(empty.message(), "key must not be empty");
  EXPECT_FALSE(ValidateName("key", std::string(513, 'k')).ok());
  EXPECT_FALSE(ValidateName("key", std::string("a\0b", 3)).ok());
  EXPECT_FALSE(ValidateName("key", "\xff").ok());
  EXPECT_FALSE(ValidateName("key", "\xc3").ok()) << "truncated sequence";
  EXPECT_FALSE(ValidateName("key", "\xc0\xaf").ok()) << "overlong form";
  EXPECT_FALSE(ValidateName("key", "\xed\xa0\x80").ok()) << "surrogate";
}

TEST(LimitsTest, ValuesUpTo256KiB) {
  EXPECT_TRUE(ValidateValue("value", "").ok());
  EXPECT_TRUE(ValidateValue("value", std::string(262144, 'v')).ok());
  Status over = ValidateValue("value", std::string(262145, 'v'));
  EXPECT_TRUE(over.Is(Status::Code::kInvalidArgument));
  EXPECT_NE(over.message().find("262145"), std::string::npos);
}

TEST(LimitsTest, Ttl) {
  EXPECT_TRUE(ValidateTtl("ttl", Millis(1)).ok());
  EXPECT_FALSE(ValidateTtl("ttl", Millis(0)).ok());
  EXPECT_FALSE(ValidateTtl("ttl", Millis(-5)).ok());
  EXPECT_FALSE(ValidateTtl("ttl", Millis(kMaxDurationMillis + 1)).ok());
}

}  // namespace
}  // namespace kvstore::storage
