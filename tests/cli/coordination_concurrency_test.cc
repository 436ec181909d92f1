// Locks, queues and leader election from many real processes at once.
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string ReadFile(const std::string& path) {
  RunResult cat = RunProcess({"cat", path});
  return cat.out;
}

TEST_P(CliTest, LockGivesMutualExclusionAndIncreasingTokensAcrossProcesses) {
  constexpr int kProcesses = 8;
  const int kRounds = ScaledCount(25);
  std::string log = dir_.File("log");
  std::string script =
      "for i in $(seq " + std::to_string(kRounds) + "); do "
      "  t=$(\"$0\" --store \"$1\" lock-acquire tbl m --owner p$2 --wait 120) || exit 1; "
      "  echo \"start $2 $t\" >> \"$3\"; echo \"end $2 $t\" >> \"$3\"; "
      "  \"$0\" --store \"$1\" lock-release tbl m --owner p$2 > /dev/null || exit 1; "
      "done";
  for (const RunResult& r : RunShells(kProcesses, script, store_, log)) ASSERT_EQ(r.exit_code, 0) << r.err;

  std::vector<std::string> lines = Lines(ReadFile(log));
  ASSERT_EQ(lines.size(), static_cast<size_t>(2 * kProcesses * kRounds));
  long last_token = 0;
  for (size_t i = 0; i < lines.size(); i += 2) {
    std::istringstream start(lines[i]), end(lines[i + 1]);
    std::string s, e, who_s, who_e;
    long token_s = 0, token_e = 0;
    start >> s >> who_s >> token_s;
    end >> e >> who_e >> token_e;
    ASSERT_EQ(s, "start") << "line " << i << ": two holders overlap";
    ASSERT_EQ(e, "end") << "line " << i + 1;
    ASSERT_EQ(who_s, who_e) << "line " << i << ": another process wrote while the lock was held";
    ASSERT_EQ(token_s, token_e);
    ASSERT_GT(token_s, last_token) << "fencing tokens must increase in file order";
    last_token = token_s;
  }
  EXPECT_EQ(last_token, kProcesses * kRounds);
}

TEST_P(CliTest, QueueDeliversEveryMessageToExactlyOneAck) {
  constexpr int kProducers = 3;
  const int kEach = ScaledCount(200);
  std::string producer =
      "for i in $(seq " + std::to_string(kEach) + "); do "
      "  \"$0\" --store \"$1\" queue-push tbl work \"m$2-$i\" > /dev/null || exit 1; done";
  // A consumer stops after the queue has stayed empty for 3 s.
  std::string consumer =
      "while out=$(\"$0\" --store \"$1\" queue-pop tbl work --wait 3 --visibility-timeout 60); do "
      "  receipt=$(printf '%s\\n' \"$out\" | head -n 1 | cut -d' ' -f2); "
      "  payload=$(printf '%s\\n' \"$out\" | tail -n +2); "
      "  \"$0\" --store \"$1\" queue-ack tbl work \"$receipt\" > /dev/null && echo \"$payload\"; "
      "done; exit 0";
  std::vector<RunResult> consumed;
  std::thread consumers([&] { consumed = RunShells(4, consumer, store_, ""); });
  for (const RunResult& r : RunShells(kProducers, producer, store_, "")) ASSERT_EQ(r.exit_code, 0) << r.err;
  consumers.join();

  std::map<std::string, int> acked;
  for (const RunResult& r : consumed) {
    for (const std::string& payload : Lines(r.out)) ++acked[payload];
  }
  EXPECT_EQ(acked.size(), static_cast<size_t>(kProducers * kEach));
  for (const auto& [payload, times] : acked) EXPECT_EQ(times, 1) << payload << " acked more than once";
  EXPECT_EQ(Cli({"queue-size", "tbl", "work"}).out, "visible 0, in flight 0, delayed 0\n");
}

TEST_P(CliTest, AtMostOneLeaderPerTermAndTermsNeverDecrease) {
  constexpr int kCandidates = 5;
  // Each candidate campaigns with a short lease; now and then the leader resigns.
  std::string script =
      "for i in $(seq 30); do "
      "  \"$0\" --store \"$1\" --json leader-elect tbl g --candidate c$2 --ttl 0.2; "
      "  if [ $((i % 7)) -eq 0 ]; then \"$0\" --store \"$1\" leader-resign tbl g --candidate c$2 >/dev/null 2>&1; fi; "
      "  sleep 0.0$2; "
      "done; exit 0";
  std::map<long, std::set<std::string>> leaders_by_term;
  for (const RunResult& r : RunShells(kCandidates, script, store_, "")) {
    long last_term = 0;
    for (const std::string& line : Lines(r.out)) {
      auto doc = nlohmann::json::parse(line);
      long term = doc["term"];
      EXPECT_GE(term, last_term) << "a candidate saw the term go back";
      last_term = term;
      if (doc["is_leader"] == true) leaders_by_term[term].insert(doc["leader"].get<std::string>());
    }
  }
  EXPECT_GT(leaders_by_term.size(), 3u) << "leadership changed hands several times";
  for (const auto& [term, leaders] : leaders_by_term) EXPECT_EQ(leaders.size(), 1u) << "term " << term;
}

}  // namespace
}  // namespace kvstore::testing
