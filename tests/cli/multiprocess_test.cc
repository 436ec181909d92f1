// Many real processes on one store at once.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

TEST_P(CliTest, EightProcessesIncrementOneCounterWithoutLosingAny) {
  constexpr int kProcesses = 8;
  const int kEach = ScaledCount(200);
  std::string loop = "for i in $(seq " + std::to_string(kEach) + "); do \"$0\" --store \"$1\" inc tbl shared || exit 1; done";
  std::vector<RunResult> results(kProcesses);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcesses; ++p) {
    threads.emplace_back([&, p] { results[p] = RunProcess({"sh", "-c", loop, KVSTORE_BIN, store_}); });
  }
  for (auto& t : threads) t.join();

  // Every increment returned a distinct value: together exactly 1..8 x kEach.
  std::vector<long> seen;
  for (const RunResult& r : results) {
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    for (long v; lines >> v;) seen.push_back(v);
  }
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), static_cast<size_t>(kProcesses * kEach));
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], long(i + 1));
  EXPECT_EQ(Cli({"get-counter", "tbl", "shared"}).out, std::to_string(kProcesses * kEach) + "\n");
}

TEST_P(CliTest, ConcurrentIfNotExistsHasExactlyOneWinner) {
  constexpr int kProcesses = 8;
  std::vector<RunResult> results(kProcesses);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcesses; ++p) {
    threads.emplace_back([&, p] { results[p] = Cli({"set", "tbl", "leader", std::to_string(p), "--if-not-exists"}); });
  }
  for (auto& t : threads) t.join();
  int winners = 0;
  for (const RunResult& r : results) {
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    winners += r.exit_code == 0;
  }
  EXPECT_EQ(winners, 1);
}

// The last number on a complete line of the writer's output.
long LastAcknowledged(const std::string& out) {
  size_t end = out.rfind('\n');
  if (end == std::string::npos) return -1;
  size_t start = out.rfind('\n', end - 1);
  start = start == std::string::npos ? 0 : start + 1;
  return std::stol(out.substr(start, end - start));
}

TEST_P(CliTest, AcknowledgedWritesSurviveKillNine) {
  std::mt19937 random(42);
  const int kRounds = ScaledCount(5);
  for (int round = 0; round < kRounds; ++round) {
    std::string prefix = "r" + std::to_string(round) + "-";
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      dup2(out[1], 1);
      close(out[0]);
      execl(KVSTORE_CRASH_WRITER, KVSTORE_CRASH_WRITER, store_.c_str(), "tbl", prefix.c_str(), nullptr);
      _exit(127);
    }
    close(out[1]);
    // Kill it after a random number of acknowledged writes, mid-stream.
    long kill_after = 20 + static_cast<long>(random() % 400);
    std::string acked;
    char buf[4096];
    while (LastAcknowledged(acked) < kill_after) {
      ssize_t n = read(out[0], buf, sizeof buf);
      ASSERT_GT(n, 0) << "the writer stopped early";
      acked.append(buf, size_t(n));
    }
    kill(pid, SIGKILL);
    for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) acked.append(buf, size_t(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer was killed mid-flight";

    long last = LastAcknowledged(acked);
    for (long i = 0; i <= last; i += std::max(1L, last / 50)) {
      EXPECT_EQ(Cli({"get", "tbl", prefix + std::to_string(i)}).out, std::to_string(i));
    }
    EXPECT_EQ(Cli({"get", "tbl", prefix + std::to_string(last)}).out, std::to_string(last));
    // The counter holds every acknowledged increment, plus at most the one in flight.
    long count = std::stol(Cli({"get-counter", "tbl", prefix + "-count"}).out);
    EXPECT_GE(count, last + 1);
    EXPECT_LE(count, last + 2);
  }
  if (!OnSqlite()) return;  // the rest checks the SQLite file itself
  RunResult check = RunProcess({"sqlite3", dir_.File("store.db"), "PRAGMA integrity_check"});
  EXPECT_EQ(check.out, "ok\n") << check.err;
}

}  // namespace
}  // namespace kvstore::testing
