// lock-*, queue-*, leader-* through the real binary: output, JSON, exit codes.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

std::string FirstLineField(const std::string& out, int field) {
  std::istringstream line(out.substr(0, out.find('\n')));
  std::string word;
  for (int i = 0; i <= field; ++i) line >> word;
  return word;
}

TEST_P(CliTest, LockAcquireReleaseCheckExtend) {
  RunResult acquired = Cli({"lock-acquire", "tbl", "deploy", "--owner", "alice", "--ttl", "30"});
  EXPECT_EQ(acquired.exit_code, 0) << acquired.err;
  EXPECT_EQ(acquired.out, "1\n");
  ExpectFailure({"lock-acquire", "tbl", "deploy", "--owner", "bob"}, 1, "held by 'alice'");
  RunResult check = Cli({"lock-check", "tbl", "deploy"});
  EXPECT_EQ(check.exit_code, 0);
  EXPECT_EQ(check.out.rfind("held by alice, token 1, ", 0), 0u) << check.out;
  auto doc = Json({"lock-check", "tbl", "deploy"});
  EXPECT_EQ(doc["owner"], "alice");
  EXPECT_EQ(doc["token"], 1);
  EXPECT_GT(doc["ttl"].get<double>(), 25.0);
  EXPECT_EQ(Cli({"lock-extend", "tbl", "deploy", "--owner", "alice", "--ttl", "60"}).out, "1\n");
  ExpectFailure({"lock-extend", "tbl", "deploy", "--owner", "bob"}, 1, "not held by 'bob'");
  ExpectFailure({"lock-release", "tbl", "deploy", "--owner", "bob"}, 1, "held by 'alice'");
  EXPECT_EQ(Cli({"lock-release", "tbl", "deploy", "--owner", "alice"}).out, "OK\n");
  RunResult free = Cli({"lock-check", "tbl", "deploy"});
  EXPECT_EQ(free.exit_code, 1);
  EXPECT_EQ(free.out, "free\n");
  EXPECT_EQ(free.err, "");
  EXPECT_EQ(Json({"lock-acquire", "tbl", "deploy", "--owner", "bob"})["token"], 2);
}

TEST_P(CliTest, LockExpiresAndWaitTakesItOver) {
  ASSERT_EQ(Cli({"lock-acquire", "tbl", "l", "--owner", "a", "--ttl", "0.3"}).exit_code, 0);
  RunResult waited = Cli({"lock-acquire", "tbl", "l", "--owner", "b", "--wait", "5"});
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_EQ(waited.out, "2\n");
  ExpectFailure({"lock-acquire", "tbl", "l", "--owner", "c", "--wait", "0.2"}, 1, "held by 'b'");
}

