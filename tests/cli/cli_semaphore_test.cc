// sem-* through the real binary on both stores, and from many processes.
#include <sstream>
#include <thread>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

TEST_P(CliTest, SemAcquireCheckReleaseExtend) {
  EXPECT_EQ(Cli({"sem-acquire", "tbl", "pool", "--limit", "2", "--owner", "a"}).out, "1\n");
  EXPECT_EQ(Cli({"sem-acquire", "tbl", "pool", "--limit", "2", "--owner", "b"}).out, "2\n");
  ExpectFailure({"sem-acquire", "tbl", "pool", "--limit", "2", "--owner", "c"}, 1,
                "all 2 slots of semaphore 'pool' are held (by 'a', 'b')");
  RunResult check = Cli({"sem-check", "tbl", "pool"});
  EXPECT_EQ(check.exit_code, 1) << "no slot free";
  EXPECT_EQ(check.out.substr(0, check.out.find('\n')), "2 of 2 slots held, 0 free");
  auto doc = Json({"sem-check", "tbl", "pool"}, 1);
  EXPECT_EQ(doc["limit"], 2);
  EXPECT_EQ(doc["free"], 0);
  ASSERT_EQ(doc["holders"].size(), 2u);
  EXPECT_EQ(doc["holders"][1]["owner"], "b");
  EXPECT_EQ(doc["holders"][1]["token"], 2);
  EXPECT_EQ(Cli({"sem-extend", "tbl", "pool", "--owner", "b", "--ttl", "60"}).out, "2\n");
  EXPECT_EQ(Cli({"sem-release", "tbl", "pool", "--owner", "a"}).out, "OK\n");
  ExpectFailure({"sem-release", "tbl", "pool", "--owner", "a"}, 1, "semaphore 'pool' has no slot held by 'a'");
  EXPECT_EQ(Cli({"sem-check", "tbl", "pool"}).exit_code, 0);
  EXPECT_EQ(Json({"sem-acquire", "tbl", "pool", "--limit", "2", "--owner", "c"})["token"], 3);
}

TEST_P(CliTest, SemLimitDisagreementAndBadInput) {
  ASSERT_EQ(Cli({"sem-acquire", "tbl", "pool", "--limit", "3", "--owner", "a"}).exit_code, 0);
  ExpectFailure({"sem-acquire", "tbl", "pool", "--limit", "4", "--owner", "b"}, 2,
                "semaphore 'pool' has a limit of 3 while its slots are held; this call asked for 4");
  ExpectFailure({"sem-run", "tbl", "pool", "--limit", "1", "--", "true"}, 2, "has a limit of 3");
  ExpectFailure({"sem-acquire", "tbl", "pool", "--limit", "0", "--owner", "b"}, 2, "--limit");
  ExpectFailure({"sem-acquire", "tbl", "pool", "--limit", "501", "--owner", "b"}, 2, "--limit");
  ExpectFailure({"sem-acquire", "tbl", "pool", "--owner", "b"}, 2, "--limit");
  ExpectFailure({"sem-acquire", "tbl", "pool", "--limit", "3", "--owner", "b", "--ttl", "-1"}, 2, "--ttl");
  EXPECT_EQ(Json({"sem-check", "tbl", "pool"})["held"], 1) << "nothing changed";
}

TEST_P(CliTest, SemRunPassesTokenAndExitCodeAndReleases) {
  RunResult run = Cli({"sem-run", "tbl", "pool", "--limit", "2", "--", "sh", "-c",
                       "echo token=$KVSTORE_SEM_TOKEN; test -n \"$KVSTORE_SEM_OWNER\"; exit 7"});
  EXPECT_EQ(run.exit_code, 7) << run.err;
  EXPECT_EQ(run.out, "token=1\n");
  EXPECT_EQ(Json({"sem-check", "tbl", "pool"})["held"], 0) << "released after the command";
  ASSERT_EQ(Cli({"sem-acquire", "tbl", "pool", "--limit", "1", "--owner", "x"}).exit_code, 0);
  EXPECT_EQ(Cli({"sem-run", "tbl", "pool", "--limit", "1", "--conflict-exit-code", "75", "--", "true"}).exit_code, 75);
}

TEST_P(CliTest, SemRunStopsTheCommandWhenItsSlotIsLost) {
  // The command releases its own slot; sem-run notices at the next renewal.
  std::string command =
      "\"$0\" --store \"$1\" sem-release tbl pool --owner \"$KVSTORE_SEM_OWNER\" >/dev/null; sleep 30";
  RunResult run = Cli({"sem-run", "tbl", "pool", "--limit", "1", "--ttl", "1.5", "--", "sh", "-c", command,
                       KVSTORE_BIN, store_});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("lost the slot of semaphore 'pool'"), std::string::npos) << run.err;
}

TEST_P(CliTest, SemKilledHoldersSlotFreesAtItsTtl) {
  // sem-run is SIGKILLed while its command runs: nothing releases the slot,
  // which stays held until its 1.5 s lease runs out, then is free. (The
  // orphaned command ends by itself; killing it by name could hit another
  // test's.)
  std::string script =
      "\"$0\" --store \"$1\" sem-run tbl pool --limit 1 --ttl 1.5 -- sleep 4 & pid=$!; "
      "until \"$0\" --store \"$1\" sem-check tbl pool >/dev/null; [ $? = 1 ]; do sleep 0.02; done; "
      "kill -9 $pid; "
      "start=$(date +%s%N); \"$0\" --store \"$1\" sem-check tbl pool > /dev/null; echo held=$?; "
      "\"$0\" --store \"$1\" sem-acquire tbl pool --limit 1 --owner next --wait 10 > /dev/null || exit 9; "
      "echo waited_ms=$(( ($(date +%s%N) - start) / 1000000 ))";
  RunResult run = RunProcess({"sh", "-c", script, KVSTORE_BIN, store_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("held=1"), std::string::npos) << run.out;
  int waited = std::stoi(run.out.substr(run.out.find("waited_ms=") + 10));
  EXPECT_GT(waited, 500) << "the slot was not freed before its lease ran out";
  EXPECT_LT(waited, 5000);
}

// Ten processes loop over sem-run with a limit of 3; each command logs when
// it starts and ends. Counting along the log: never more than 3 at once, and
// 3 at some point.
TEST_P(CliTest, SemaphoreAdmitsAtMostLimitProcessesAtOnce) {
  constexpr int kProcesses = 10;
  const int kRounds = ScaledCount(4);
  std::string log = dir_.File("log");
  std::string script =
      "for i in $(seq " + std::to_string(kRounds) + "); do "
      "  \"$0\" --store \"$1\" sem-run tbl pool --limit 3 --ttl 10 --wait 120 -- "
      "    sh -c 'echo start >> \"$0\"; sleep 0.2; echo end >> \"$0\"' \"$3\" || exit 1; "
      "done";
  for (const RunResult& r : RunShells(kProcesses, script, store_, log)) ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(RunProcess({"cat", log}).out);
  int holders = 0, most = 0, starts = 0;
  for (std::string line; std::getline(lines, line);) {
    holders += line == "start" ? 1 : -1;
    starts += line == "start";
    most = std::max(most, holders);
    ASSERT_LE(holders, 3) << "more than 3 commands ran at once";
  }
  EXPECT_EQ(starts, kProcesses * kRounds);
  EXPECT_EQ(most, 3);
  EXPECT_EQ(Json({"sem-check", "tbl", "pool"})["held"], 0);
}

}  // namespace
}  // namespace kvstore::testing
