#include <unistd.h>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

TEST_P(CliTest, SetGetPrintsExactBytes) {
  RunResult set = Cli({"set", "tbl", "greeting", "hello world"});
  EXPECT_EQ(set.exit_code, 0);
  EXPECT_EQ(set.out, "OK\n");
  RunResult get = Cli({"get", "tbl", "greeting"});
  EXPECT_EQ(get.exit_code, 0);
  EXPECT_EQ(get.out, "hello world") << "no newline added when stdout is not a terminal";
  EXPECT_EQ(get.err, "");
}

TEST_P(CliTest, ValueFromStdinIsBinarySafe) {
  std::string binary("line1\n\0\xff\x80tail\n", 14);
  ASSERT_EQ(Cli({"set", "tbl", "blob", "-"}, {.stdin_data = binary}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tbl", "blob"}).out, binary);
  auto doc = Json({"get", "tbl", "blob"});
  EXPECT_TRUE(doc.contains("value_base64"));
  EXPECT_EQ(doc["value_base64"], "bGluZTEKAP+AdGFpbAo=");
}

TEST_P(CliTest, ValuesThatLookLikeFlags) {
  ASSERT_EQ(Cli({"set", "tbl", "neg", "-5"}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tbl", "neg"}).out, "-5");
  ASSERT_EQ(Cli({"set", "tbl", "--", "dash", "--not-a-flag"}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tbl", "dash"}).out, "--not-a-flag");
}

TEST_P(CliTest, GetMissingKey) {
  ExpectFailure({"get", "tbl", "nope"}, 1, "key 'nope' not found");
  auto doc = Json({"get", "tbl", "nope"}, 1);
  EXPECT_EQ(doc["error"]["code"], "not_found");
}

TEST_P(CliTest, JsonGet) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "v", "--ttl", "100"}).exit_code, 0);
  auto doc = Json({"get", "tbl", "k"});
  EXPECT_EQ(doc["key"], "k");
  EXPECT_EQ(doc["value"], "v");
  EXPECT_EQ(doc["type"], "kv");
  EXPECT_GT(doc["ttl"].get<double>(), 90.0);
  EXPECT_LE(doc["ttl"].get<double>(), 100.0);
  EXPECT_EQ(Json({"set", "tbl", "k2", "v"}), nlohmann::json({{"key", "k2"}, {"ok", true}}));
}

TEST_P(CliTest, TtlExpires) {
  // 1.5 s: long enough for the first get even on a loaded machine or under ASan.
  ASSERT_EQ(Cli({"set", "tbl", "brief", "v", "--ttl", "1.5"}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tbl", "brief"}).exit_code, 0);
  usleep(1'600'000);
  EXPECT_EQ(Cli({"get", "tbl", "brief"}).exit_code, 1);
  EXPECT_EQ(Cli({"exists", "tbl", "brief"}).exit_code, 1);
  EXPECT_EQ(Cli({"list", "tbl"}).out, "");
}

TEST_P(CliTest, ConditionalSet) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "one", "--if-not-exists"}).exit_code, 0);
  ExpectFailure({"set", "tbl", "k", "two", "--if-not-exists"}, 1, "already exists");
  ExpectFailure({"set", "tbl", "k", "two", "--if-value", "wrong"}, 1, "expected value");
  EXPECT_EQ(Cli({"set", "tbl", "k", "two", "--if-value", "one"}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tbl", "k"}).out, "two");
  ExpectFailure({"set", "tbl", "k", "x", "--if-not-exists", "--if-value", "two"}, 2, "excludes");
}

TEST_P(CliTest, ExistsAnswersOnStdout) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "v"}).exit_code, 0);
  RunResult yes = Cli({"exists", "tbl", "k"});
  EXPECT_EQ(yes.exit_code, 0);
  EXPECT_EQ(yes.out, "true\n");
  RunResult no = Cli({"exists", "tbl", "other"});
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_EQ(no.out, "false\n");
  EXPECT_EQ(no.err, "");
  EXPECT_EQ(Json({"exists", "tbl", "other"}, 1), nlohmann::json({{"key", "other"}, {"exists", false}}));
}