TEST_P(CliTest, LockClockSkewAllowance) {
  // Allowing 1 s of skew, a lease 0.5 s past its end by our clock is still
  // held for a one-shot attempt; a waiter takes it over (by watching it stay
  // unchanged for its 0.3 s, or once the allowance has passed).
  RunOptions skew{.env = {{"KVSTORE_MAX_CLOCK_SKEW", "1"}}};
  ASSERT_EQ(Cli({"lock-acquire", "tbl", "l", "--owner", "a", "--ttl", "0.3"}, skew).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  RunResult refused = Cli({"lock-acquire", "tbl", "l", "--owner", "b"}, skew);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("held by 'a'"), std::string::npos) << refused.err;
  RunResult waited = Cli({"lock-acquire", "tbl", "l", "--owner", "b", "--wait", "5"}, skew);
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_EQ(waited.out, "2\n");

  RunResult bad = Cli({"lock-check", "tbl", "l"}, {.env = {{"KVSTORE_MAX_CLOCK_SKEW", "soon"}}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("KVSTORE_MAX_CLOCK_SKEW 'soon' is not a number of seconds"), std::string::npos) << bad.err;
}

TEST_P(CliTest, LockBadInput) {
  ExpectFailure({"lock-acquire", "tbl", "l"}, 2, "--owner");
  ExpectFailure({"lock-acquire", "tbl", "l", "--owner", "a", "--ttl", "-3"}, 2, "--ttl");
  ExpectFailure({"lock-acquire", "tbl", "l", "--owner", "a", "--wait", "x"}, 2, "--wait");
  ExpectFailure({"lock-acquire", "tbl", "l", "--owner", ""}, 2, "owner must not be empty");
  ExpectFailure({"lock-acquire", "nosuchtable", "l", "--owner", "a"}, 2, "does not exist");
}

TEST_P(CliTest, LockRunPassesTokenAndExitCodeAndReleases) {
  RunResult run = Cli({"lock-run", "tbl", "job", "--", "sh", "-c", "echo token=$KVSTORE_LOCK_TOKEN; exit 7"});
  EXPECT_EQ(run.exit_code, 7) << run.err;
  EXPECT_EQ(run.out, "token=1\n");
  EXPECT_EQ(Cli({"lock-check", "tbl", "job"}).exit_code, 1) << "released after the command";
}

TEST_P(CliTest, LockRunLeaseOutlivesACommandThreeTimesTheTtl) {
  std::string marker = dir_.File("during");
  // While the command runs for 3x the TTL, another owner keeps being refused.
  std::string command = "sleep 0.8; \"$0\" --store \"$1\" lock-acquire tbl job --owner thief > \"$2\" 2>&1; "
                        "sleep 1.0; exit 0";
  RunResult run = Cli({"lock-run", "tbl", "job", "--ttl", "0.6", "--", "sh", "-c", command, KVSTORE_BIN, store_, marker});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::ifstream in(marker);
  std::string seen((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(seen.find("is held by"), std::string::npos) << seen;
  EXPECT_EQ(Cli({"lock-check", "tbl", "job"}).exit_code, 1);
}

TEST_P(CliTest, LockRunReleasesWhenTheCommandIsKilled) {
  RunResult run = Cli({"lock-run", "tbl", "job", "--", "sh", "-c", "kill -9 $$"});
  EXPECT_EQ(run.exit_code, 128 + 9);
  EXPECT_EQ(Cli({"lock-check", "tbl", "job"}).exit_code, 1);
}

TEST_P(CliTest, LockRunConflictExitCode) {
  ASSERT_EQ(Cli({"lock-acquire", "tbl", "job", "--owner", "other"}).exit_code, 0);
  RunResult run = Cli({"lock-run", "tbl", "job", "--conflict-exit-code", "75", "--", "true"});
  EXPECT_EQ(run.exit_code, 75);
  EXPECT_NE(run.err.find("held by 'other'"), std::string::npos);
  EXPECT_EQ(Cli({"lock-run", "tbl", "job", "--wait", "0.1", "--", "true"}).exit_code, 1);
}

TEST_P(CliTest, LockRunForwardsSignalsToTheCommand) {
  std::string got = dir_.File("got");
  std::string script =
      "export GOT=\"$2\"; \"$0\" --store \"$1\" lock-run tbl job -- sh -c 'trap \"echo term > $GOT; exit 3\" TERM; "
      "sleep 5 & wait' & pid=$!; sleep 0.5; kill -TERM $pid; wait $pid; echo $?";
  RunResult run = RunProcess({"sh", "-c", script, KVSTORE_BIN, store_, got});
  EXPECT_EQ(run.out, "3\n") << run.err;
  std::ifstream in(got);
  std::string seen;
  in >> seen;
  EXPECT_EQ(seen, "term");
  EXPECT_EQ(Cli({"lock-check", "tbl", "job"}).exit_code, 1);
}

TEST_P(CliTest, LockRunTerminatesTheCommandWhenTheLeaseIsLost) {
  // The command gives its own lock away; lock-run notices at its next renewal
  // and stops the command (which would otherwise sleep for 30 s).
  std::string command =
      "\"$0\" --store \"$1\" lock-release tbl job --owner \"$KVSTORE_LOCK_OWNER\" >/dev/null; "
      "\"$0\" --store \"$1\" lock-acquire tbl job --owner thief >/dev/null; sleep 30";
  auto started = std::chrono::steady_clock::now();
  RunResult run = Cli({"lock-run", "tbl", "job", "--ttl", "1.5", "--", "sh", "-c", command, KVSTORE_BIN, store_});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("lost the lock 'job'"), std::string::npos) << run.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20)) << "the command was stopped";
  // lock-run did not release a lock that was no longer its own: the thief
  // holds it, unless lock-run stopped the command before the thief got it.
  auto check = Json({"lock-check", "tbl", "job"}, -1);
  EXPECT_TRUE(check["owner"].is_null() || check["owner"] == "thief") << check;
}

