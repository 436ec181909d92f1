// --if-lock and --if-leader through the real binary, on both stores: a stale
// holder's write is refused with exit 1 and changes nothing.
#include <fstream>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

std::string Trimmed(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

TEST_P(CliTest, StaleHolderIsRefusedAfterTakeover) {
  std::string stale = Trimmed(Cli({"lock-acquire", "tbl", "deploy", "--owner", "a", "--ttl", "0.5"}).out);
  ASSERT_EQ(stale, "1");
  ASSERT_EQ(Cli({"set", "tbl", "config", "v1", "--if-lock", "deploy:" + stale}).exit_code, 0);
  ASSERT_EQ(Cli({"lock-acquire", "tbl", "deploy", "--owner", "b", "--wait", "5"}).out, "2\n");
  ExpectFailure({"set", "tbl", "config", "stale", "--if-lock", "deploy:1"}, 1,
                "lock 'deploy' is not held with token 1: it is held by 'b' with token 2; nothing was written");
  ExpectFailure({"delete", "tbl", "config", "--if-lock", "deploy:1"}, 1, "not held with token 1");
  ExpectFailure({"inc", "tbl", "n", "--if-lock", "deploy:1"}, 1, "not held with token 1");
  ExpectFailure({"dec", "tbl", "n", "--if-lock", "deploy:1"}, 1, "not held with token 1");
  ExpectFailure({"queue-push", "tbl", "jobs", "p", "--if-lock", "deploy:1"}, 1, "not held with token 1");
  EXPECT_EQ(Cli({"get", "tbl", "config"}).out, "v1");
  EXPECT_EQ(Cli({"get-counter", "tbl", "n"}).out, "0\n");
  EXPECT_EQ(Json({"queue-size", "tbl", "jobs"})["visible"], 0);
  // The new holder writes.
  EXPECT_EQ(Cli({"inc", "tbl", "n", "--by", "3", "--if-lock", "deploy:2"}).out, "3\n");
  EXPECT_EQ(Cli({"queue-push", "tbl", "jobs", "p", "--if-lock", "deploy:2"}).exit_code, 0);
}

TEST_P(CliTest, PausedHolderCannotWriteOnceResumed) {
  // The holder takes a 1 s lock and writes under it, then is stopped
  // (SIGSTOP) past its lease; another owner takes the lock meanwhile. When
  // the holder resumes, its fenced write is refused.
  std::string acquired = dir_.File("acquired");
  std::string holder =
      "tok=$(\"$0\" --store \"$1\" lock-acquire tbl deploy --owner paused --ttl 1) && "
      "\"$0\" --store \"$1\" set tbl primary fresh --if-lock deploy:$tok >/dev/null && echo $tok > \"$2\" && sleep 0.5 && "
      "\"$0\" --store \"$1\" set tbl primary stale --if-lock deploy:$tok";
  std::string script =
      "sh -c \"$3\" \"$0\" \"$1\" \"$2\" & pid=$!; "
      "while [ ! -s \"$2\" ]; do sleep 0.02; done; kill -STOP $pid; sleep 1.2; "
      "\"$0\" --store \"$1\" lock-acquire tbl deploy --owner next --wait 5 >/dev/null || exit 99; "
      "kill -CONT $pid; wait $pid; echo $?";
  RunResult run = RunProcess({"sh", "-c", script, KVSTORE_BIN, store_, acquired, holder});
  EXPECT_EQ(run.out, "1\n") << run.err;
  EXPECT_NE(run.err.find("lock 'deploy' is not held with token 1: it is held by 'next'"), std::string::npos) << run.err;
  EXPECT_EQ(Cli({"get", "tbl", "primary"}).out, "fresh");
}

TEST_P(CliTest, LockRunGivesTheTokenToFenceWith) {
  RunResult run = Cli({"lock-run", "tbl", "job", "--", "sh", "-c",
                       "\"$0\" --store \"$1\" set tbl out done --if-lock job:$KVSTORE_LOCK_TOKEN", KVSTORE_BIN, store_});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Cli({"get", "tbl", "out"}).out, "done");
}

TEST_P(CliTest, LeaderTermFencesWrites) {
  ASSERT_EQ(Cli({"leader-elect", "tbl", "db", "--candidate", "a"}).exit_code, 0);
  EXPECT_EQ(Cli({"set", "tbl", "k", "v", "--if-leader", "db:1"}).exit_code, 0);
  ASSERT_EQ(Cli({"leader-resign", "tbl", "db", "--candidate", "a"}).exit_code, 0);
  ExpectFailure({"set", "tbl", "k", "w", "--if-leader", "db:1"}, 1,
                "leader group 'db' is not led in term 1: that lease ran out or was given up");
  EXPECT_EQ(Cli({"get", "tbl", "k"}).out, "v");
}

TEST_P(CliTest, TransactionOperationsTakeFences) {
  ASSERT_EQ(Cli({"lock-acquire", "tbl", "deploy", "--owner", "a"}).exit_code, 0);
  std::string good = R"([{"op":"set","key":"a","value":"1","if_lock":"deploy:1"},{"op":"inc","key":"n"}])";
  EXPECT_EQ(Cli({"transaction", "tbl", "--file", "-"}, {.stdin_data = good}).exit_code, 0);
  std::string stale = R"([{"op":"set","key":"a","value":"2"},{"op":"inc","key":"n","if_lock":"deploy:7"}])";
  RunResult refused = Cli({"transaction", "tbl", "--file", "-"}, {.stdin_data = stale});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("lock 'deploy' is not held with token 7"), std::string::npos) << refused.err;
  EXPECT_EQ(Cli({"get", "tbl", "a"}).out, "1");
  EXPECT_EQ(Cli({"get-counter", "tbl", "n"}).out, "1\n");
  std::string bad = R"([{"op":"set","key":"a","value":"3","if_lock":"deploy"}])";
  RunResult malformed = Cli({"transaction", "tbl", "--file", "-"}, {.stdin_data = bad});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("operation 0 (set): field 'if_lock': if-lock takes LOCK:TOKEN"), std::string::npos)
      << malformed.err;
}

TEST_P(CliTest, MalformedFencesAreUsageErrors) {
  ExpectFailure({"set", "tbl", "k", "v", "--if-lock", "deploy"}, 2, "--if-lock takes LOCK:TOKEN, got 'deploy'");
  ExpectFailure({"set", "tbl", "k", "v", "--if-lock", "deploy:0"}, 2, "'0' is not a positive token");
  ExpectFailure({"inc", "tbl", "n", "--if-leader", "db:x"}, 2, "--if-leader takes GROUP:TERM");
  ExpectFailure({"set", "tbl", "k", "v", "--if-lock", "d:1", "--if-lock", "d:2"}, 2, "different tokens");
  ExpectFailure({"delete", "tbl", "--prefix", "p", "--if-lock", "d:1"}, 2, "not --prefix");
  EXPECT_EQ(Cli({"get", "tbl", "k"}).exit_code, 1) << "nothing was written";
}

}  // namespace
}  // namespace kvstore::testing
