// Sets and lists through the real binary, including many processes at once.
#include <map>
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

TEST_P(CliTest, SetCommands) {
  EXPECT_EQ(Cli({"sadd", "tbl", "s", "a", "b", "a"}).out, "2\n");
  EXPECT_EQ(Json({"sadd", "tbl", "s", "c"}), nlohmann::json({{"set", "s"}, {"added", 1}}));
  EXPECT_EQ(Cli({"srem", "tbl", "s", "a", "zz"}).out, "1\n");
  EXPECT_EQ(Cli({"srem", "tbl", "s", "zz"}).exit_code, 0) << "removing nothing still succeeds";
  EXPECT_EQ(Cli({"smembers", "tbl", "s"}).out, "b\nc\n");
  EXPECT_EQ(Json({"smembers", "tbl", "s"}), nlohmann::json({"b", "c"}));
  EXPECT_EQ(Cli({"scard", "tbl", "s"}).out, "2\n");
  RunResult yes = Cli({"sismember", "tbl", "s", "b"});
  EXPECT_EQ(yes.exit_code, 0);
  EXPECT_EQ(yes.out, "true\n");
  RunResult no = Cli({"sismember", "tbl", "s", "a"});
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_EQ(no.out, "false\n");
  EXPECT_EQ(Json({"sismember", "tbl", "s", "a"}, 1)["is_member"], false);
  ExpectFailure({"sadd", "tbl", "s"}, 2, "MEMBER");
  ExpectFailure({"sadd", "tbl", "s", ""}, 2, "member must not be empty");
  ExpectFailure({"sadd", "nosuchtable", "s", "a"}, 2, "does not exist");
}

TEST_P(CliTest, ListCommands) {
  EXPECT_EQ(Cli({"rpush", "tbl", "l", "a", "b", "c"}).out, "3\n");
  EXPECT_EQ(Json({"lpush", "tbl", "l", "x", "y"}), nlohmann::json({{"list", "l"}, {"length", 5}}));
  EXPECT_EQ(Cli({"lrange", "tbl", "l", "0", "-1"}).out, "y\nx\na\nb\nc\n");
  EXPECT_EQ(Cli({"lrange", "tbl", "l", "-2", "-1"}).out, "b\nc\n");
  EXPECT_EQ(Json({"lrange", "tbl", "l", "0", "1"}), nlohmann::json({"y", "x"}));
  EXPECT_EQ(Cli({"llen", "tbl", "l"}).out, "5\n");
  EXPECT_EQ(Cli({"lpop", "tbl", "l"}).out, "y\n");
  EXPECT_EQ(Cli({"rpop", "tbl", "l", "--count", "2"}).out, "c\nb\n");
  EXPECT_EQ(Cli({"lpop", "tbl", "l", "--count", "9"}).out, "x\na\n");
  ExpectFailure({"lpop", "tbl", "l"}, 1, "list 'l' is empty");
  ExpectFailure({"rpop", "tbl", "l", "--count", "100"}, 2, "--count");
  ExpectFailure({"lrange", "tbl", "l", "zero", "-1"}, 2, "START");
  ExpectFailure({"lrange", "tbl", "l", "0"}, 2, "STOP");
  ExpectFailure({"rpush", "tbl", "l"}, 2, "VALUE");
}

TEST_P(CliTest, ListValuesThatAreNotUtf8ComeBackAsBase64InJson) {
  ASSERT_EQ(Cli({"rpush", "tbl", "l", std::string("\xff\xfe", 2)}).exit_code, 0);
  EXPECT_EQ(Json({"lrange", "tbl", "l", "0", "-1"}), nlohmann::json::parse(R"([{"base64":"//4="}])"));
}

TEST_P(CliTest, ConcurrentPushersAndPoppersLoseAndDuplicateNothing) {
  constexpr int kPushers = 4;
  const int kPerPusher = ScaledCount(500);
  constexpr int kPerCall = 5;
  std::string pusher =
      "i=0; while [ $i -lt " + std::to_string(kPerPusher) + " ]; do "
      "  set --; for j in 1 2 3 4 5; do set -- \"$@\" \"p$P-$((i + j))\"; done; "
      "  \"$KV\" --store \"$STORE\" rpush tbl work \"$@\" > /dev/null || exit 1; i=$((i + " + std::to_string(kPerCall) + ")); "
      "done";
  // Poppers stop once the pushers are done and the list is empty.
  std::string popper =
      "while :; do "
      "  if ! \"$KV\" --store \"$STORE\" lpop tbl work --count 7 2>/dev/null; then "
      "    \"$KV\" --store \"$STORE\" exists tbl pushers-done > /dev/null && "
      "    ! \"$KV\" --store \"$STORE\" lpop tbl work --count 99 2>/dev/null && break; "
      "  fi; "
      "done; exit 0";
  auto run = [&](const std::string& script, int i) {
    return RunProcess({"sh", "-c", script}, {.env = {{"KV", KVSTORE_BIN}, {"STORE", store_}, {"P", std::to_string(i)}}});
  };
  std::vector<RunResult> popped(4);
  std::vector<std::thread> poppers;
  for (int i = 0; i < 4; ++i) poppers.emplace_back([&, i] { popped[i] = run(popper, i); });
  std::vector<RunResult> pushed(kPushers);
  std::vector<std::thread> pushers;
  for (int i = 0; i < kPushers; ++i) pushers.emplace_back([&, i] { pushed[i] = run(pusher, i); });
  for (auto& t : pushers) t.join();
  for (const RunResult& r : pushed) ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Cli({"set", "tbl", "pushers-done", "1"}).exit_code, 0);
  for (auto& t : poppers) t.join();

  std::map<std::string, int> seen;
  for (const RunResult& r : popped) {
    for (const std::string& value : Lines(r.out)) ++seen[value];
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kPushers * kPerPusher));
  for (const auto& [value, times] : seen) EXPECT_EQ(times, 1) << value << " popped " << times << " times";
  EXPECT_EQ(Cli({"llen", "tbl", "work"}).out, "0\n");
}

