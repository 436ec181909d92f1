#include "kvstore/store.h"

#include <gtest/gtest.h>

#include <map>

#include "store_url.h"
#include "testing/temp_dir.h"

namespace kvstore {
namespace {

using Code = Status::Code;

TEST(StoreUrlTest, SqliteForms) {
  EXPECT_EQ(ParseStoreUrl("sqlite:/tmp/a.db")->path, "/tmp/a.db");
  EXPECT_EQ(ParseStoreUrl("sqlite:///tmp/a.db")->path, "/tmp/a.db");
  EXPECT_EQ(ParseStoreUrl("sqlite:rel/a.db")->path, "rel/a.db");
  EXPECT_EQ(ParseStoreUrl("/tmp/bare.db")->path, "/tmp/bare.db");
  EXPECT_EQ(ParseStoreUrl("bare.db")->path, "bare.db");
  EXPECT_EQ(ParseStoreUrl("bare.db")->scheme, "sqlite");
  auto full = ParseStoreUrl("sqlite:/tmp/a.db?sync=full");
  EXPECT_EQ(full->path, "/tmp/a.db");
  EXPECT_EQ(full->options, std::vector<std::string>{"sync=full"});
  EXPECT_TRUE(ParseStoreUrl("sqlite:/tmp/a.db")->options.empty());
}

TEST(StoreUrlTest, BadUrlsNameTheProblem) {
  EXPECT_TRUE(ParseStoreUrl("").status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(ParseStoreUrl("sqlite:").status().Is(Code::kInvalidArgument));
  auto scheme = ParseStoreUrl("redis://localhost");
  EXPECT_TRUE(scheme.status().Is(Code::kInvalidArgument));
  EXPECT_NE(scheme.status().message().find("redis"), std::string::npos);
  auto option = ParseStoreUrl("sqlite:/tmp/a.db?sync=sometimes");
  EXPECT_NE(option.status().message().find("sync=sometimes"), std::string::npos);
  EXPECT_TRUE(ParseStoreUrl(std::string("a\0b", 3)).status().Is(Code::kInvalidArgument));
  // Each engine says what its URLs may hold.
  EXPECT_NE(ParseStoreUrl("sqlite+http://h:80").status().message().find("sqlite:PATH"), std::string::npos);
  EXPECT_NE(ParseStoreUrl("dynamodb:/tmp/a.db").status().message().find("dynamodb+http://HOST:PORT"),
            std::string::npos);
}

TEST(StoreUrlTest, DynamoDbForms) {
  EXPECT_EQ(ParseStoreUrl("dynamodb")->scheme, "dynamodb");
  EXPECT_EQ(ParseStoreUrl("dynamodb:")->scheme, "dynamodb");
  EXPECT_EQ(ParseStoreUrl("dynamodb:")->endpoint, "");
  EXPECT_EQ(ParseStoreUrl("dynamodb+http://localhost:8000")->scheme, "dynamodb");
}

TEST(StoreUrlTest, DynamoDbEndpointsNeedAHostAndAValidPort) {
  EXPECT_EQ(ParseStoreUrl("dynamodb+http://localhost:8000")->endpoint, "http://localhost:8000");
  EXPECT_EQ(ParseStoreUrl("dynamodb+http://[::1]:8000/")->endpoint, "http://[::1]:8000");
  EXPECT_EQ(ParseStoreUrl("dynamodb+https://dynamodb.eu-west-1.amazonaws.com")->endpoint,
            "https://dynamodb.eu-west-1.amazonaws.com");
  for (const char* bad : {"dynamodb+http://", "dynamodb+http://[::1", "dynamodb+http://[]:80", "dynamodb+http://h:",
                          "dynamodb+http://h:0", "dynamodb+http://h:65536", "dynamodb+http://h:80x", "dynamodb+http://:80",
                          "dynamodb+http://u@h:80", "dynamodb+ftp://h"}) {
    EXPECT_TRUE(ParseStoreUrl(bad).status().Is(Code::kInvalidArgument)) << bad;
  }
}

std::map<std::string, const char*> fake_env;
const char* FakeGetEnv(const char* name) {
  auto it = fake_env.find(name);
  return it == fake_env.end() ? nullptr : it->second;
}

TEST(StoreUrlTest, DefaultFollowsEnvironment) {
  fake_env = {{"HOME", "/home/u"}};
  EXPECT_EQ(DefaultStoreUrl(FakeGetEnv), "sqlite:/home/u/.local/share/kvstore/kvstore.db");
  fake_env["XDG_DATA_HOME"] = "/data";
  EXPECT_EQ(DefaultStoreUrl(FakeGetEnv), "sqlite:/data/kvstore/kvstore.db");
  fake_env["KVSTORE_STORE"] = "sqlite:/x.db";
  EXPECT_EQ(DefaultStoreUrl(FakeGetEnv), "sqlite:/x.db");
}

TEST(StoreTest, TableLifecycle) {
  testing::TempDir dir;
  auto store = Store::Open(dir.File("s.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->CreateTable("zeta").ok());
  EXPECT_TRUE((*store)->CreateTable("alpha").ok());
  EXPECT_TRUE((*store)->CreateTable("alpha").Is(Code::kAlreadyExists));
  EXPECT_TRUE((*store)->CreateTable("no").Is(Code::kInvalidArgument));
  EXPECT_EQ(*(*store)->ListTables(), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_TRUE((*store)->DropTable("alpha").ok());
  EXPECT_TRUE((*store)->DropTable("alpha").Is(Code::kUnknownTable));
  EXPECT_TRUE((*store)->OpenTable("bad name").status().Is(Code::kInvalidArgument));
}

TEST(StoreTest, NegativeClockSkewIsRefused) {
  testing::TempDir dir;
  auto store = Store::Open(dir.File("s.db"), {.max_clock_skew = Millis(-1)});
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().Is(Status::Code::kInvalidArgument)) << store.status().ToString();
  EXPECT_TRUE(Store::Open(dir.File("s.db"), {.max_clock_skew = Millis(0)}).ok());
}

TEST(StoreTest, UnwritableLocationIsAnIoError) {
  auto store = Store::Open("sqlite:/proc/kvstore-cannot-be-here/s.db");
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().Is(Code::kIoError));
}

}  // namespace
}  // namespace kvstore
