// Credentials never reach the output: every command, with -v, with fake
// credentials that are easy to grep for, on both stores, succeeding and
// failing.
#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

const char* kFakeSecret = "FAKEsecretKEY0123456789kvstoreTEST";
const char* kFakeToken = "FAKEsessionTOKEN0123456789kvstoreTEST";

class SecretsTest : public CliTest {
 protected:
  // Runs `kvstore -v ARGS` with the fake credentials; checks neither appears.
  RunResult Verbose(std::vector<std::string> args, const std::string& stdin_data = "") {
    args.insert(args.begin(), "-v");
    RunResult r = Cli(args, {.stdin_data = stdin_data,
                             .env = {{"AWS_SECRET_ACCESS_KEY", kFakeSecret}, {"AWS_SESSION_TOKEN", kFakeToken}}});
    for (const char* secret : {kFakeSecret, kFakeToken}) {
      EXPECT_EQ(r.out.find(secret), std::string::npos) << args[1] << " printed a credential on stdout";
      EXPECT_EQ(r.err.find(secret), std::string::npos) << args[1] << " printed a credential on stderr";
    }
    return r;
  }
};

TEST_P(SecretsTest, EveryCommandWithVerboseKeepsCredentialsOutOfItsOutput) {
  const std::vector<std::vector<std::string>> commands = {
      {"create-table", "other"}, {"list-tables"}, {"set", "tbl", "k", "v", "--ttl", "60"}, {"get", "tbl", "k"},
      {"exists", "tbl", "k"}, {"list", "tbl"}, {"query", "tbl"}, {"delete", "tbl", "k"}, {"get", "tbl", "k"},
      {"inc", "tbl", "n"}, {"dec", "tbl", "n", "--by", "2"}, {"get-counter", "tbl", "n"},
      {"lock-acquire", "tbl", "l", "--owner", "me"}, {"lock-extend", "tbl", "l", "--owner", "me"},
      {"lock-check", "tbl", "l"}, {"lock-release", "tbl", "l", "--owner", "me"},
      {"lock-run", "tbl", "l", "--", "true"}, {"queue-push", "tbl", "q", "job"}, {"queue-peek", "tbl", "q"},
      {"queue-size", "tbl", "q"}, {"leader-elect", "tbl", "g", "--candidate", "me"},
      {"leader-heartbeat", "tbl", "g", "--candidate", "me"}, {"leader-check", "tbl", "g"},
      {"leader-resign", "tbl", "g", "--candidate", "me"}, {"sadd", "tbl", "s", "a", "b"}, {"sismember", "tbl", "s", "a"},
      {"smembers", "tbl", "s"}, {"scard", "tbl", "s"}, {"srem", "tbl", "s", "a"}, {"lpush", "tbl", "L", "x"},
      {"rpush", "tbl", "L", "y"}, {"lrange", "tbl", "L", "0", "-1"}, {"llen", "tbl", "L"}, {"lpop", "tbl", "L"},
      {"rpop", "tbl", "L"}, {"batch-get", "tbl", "k", "n"}, {"drop-table", "other"}};
  for (const auto& command : commands) {
    RunResult r = Verbose(command);
    EXPECT_LE(r.exit_code, 1) << command[0] << ": " << r.err;  // ran: an answer, yes or no
  }
  Verbose({"transaction", "tbl", "--file", "-"}, R"([{"op":"set","key":"t","value":"1"},{"op":"inc","key":"c"}])");
  Verbose({"batch-set", "tbl", "--file", "-"}, "{\"key\":\"b\",\"value\":\"1\"}\n");
  // Pop and ack: the receipt comes from the pop.
  RunResult popped = Verbose({"--json", "queue-pop", "tbl", "q"});
  ASSERT_EQ(popped.exit_code, 0) << popped.err;
  std::string receipt = nlohmann::json::parse(popped.out)["receipt"];
  EXPECT_EQ(Verbose({"queue-ack", "tbl", "q", receipt}).exit_code, 0);
  // Failing commands: a missing key, an unknown table, bad input.
  EXPECT_EQ(Verbose({"get", "tbl", "missing"}).exit_code, 1);
  EXPECT_EQ(Verbose({"get", "nosuch", "k"}).exit_code, 2);
  EXPECT_EQ(Verbose({"set", "tbl", "k", "v", "--ttl", "-1"}).exit_code, 2);
}

KVSTORE_ON_EVERY_STORE(SecretsTest);

// A refused connection and a malformed endpoint: the error names the
// endpoint, never the credentials.
TEST(SecretsOnFailureTest, StoreErrorsKeepCredentialsOut) {
  for (const char* store : {"dynamodb+http://127.0.0.1:1", "dynamodb+http://[::1"}) {
    RunResult r = Kvstore(store, {"-v", "get", "tbl", "k"},
                          {.env = {{"AWS_ACCESS_KEY_ID", "AKIAFAKE"},
                                   {"AWS_SECRET_ACCESS_KEY", kFakeSecret},
                                   {"AWS_SESSION_TOKEN", kFakeToken},
                                   {"AWS_REGION", "us-east-1"},
                                   {"KVSTORE_DYNAMODB_TIMEOUT", "1"}}});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ((r.out + r.err).find(kFakeSecret), std::string::npos) << r.err;
    EXPECT_EQ((r.out + r.err).find(kFakeToken), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace kvstore::testing