TEST_P(CliTest, LockRunCommandNotFound) {
  RunResult run = Cli({"lock-run", "tbl", "job", "--", "no-such-command-kvstore"});
  EXPECT_EQ(run.exit_code, 127);
  EXPECT_NE(run.err.find("cannot run 'no-such-command-kvstore'"), std::string::npos);
  ExpectFailure({"lock-run", "tbl", "job"}, 2, "COMMAND");
}

// A strict-FIFO queue (*.fifo) numbers its messages and keeps their order on
// every store and layout; a plain queue's order is each shard's.
TEST_P(CliTest, QueuePushPopAck) {
  EXPECT_EQ(Cli({"queue-push", "tbl", "jobs.fifo", "first"}).out, "1\n");
  EXPECT_EQ(Cli({"queue-push", "tbl", "jobs.fifo", "-"}, {.stdin_data = std::string("bin\xff\0ary", 8)}).out, "2\n");
  EXPECT_EQ(Json({"queue-push", "tbl", "jobs.fifo", "urgent", "--priority", "9"}),
            nlohmann::json({{"queue", "jobs.fifo"}, {"id", "3"}}));
  RunResult pop = Cli({"queue-pop", "tbl", "jobs.fifo"});
  ASSERT_EQ(pop.exit_code, 0) << pop.err;
  EXPECT_EQ(FirstLineField(pop.out, 0), "3");
  EXPECT_EQ(FirstLineField(pop.out, 2), "1");
  EXPECT_EQ(pop.out.substr(pop.out.find('\n') + 1), "urgent");
  std::string receipt = FirstLineField(pop.out, 1);
  EXPECT_EQ(Cli({"queue-ack", "tbl", "jobs.fifo", receipt}).out, "OK\n");
  ExpectFailure({"queue-ack", "tbl", "jobs.fifo", receipt}, 1, "stale");
  ExpectFailure({"queue-ack", "tbl", "jobs.fifo", "garbage"}, 2, "not a queue receipt");
  auto doc = Json({"queue-pop", "tbl", "jobs.fifo"});
  EXPECT_EQ(doc["payload"], "first");
  EXPECT_EQ(doc["receive_count"], 1);
  auto binary = Json({"queue-pop", "tbl", "jobs.fifo"});
  EXPECT_EQ(binary["payload_base64"], "Ymlu/wBhcnk=");
  ExpectFailure({"queue-pop", "tbl", "jobs.fifo"}, 1, "queue 'jobs.fifo' is empty");
  std::string id = Cli({"queue-push", "tbl", "jobs", "plain"}).out;
  auto plain = Json({"queue-pop", "tbl", "jobs"});
  EXPECT_EQ(plain["id"].get<std::string>() + "\n", id);
  EXPECT_EQ(Cli({"queue-ack", "tbl", "jobs", plain["receipt"].get<std::string>()}).out, "OK\n");
}

TEST_P(CliTest, QueueConsumerThatDiesGetsItsMessageRedelivered) {
  ASSERT_EQ(Cli({"queue-push", "tbl", "jobs", "work"}).exit_code, 0);
  // 1.5 s: the next pop must come before it, even from a slow (ASan) process.
  ASSERT_EQ(Cli({"queue-pop", "tbl", "jobs", "--visibility-timeout", "1.5"}).exit_code, 0);  // never acked
  ExpectFailure({"queue-pop", "tbl", "jobs"}, 1, "empty");
  auto again = Json({"queue-pop", "tbl", "jobs", "--wait", "4"});
  EXPECT_EQ(again["payload"], "work");
  EXPECT_EQ(again["receive_count"], 2);
}