TEST_P(CliTest, Delete) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "v"}).exit_code, 0);
  ExpectFailure({"delete", "tbl", "k", "--if-value", "x"}, 1, "expected value");
  EXPECT_EQ(Cli({"get", "tbl", "k"}).out, "v");
  RunResult deleted = Cli({"delete", "tbl", "k", "--if-value", "v"});
  EXPECT_EQ(deleted.exit_code, 0);
  EXPECT_EQ(deleted.out, "OK\n");
  ExpectFailure({"delete", "tbl", "k"}, 1, "not found");
  ASSERT_EQ(Cli({"set", "tbl", "j", "v"}).exit_code, 0);
  EXPECT_EQ(Json({"delete", "tbl", "j"}), nlohmann::json({{"key", "j"}, {"deleted", true}}));
}

TEST_P(CliTest, ListWithPrefixLimitAfter) {
  for (std::string k : {"b", "a:2", "a:1", "c"}) ASSERT_EQ(Cli({"set", "tbl", k, "v"}).exit_code, 0);
  ASSERT_EQ(Cli({"inc", "tbl", "a:3"}).exit_code, 0);
  EXPECT_EQ(Cli({"list", "tbl"}).out, "a:1\na:2\na:3\nb\nc\n");
  EXPECT_EQ(Cli({"list", "tbl", "--prefix", "a:"}).out, "a:1\na:2\na:3\n");
  EXPECT_EQ(Cli({"list", "tbl", "--limit", "2"}).out, "a:1\na:2\n");
  EXPECT_EQ(Cli({"list", "tbl", "--after", "a:2", "--limit", "2"}).out, "a:3\nb\n");
  auto doc = Json({"list", "tbl", "--prefix", "a:"});
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 3u);
  EXPECT_EQ(doc[2]["key"], "a:3");
  EXPECT_EQ(doc[2]["type"], "counter");
  EXPECT_EQ(Json({"list", "tbl", "--prefix", "zzz"}), nlohmann::json::array());
  ExpectFailure({"list", "tbl", "--limit", "many"}, 2, "--limit");
}

TEST_P(CliTest, BadInputChangesNothing) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "keep"}).exit_code, 0);
  ExpectFailure({"set", "tbl", "k", "x", "--ttl", "-1"}, 2, "--ttl");
  ExpectFailure({"set", "tbl", "k", "x", "--ttl", "0"}, 2, "ttl must be greater than 0");
  ExpectFailure({"set", "tbl", "k", "x", "--ttl", "soon"}, 2, "--ttl");
  RunResult too_big = Cli({"set", "tbl", "k", "-"}, {.stdin_data = std::string(262145, 'x')});
  EXPECT_EQ(too_big.exit_code, 2);
  EXPECT_NE(too_big.err.find("262144"), std::string::npos) << too_big.err;
  ExpectFailure({"set", "tbl", std::string(513, 'k'), "x"}, 2, "key is 513 bytes");
  ExpectFailure({"set", "tbl", "", "x"}, 2, "key must not be empty");
  ExpectFailure({"set", "tbl", "bad\xff", "x"}, 2, "UTF-8");
  ExpectFailure({"set", "nosuchtable", "k", "x"}, 2, "create-table nosuchtable");
  EXPECT_EQ(Cli({"get", "tbl", "k"}).out, "keep");
  EXPECT_EQ(Cli({"set", "tbl", "max", "-"}, {.stdin_data = std::string(262144, 'x')}).exit_code, 0);
}

}  // namespace
}  // namespace kvstore::testing