TEST_P(CliTest, ConcurrentSetWritersKeepTheCountExact) {
  // 4 processes add overlapping members; 2 remove some; scard matches smembers.
  std::string adder = "for i in $(seq 40); do \"$KV\" --store \"$STORE\" sadd tbl s m$i m$((i + P)) > /dev/null || exit 1; done";
  std::string remover = "for i in $(seq 1 3 40); do \"$KV\" --store \"$STORE\" srem tbl s m$i > /dev/null || exit 1; done";
  std::vector<std::thread> threads;
  std::vector<RunResult> results(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      results[i] = RunProcess({"sh", "-c", i < 4 ? adder : remover},
                              {.env = {{"KV", KVSTORE_BIN}, {"STORE", store_}, {"P", std::to_string(i * 10)}}});
    });
  }
  for (auto& t : threads) t.join();
  for (const RunResult& r : results) ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t members = Lines(Cli({"smembers", "tbl", "s"}).out).size();
  EXPECT_EQ(Cli({"scard", "tbl", "s"}).out, std::to_string(members) + "\n");
  EXPECT_GT(members, 40u);
}

TEST_P(CliTest, SetsAndListsTakeATtlWhole) {
  EXPECT_EQ(Cli({"sadd", "tbl", "online", "ann", "bob", "--ttl", "100"}).out, "2\n");
  EXPECT_EQ(Cli({"ttl", "tbl", "online", "--type", "set"}).out, "100\n");
  ExpectFailure({"ttl", "tbl", "online"}, 1, "key 'online' not found");
  EXPECT_EQ(Cli({"rpush", "tbl", "recent", "a", "--ttl", "50"}).out, "1\n");
  EXPECT_EQ(Cli({"expire", "tbl", "recent", "500", "--type", "list"}).out, "OK\n");
  EXPECT_EQ(Cli({"ttl", "tbl", "recent", "--type", "list"}).out, "500\n");
  EXPECT_EQ(Cli({"persist", "tbl", "online", "--type", "set"}).out, "OK\n");
  EXPECT_EQ(Json({"ttl", "tbl", "online", "--type", "set"})["ttl"], nullptr);
  ExpectFailure({"expire", "tbl", "nosuch", "5", "--type", "set"}, 1, "set 'nosuch' not found");
  ExpectFailure({"ttl", "tbl", "online", "--type", "queue"}, 2, "--type");
  ExpectFailure({"sadd", "tbl", "s", "m", "--ttl", "0"}, 2, "ttl");
  // The members expire with the set (1 s here, on the real clock).
  ASSERT_EQ(Cli({"sadd", "tbl", "brief", "x", "y", "--ttl", "1"}).exit_code, 0);
  ASSERT_EQ(Cli({"lpush", "tbl", "briefl", "x", "--ttl", "1"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(Cli({"smembers", "tbl", "brief"}).out, "");
  EXPECT_EQ(Cli({"sismember", "tbl", "brief", "x"}).exit_code, 1);
  EXPECT_EQ(Cli({"lrange", "tbl", "briefl", "0", "-1"}).out, "");
  EXPECT_EQ(Cli({"sadd", "tbl", "brief", "z"}).out, "1\n");
  EXPECT_EQ(Cli({"smembers", "tbl", "brief"}).out, "z\n") << "a new set, nothing of the old";
}

}  // namespace
}  // namespace kvstore::testing