TEST_P(CliTest, QueuePeekSizeNackDeadLetter) {
  std::string id = Cli({"queue-push", "tbl", "q", "a"}).out;
  ASSERT_EQ(Cli({"queue-push", "tbl", "q", "b", "--delay", "60"}).exit_code, 0);
  EXPECT_EQ(Cli({"queue-size", "tbl", "q"}).out, "visible 1, in flight 0, delayed 1\n");
  EXPECT_EQ(Cli({"queue-peek", "tbl", "q", "--count", "5"}).out,
            "id " + id.substr(0, id.size() - 1) + ", priority 0, received 0 times: a\n");
  auto popped = Json({"queue-pop", "tbl", "q", "--max-receives", "1"});
  EXPECT_EQ(Json({"queue-size", "tbl", "q"}),
            nlohmann::json({{"queue", "q"}, {"visible", 0}, {"in_flight", 1}, {"delayed", 1}}));
  EXPECT_EQ(Cli({"queue-nack", "tbl", "q", popped["receipt"]}).out, "OK\n");
  ExpectFailure({"queue-pop", "tbl", "q", "--max-receives", "1"}, 1, "empty");
  EXPECT_EQ(Json({"queue-pop", "tbl", "q.dlq"})["payload"], "a");
}

TEST_P(CliTest, QueueBadInput) {
  ExpectFailure({"queue-push", "tbl", "q", "x", "--priority", "high"}, 2, "--priority");
  ExpectFailure({"queue-push", "tbl", "q", "x", "--delay", "-1"}, 2, "--delay");
  ExpectFailure({"queue-pop", "tbl", "q", "--visibility-timeout", "0"}, 2, "visibility timeout");
  ExpectFailure({"queue-peek", "tbl", "q", "--count", "0"}, 2, "count");
  EXPECT_EQ(Cli({"queue-size", "tbl", "q"}).out, "visible 0, in flight 0, delayed 0\n");
}

TEST_P(CliTest, LeaderElectHeartbeatCheckResign) {
  RunResult elected = Cli({"leader-elect", "tbl", "web", "--candidate", "a"});
  EXPECT_EQ(elected.exit_code, 0) << elected.err;
  EXPECT_EQ(elected.out.rfind("leader a, term 1, ", 0), 0u) << elected.out;
  RunResult other = Cli({"leader-elect", "tbl", "web", "--candidate", "b"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_EQ(other.out.rfind("leader a, term 1", 0), 0u);
  EXPECT_EQ(other.err, "");
  auto doc = Json({"leader-elect", "tbl", "web", "--candidate", "b"}, 1);
  EXPECT_EQ(doc["leader"], "a");
  EXPECT_EQ(doc["is_leader"], false);
  EXPECT_EQ(Cli({"leader-heartbeat", "tbl", "web", "--candidate", "a"}).exit_code, 0);
  ExpectFailure({"leader-heartbeat", "tbl", "web", "--candidate", "b"}, 1, "the leader is 'a'");
  ExpectFailure({"leader-resign", "tbl", "web", "--candidate", "b"}, 1, "not the leader");
  EXPECT_EQ(Cli({"leader-check", "tbl", "web"}).exit_code, 0);
  EXPECT_EQ(Cli({"leader-resign", "tbl", "web", "--candidate", "a"}).out, "OK\n");
  RunResult none = Cli({"leader-check", "tbl", "web"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.out, "no leader (last term 1)\n");
  EXPECT_EQ(Json({"leader-elect", "tbl", "web", "--candidate", "b"})["term"], 2);
}

TEST_P(CliTest, LeaderLeaseExpires) {
  ASSERT_EQ(Cli({"leader-elect", "tbl", "g", "--candidate", "a", "--ttl", "0.2"}).exit_code, 0);
  usleep(300'000);
  EXPECT_EQ(Cli({"leader-check", "tbl", "g"}).exit_code, 1);
  ExpectFailure({"leader-heartbeat", "tbl", "g", "--candidate", "a"}, 1, "no leader");
  EXPECT_EQ(Json({"leader-elect", "tbl", "g", "--candidate", "b"})["term"], 2);
}

}  // namespace
}  // namespace kvstore::testing