namespace kvstore::testing {
namespace {

// -v reports what the command cost; no output ever carries the secret key.
TEST_P(CliTest, VerboseCountsRequestsAndNeverPrintsSecrets) {
  const std::string secret = getenv("AWS_SECRET_ACCESS_KEY") ? getenv("AWS_SECRET_ACCESS_KEY") : "";
  for (std::vector<std::string> args : {std::vector<std::string>{"-v", "set", "tbl", "k", "v"},
                                        {"-v", "inc", "tbl", "n"},
                                        {"-v", "lock-acquire", "tbl", "l", "--owner", "me"},
                                        {"-v", "leader-elect", "tbl", "g", "--candidate", "me"},
                                        {"-v", "get", "tbl", "k"}}) {
    RunResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (!secret.empty()) {
      EXPECT_EQ(r.err.find(secret), std::string::npos);
      EXPECT_EQ(r.out.find(secret), std::string::npos);
    }
    // Each of these is one request on DynamoDB when nothing contends.
    if (!OnSqlite()) {
      EXPECT_NE(r.err.find("dynamodb: 1 requests, 0 retries"), std::string::npos) << args[1] << ": " << r.err;
    }
  }
}

TEST_P(CliTest, TtlExpirePersistGetsetAndDeletePrefix) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "v"}).exit_code, 0);
  EXPECT_EQ(Cli({"ttl", "tbl", "k"}).out, "no expiry\n");
  EXPECT_EQ(Json({"ttl", "tbl", "k"})["ttl"], nullptr);
  EXPECT_EQ(Cli({"expire", "tbl", "k", "100"}).out, "OK\n");
  EXPECT_EQ(Cli({"ttl", "tbl", "k"}).out, "100\n") << "whole seconds, rounded up";
  EXPECT_GT(Json({"ttl", "tbl", "k"})["ttl"].get<double>(), 99.0);
  EXPECT_EQ(Cli({"persist", "tbl", "k"}).out, "OK\n");
  EXPECT_EQ(Cli({"ttl", "tbl", "k"}).out, "no expiry\n");
  ExpectFailure({"ttl", "tbl", "missing"}, 1, "key 'missing' not found");
  ExpectFailure({"expire", "tbl", "missing", "5"}, 1, "not found");
  ExpectFailure({"persist", "tbl", "missing"}, 1, "not found");
  ExpectFailure({"expire", "tbl", "k", "soon"}, 2, "SECONDS");
  EXPECT_EQ(Cli({"get", "tbl", "missing"}).exit_code, 1) << "expire wrote nothing";

  EXPECT_EQ(Cli({"inc", "tbl", "hits", "--ttl", "60"}).out, "1\n");
  EXPECT_EQ(Cli({"inc", "tbl", "hits", "--ttl", "600"}).out, "2\n");
  EXPECT_EQ(Cli({"ttl", "tbl", "hits"}).out, "60\n") << "an expiry is never pushed back";

  RunResult swapped = Cli({"getset", "tbl", "k", "new"});
  EXPECT_EQ(swapped.exit_code, 0);
  EXPECT_EQ(swapped.out, "v");
  RunResult fresh = Cli({"getset", "tbl", "fresh", "x"});
  EXPECT_EQ(fresh.exit_code, 1) << "nothing was there (it is set now)";
  EXPECT_EQ(fresh.out, "");
  EXPECT_EQ(Cli({"get", "tbl", "fresh"}).out, "x");
  EXPECT_EQ(Json({"getset", "tbl", "fresh", "y"})["old_value"], "x");

  std::string lines;
  for (int n = 0; n < 30; ++n) lines += R"({"key":"tmp:)" + std::to_string(n) + R"(","value":"x"})" "\n";
  ASSERT_EQ(Cli({"batch-set", "tbl", "--file", "-"}, {.stdin_data = lines}).exit_code, 0);
  EXPECT_EQ(Cli({"delete", "tbl", "--prefix", "tmp:"}).out, "30 deleted\n");
  EXPECT_EQ(Json({"delete", "tbl", "--prefix", "tmp:"})["deleted"], 0);
  EXPECT_EQ(Cli({"get", "tbl", "fresh"}).out, "y") << "keys outside the prefix stay";
  ExpectFailure({"delete", "tbl"}, 2, "give either a KEY or --prefix");
  ExpectFailure({"delete", "tbl", "k", "--prefix", "t"}, 2, "give either a KEY or --prefix");
}

}  // namespace
}  // namespace kvstore::testing
