// watch and wait through the real binary, on both stores, with writers in
// other processes.
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

// The shell words that start `kvstore --json watch ARGS...` in the
// background ($0 = kvstore, $1 = store), its events into `out`.
std::string StartWatcher(const std::vector<std::string>& args, const std::string& out) {
  std::string command = "\"$0\" --store \"$1\" --json watch";
  for (const std::string& a : args) command += " '" + a + "'";
  return command + " > \"" + out + "\" &";
}

std::vector<nlohmann::json> JsonLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> docs;
  for (std::string line; std::getline(in, line);) docs.push_back(nlohmann::json::parse(line, nullptr, false));
  return docs;
}

TEST_P(CliTest, WatchSeesEveryChangeOfAnotherProcessInOrderPerKey) {
  // Three writers each set their own key to 1..N in order, then delete it;
  // the watcher must see each key's values in increasing order (some may be
  // coalesced) and end with its deletion.
  const int kEach = ScaledCount(30);
  std::string out = dir_.File("events");
  std::string script = StartWatcher({"tbl", "--prefix", "w:", "--timeout", "60", "--interval", "0.05"}, out) +
                       " watcher=$!; sleep 0.5; "
                       "for w in a b c; do ( for i in $(seq " + std::to_string(kEach) + "); do "
                       "  \"$0\" --store \"$1\" set tbl w:$w $i > /dev/null || exit 1; done; "
                       "  \"$0\" --store \"$1\" delete tbl w:$w > /dev/null ) & done; wait %2 %3 %4; "
                       "sleep 1.5; kill $watcher";
  RunResult run = RunProcess({"sh", "-c", script, KVSTORE_BIN, store_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, int> last;
  std::map<std::string, std::string> final_event;
  for (const nlohmann::json& e : JsonLines(out)) {
    ASSERT_TRUE(e.is_object());
    std::string key = e["key"];
    final_event[key] = e["event"];
    if (e["event"] == "put") {
      int v = std::stoi(e["value"].get<std::string>());
      EXPECT_GT(v, last[key]) << key << " went back from " << last[key] << " to " << v;
      last[key] = v;
      EXPECT_EQ(e["type"], "kv");
      EXPECT_TRUE(e["version"].is_number());
    }
  }
  for (const char* key : {"w:a", "w:b", "w:c"}) {
    EXPECT_EQ(final_event[key], "delete") << key << ": the final state was missed";
    EXPECT_GE(last[key], 1) << key;
  }
}

TEST_P(CliTest, WatchCountTimeoutAndText) {
  std::string script =
      "\"$0\" --store \"$1\" watch tbl k --count 2 --timeout 20 --interval 0.05 & w=$!; sleep 0.5; "
      "\"$0\" --store \"$1\" set tbl k 'a b' > /dev/null; sleep 0.3; "
      "printf 'x\\ny' | \"$0\" --store \"$1\" set tbl k - > /dev/null; wait $w";
  RunResult run = RunProcess({"sh", "-c", script, KVSTORE_BIN, store_});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "put k a b\nput k x\\ny\n");
  RunResult none = Cli({"watch", "tbl", "k", "--count", "1", "--timeout", "0.3"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("saw 0 of 1 changes within"), std::string::npos) << none.err;
  EXPECT_EQ(Cli({"watch", "tbl", "k", "--timeout", "0.2"}).exit_code, 0) << "no --count: the timeout ends it";
  ExpectFailure({"watch", "tbl"}, 2, "give either a KEY or --prefix PREFIX");
  ExpectFailure({"watch", "tbl", "k", "--timeout", "x"}, 2, "--timeout");
}

TEST_P(CliTest, WaitForExistsMissingAndValue) {
  std::string script =
      "\"$0\" --store \"$1\" wait tbl flag --timeout 20 --interval 0.05 & w=$!; sleep 0.3; "
      "\"$0\" --store \"$1\" set tbl flag ready > /dev/null; wait $w; echo exists=$?; "
      "\"$0\" --store \"$1\" wait tbl flag --value done --timeout 20 --interval 0.05 & w=$!; sleep 0.3; "
      "\"$0\" --store \"$1\" set tbl flag done > /dev/null; wait $w; echo value=$?; "
      "\"$0\" --store \"$1\" wait tbl flag --missing --timeout 20 --interval 0.05 & w=$!; sleep 0.3; "
      "\"$0\" --store \"$1\" delete tbl flag > /dev/null; wait $w; echo missing=$?";
  RunResult run = RunProcess({"sh", "-c", script, KVSTORE_BIN, store_});
  EXPECT_EQ(run.out, "exists=0\nvalue=0\nmissing=0\n") << run.err;
  ExpectFailure({"wait", "tbl", "flag", "--timeout", "0.2"}, 1, "key 'flag' did not exist within 0.2 s");
  ExpectFailure({"wait", "tbl", "flag", "--exists", "--missing"}, 2, "at most one of");
  EXPECT_EQ(Json({"wait", "tbl", "flag", "--missing"})["met"], true);
}

TEST_P(CliTest, WaitReturnsWithin50msOfTheKeyAppearing) {
  if (!OnSqlite()) GTEST_SKIP() << "woken by changes on the embedded store only; DynamoDB polls";
  if (ScaledCount(10) < 10) GTEST_SKIP() << "a time limit means nothing under the sanitizers' slowdown";
  // The median of five: wait's exit, timed from the start of the set that
  // made the key appear.
  std::string script =
      "\"$0\" --store \"$1\" wait tbl \"$2\" --timeout 20 & w=$!; sleep 0.3; "
      "start=$(date +%s%N); \"$0\" --store \"$1\" set tbl \"$2\" up > /dev/null; wait $w; "
      "echo $(( ($(date +%s%N) - start) / 1000000 ))";
  std::vector<int> ms;
  for (int i = 0; i < 5; ++i) {
    RunResult run = RunProcess({"sh", "-c", script, KVSTORE_BIN, store_, "flag" + std::to_string(i)});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ms.push_back(std::stoi(run.out));
  }
  std::sort(ms.begin(), ms.end());
  EXPECT_LE(ms[2], 50) << "median " << ms[2] << " ms";
}

}  // namespace
}  // namespace kvstore::testing
