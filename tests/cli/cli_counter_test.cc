#include <thread>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

TEST_P(CliTest, IncDecGetCounter) {
  EXPECT_EQ(Cli({"get-counter", "tbl", "hits"}).out, "0\n");
  EXPECT_EQ(Cli({"inc", "tbl", "hits"}).out, "1\n");
  EXPECT_EQ(Cli({"inc", "tbl", "hits", "--by", "10"}).out, "11\n");
  EXPECT_EQ(Cli({"dec", "tbl", "hits"}).out, "10\n");
  EXPECT_EQ(Cli({"dec", "tbl", "hits", "--by", "25"}).out, "-15\n");
  EXPECT_EQ(Cli({"inc", "tbl", "hits", "--by", "-5"}).out, "-20\n");
  EXPECT_EQ(Cli({"get-counter", "tbl", "hits"}).out, "-20\n");
  EXPECT_EQ(Cli({"get", "tbl", "hits"}).out, "-20");
  EXPECT_EQ(Json({"inc", "tbl", "hits"}), nlohmann::json({{"counter", "hits"}, {"value", -19}}));
  EXPECT_EQ(Json({"get-counter", "tbl", "hits"}), nlohmann::json({{"counter", "hits"}, {"value", -19}}));
  EXPECT_EQ(Json({"get", "tbl", "hits"})["value"], -19);
}

TEST_P(CliTest, CounterOnPlainValueIsWrongType) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "text"}).exit_code, 0);
  ExpectFailure({"inc", "tbl", "k"}, 2, "holds a value, not a counter");
  ExpectFailure({"get-counter", "tbl", "k"}, 2, "not a counter");
  EXPECT_EQ(Json({"inc", "tbl", "k"}, 2)["error"]["code"], "wrong_type");
  EXPECT_EQ(Cli({"get", "tbl", "k"}).out, "text");
}

TEST_P(CliTest, CounterOverflowChangesNothing) {
  ASSERT_EQ(Cli({"inc", "tbl", "c", "--by", "9223372036854775807"}).exit_code, 0);
  ExpectFailure({"inc", "tbl", "c"}, 2, "overflow");
  EXPECT_EQ(Cli({"get-counter", "tbl", "c"}).out, "9223372036854775807\n");
  ExpectFailure({"dec", "tbl", "d", "--by", "-9223372036854775808"}, 2, "64 bits");
  ASSERT_EQ(Cli({"dec", "tbl", "d", "--by", "9223372036854775807"}).exit_code, 0);
  ASSERT_EQ(Cli({"dec", "tbl", "d"}).out, "-9223372036854775808\n");
  ExpectFailure({"dec", "tbl", "d"}, 2, "overflow");
}

TEST_P(CliTest, BadIncrements) {
  ExpectFailure({"inc", "tbl", "c", "--by", "lots"}, 2, "--by 'lots' is not a whole number");
  ExpectFailure({"inc", "tbl", "c", "--by", "1.5"}, 2, "--by");
  ExpectFailure({"inc", "tbl", "c", "--by", "99999999999999999999"}, 2, "64-bit");
  ExpectFailure({"inc", "nosuchtable", "c"}, 2, "does not exist");
  EXPECT_EQ(Cli({"get-counter", "tbl", "c"}).out, "0\n");
}

TEST_P(CliTest, ShardedCounterKeepsCountingFromManyProcesses) {
  ASSERT_EQ(Cli({"inc", "tbl", "views", "--by", "5"}).out, "5\n");
  EXPECT_EQ(Cli({"counter-shard", "tbl", "views", "--shards", "8"}).out, "5\n");
  std::vector<std::thread> incs;
  for (int i = 0; i < 4; ++i) incs.emplace_back([&] { EXPECT_EQ(Cli({"inc", "tbl", "views"}).exit_code, 0); });
  for (std::thread& inc : incs) inc.join();
  EXPECT_EQ(Cli({"inc", "tbl", "views", "--no-value"}).out, "");
  EXPECT_EQ(Cli({"get-counter", "tbl", "views"}).out, "10\n");
  EXPECT_EQ(Cli({"get", "tbl", "views"}).out, "10");
  EXPECT_EQ(Cli({"list", "tbl"}).out, "views\n") << "shards are not keys";
  ExpectFailure({"counter-shard", "tbl", "views", "--shards", "4"}, 2, "already has 8 shards");
  ExpectFailure({"counter-shard", "tbl", "views", "--shards", "65"}, 2, "--shards must be 2 to 64");
  ExpectFailure({"counter-shard", "tbl", "views"}, 2, "--shards");
  ASSERT_EQ(Cli({"set", "tbl", "k", "text"}).exit_code, 0);
  ExpectFailure({"counter-shard", "tbl", "k", "--shards", "4"}, 2, "holds a value, not a counter");
  EXPECT_EQ(Cli({"get", "tbl", "k"}).out, "text");
}

// What a user sees with -v: once this machine knows of the shards, each
// `kvstore inc` process adds on a shard and reads the counter's own item back.
TEST_P(CliTest, EachIncProcessSpreadsOverTheShardsOnDynamoDb) {
  if (OnSqlite()) GTEST_SKIP() << "the embedded store keeps no hints: it has no partitions to spread over";
  ASSERT_EQ(Cli({"counter-shard", "tbl", "busy", "--shards", "4"}).exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    RunResult r = Cli({"-v", "inc", "tbl", "busy", "--no-value"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("dynamodb: 2 requests, 0 retries, 1.0 read units, 1.0 write units"), std::string::npos)
        << "a shard's write and the own item's read: " << r.err;
  }
  EXPECT_EQ(Cli({"get-counter", "tbl", "busy"}).out, "3\n");
  ASSERT_EQ(Cli({"delete", "tbl", "busy"}).exit_code, 0);
  EXPECT_EQ(Cli({"inc", "tbl", "busy"}).out, "1\n") << "the remembered shards count for nothing now";
  RunResult plain = Cli({"-v", "inc", "tbl", "busy", "--no-value"});
  EXPECT_NE(plain.err.find("dynamodb: 1 requests"), std::string::npos) << "forgotten: " << plain.err;
}

}  // namespace
}  // namespace kvstore::testing
