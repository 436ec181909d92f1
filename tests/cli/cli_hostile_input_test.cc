// Bad input for every kind of argument, on both stores: each case must exit
// with the documented code, print nothing on stdout and exactly one line on
// stderr that names the problem, and change nothing in the store.
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

struct BadInput {
  std::vector<std::string> args;
  int exit_code;
  std::string mentions;  // a word of the stderr line that names the problem
  std::string stdin_data{};
};

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// A transaction of `n` set operations.
std::string Operations(int n) {
  std::string ops = "[";
  for (int i = 0; i < n; ++i) ops += (i ? "," : "") + std::string(R"({"op":"set","key":"k)") + std::to_string(i) + R"(","value":"v"})";
  return ops + "]";
}

const std::string kOverLimitValue(262'145, 'v');
const std::string kLongName(513, 'k');

std::vector<BadInput> Cases() {
  return {
      // Missing, extra and unknown arguments.
      {{}, 2, "no command given"},
      {{"get"}, 2, "TABLE is required"},
      {{"get", "tbl"}, 2, "KEY is required"},
      {{"get", "tbl", "a", "extra"}, 2, "extra"},
      {{"frobnicate", "tbl"}, 2, "unknown command 'frobnicate'"},
      {{"get", "tbl", "a", "--bogus"}, 2, "--bogus"},
      {{"set", "tbl", "k"}, 2, "VALUE is required"},
      {{"inc", "tbl", "c", "--by"}, 2, "--by needs a value"},
      {{"lock-acquire", "tbl", "l"}, 2, "--owner is required"},
      {{"leader-elect", "tbl", "g"}, 2, "--candidate is required"},
      {{"lock-run", "tbl", "l"}, 2, "COMMAND is required"},
      {{"set", "tbl", "k", "v", "--if-not-exists", "--if-value", "x"}, 2, "excludes"},
      // Empty strings.
      {{"get", "tbl", ""}, 2, "key must not be empty"},
      {{"get", "", "k"}, 2, "table name"},
      {{"create-table", ""}, 2, "table name"},
      {{"lock-acquire", "tbl", "l", "--owner", ""}, 2, "owner must not be empty"},
      {{"sadd", "tbl", "s", ""}, 2, "member must not be empty"},
      {{"queue-push", "tbl", "", "p"}, 2, "queue name must not be empty"},
      // Names and values over the limits.
      {{"get", "tbl", kLongName}, 2, "the limit is 512"},
      {{"sadd", "tbl", "s", kLongName}, 2, "the limit is 512"},
      {{"create-table", std::string(256, 't')}, 2, "3 to 255 characters"},
      {{"create-table", "ab"}, 2, "3 to 255 characters"},
      {{"create-table", "bad/name"}, 2, "may contain only"},
      {{"set", "tbl", "k", "-"}, 2, "over the limit of 262144 bytes", kOverLimitValue},
      {{"queue-push", "tbl", "q", "-"}, 2, "over the limit of 262144 bytes", kOverLimitValue},
      // (Values over the limit go on stdin: Linux refuses an argument over 128 KiB.)
      // Invalid UTF-8 in names (NUL cannot be an argument; it is tried in files below).
      {{"set", "tbl", "\xff\xfe", "v"}, 2, "valid UTF-8"},
      {{"sadd", "tbl", "s", "\xc3"}, 2, "valid UTF-8"},
      {{"lock-acquire", "tbl", "\xe2\x82", "--owner", "me"}, 2, "valid UTF-8"},
      {{"leader-elect", "tbl", "g", "--candidate", "\xed\xa0\x80"}, 2, "valid UTF-8"},  // a UTF-16 surrogate
      // Durations: negative, zero, huge, not numbers.
      {{"set", "tbl", "k", "v", "--ttl", "-1"}, 2, "must not be negative"},
      {{"set", "tbl", "k", "v", "--ttl", "0"}, 2, "greater than 0"},
      {{"set", "tbl", "k", "v", "--ttl", "1e400"}, 2, "not a number of seconds"},
      {{"set", "tbl", "k", "v", "--ttl", "99999999999999999999"}, 2, "the limit is 10 years"},
      {{"set", "tbl", "k", "v", "--ttl", "abc"}, 2, "not a number of seconds"},
      {{"lock-acquire", "tbl", "l", "--owner", "o", "--wait", "-5"}, 2, "must not be negative"},
      {{"queue-pop", "tbl", "q", "--visibility-timeout", "nan"}, 2, "not a number of seconds"},
      {{"queue-push", "tbl", "q", "p", "--delay", "inf"}, 2, "not a number of seconds"},
      // Numbers: not numbers, fractions, overflow, out of range.
      {{"inc", "tbl", "c", "--by", "abc"}, 2, "not a whole number"},
      {{"inc", "tbl", "c", "--by", "1.5"}, 2, "not a whole number"},
      {{"inc", "tbl", "c", "--by", "9223372036854775808"}, 2, "signed 64-bit"},
      {{"dec", "tbl", "c", "--by", "-9223372036854775809"}, 2, "signed 64-bit"},
      {{"queue-push", "tbl", "q", "p", "--priority", "x"}, 2, "not a whole number"},
      {{"lrange", "tbl", "l", "a", "b"}, 2, "not a whole number"},
      {{"lpop", "tbl", "l", "--count", "0"}, 2, "1 to 99"},
      {{"lpop", "tbl", "l", "--count", "-1"}, 2, "--count"},
      {{"lpop", "tbl", "l", "--count", "100"}, 2, "limit of 99"},
      {{"list", "tbl", "--limit", "-1"}, 2, "--limit"},
      {{"queue-peek", "tbl", "q", "--count", "abc"}, 2, "--count"},
      // Wrong type, unknown table.
      {{"inc", "tbl", "a"}, 2, "holds a value, not a counter"},
      {{"get", "nosuch", "k"}, 2, "does not exist"},
      // Transaction and batch files: malformed, deeply nested, too many operations, bad fields, NUL.
      {{"transaction", "tbl", "--file", "-"}, 2, "malformed JSON", "{"},
      {{"transaction", "tbl", "--file", "-"}, 2, "no operations", "[]"},
      {{"transaction", "tbl", "--file", "-"}, 2, "nested", Repeat("[", 100'000) + Repeat("]", 100'000)},
      {{"transaction", "tbl", "--file", "-"}, 2, "nested", Repeat(R"({"a":)", 50'000) + "1" + Repeat("}", 50'000)},
      {{"transaction", "tbl", "--file", "-"}, 2, "the limit is 100", Operations(101)},
      {{"transaction", "tbl", "--file", "-"}, 2, "unknown op 'frob'", R"([{"op":"frob","key":"k"}])"},
      {{"transaction", "tbl", "--file", "-"}, 2, "NUL", R"([{"op":"set","key":"a\u0000b","value":"v"}])"},
      {{"transaction", "tbl", "--file", "-"}, 2, "operation 1", R"([{"op":"set","key":"x","value":"v"},{"op":"inc","key":"a"}])"},
      {{"batch-set", "tbl", "--file", "-"}, 2, "not valid base64", R"({"key":"k","value_base64":"!!!"})"},
      {{"batch-set", "tbl", "--file", "-"}, 2, "malformed JSON", "not json"},
      {{"batch-set", "tbl", "--file", "-"}, 2, "NUL", R"({"key":"a\u0000b","value":"v"})"},
      {{"batch-set", "tbl", "--file", "-"}, 2, "line 2", "{\"key\":\"ok\",\"value\":\"v\"}\n{\"key\":\"\"}"},
      {{"transaction", "tbl", "--file", "/nonexistent/ops.json"}, 2, "No such file"},
      {{"--timeout", "0", "set", "tbl", "a", "2"}, 2, "--timeout must be more than 0 seconds"},
      {{"--timeout", "soon", "set", "tbl", "a", "2"}, 2, "--timeout 'soon'"},
      {{"--timeout", "-1", "inc", "tbl", "c"}, 2, "--timeout '-1' must not be negative"},
  };
}

class HostileInputTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    for (std::vector<std::string> setup : {std::vector<std::string>{"set", "tbl", "a", "1"},
                                           {"inc", "tbl", "c"},
                                           {"sadd", "tbl", "s", "x"},
                                           {"rpush", "tbl", "l", "one", "two"}}) {
      ASSERT_EQ(Cli(setup).exit_code, 0);
    }
  }

  // What a user could see of the store: tables, every item's type and
  // size, and the values of the fixture's keys.
  std::string Snapshot() {
    std::string seen;
    for (std::vector<std::string> read : {std::vector<std::string>{"--json", "list-tables"},
                                          {"--json", "query", "tbl"},
                                          {"get", "tbl", "a"},
                                          {"get-counter", "tbl", "c"},
                                          {"smembers", "tbl", "s"},
                                          {"lrange", "tbl", "l", "0", "-1"}}) {
      RunResult r = Cli(read);
      seen += std::to_string(r.exit_code) + ":" + r.out + "\n";
    }
    return seen;
  }

  // Every item's type, name, size and TTL: one process.
  std::string Items() { return Cli({"--json", "query", "tbl"}).out; }

  // Runs one bad input and checks the contract; the store must look the same.
  void ExpectRefused(const BadInput& bad, const std::string& store) {
    SCOPED_TRACE(Describe(bad.args));
    RunResult r = Kvstore(store, bad.args, {.stdin_data = bad.stdin_data});
    EXPECT_EQ(r.exit_code, bad.exit_code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    EXPECT_TRUE(r.err.starts_with("kvstore: ")) << r.err;
    EXPECT_NE(r.err.find(bad.mentions), std::string::npos) << "stderr: " << r.err;
  }

  static std::string Describe(const std::vector<std::string>& args) {
    std::string text;
    for (const std::string& a : args) text += (text.empty() ? "" : " ") + a.substr(0, 40);
    return text;
  }
};

TEST_P(HostileInputTest, EveryBadInputIsRefusedWithOneLineAndChangesNothing) {
  std::string before = Snapshot();
  std::string items = Items();
  for (const BadInput& bad : Cases()) {
    ExpectRefused(bad, store_);
    EXPECT_EQ(Items(), items) << "changed by: " << Describe(bad.args);  // cheap, after each case
  }
  EXPECT_EQ(Snapshot(), before);  // values too, once at the end
}

TEST_P(HostileInputTest, FilesThatAreFoldersOrHugeAreRefusedUnread) {
  std::string before = Snapshot();
  // A 1 GiB transaction file (sparse): refused by its size, not read.
  std::string huge = dir_.File("huge.json");
  int fd = open(huge.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, int64_t{1} << 30), 0);
  close(fd);
  ExpectRefused({{"transaction", "tbl", "--file", huge}, 2, "over the limit"}, store_);
  ExpectRefused({{"batch-set", "tbl", "--file", dir_.path()}, 2, "is a folder"}, store_);
  ExpectRefused({{"transaction", "tbl", "--file", dir_.path()}, 2, "is a folder"}, store_);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(HostileInputTest, CounterOverflowChangesNothing) {
  ASSERT_EQ(Cli({"inc", "tbl", "big", "--by", "9223372036854775807"}).exit_code, 0);
  ExpectRefused({{"inc", "tbl", "big"}, 2, "overflow"}, store_);
  ASSERT_EQ(Cli({"dec", "tbl", "small", "--by", "9223372036854775807"}).exit_code, 0);
  ASSERT_EQ(Cli({"dec", "tbl", "small"}).exit_code, 0);
  ExpectRefused({{"dec", "tbl", "small"}, 2, "overflow"}, store_);
  EXPECT_EQ(Cli({"get-counter", "tbl", "big"}).out, "9223372036854775807\n");
  EXPECT_EQ(Cli({"get-counter", "tbl", "small"}).out, "-9223372036854775808\n");
}

KVSTORE_ON_EVERY_STORE(HostileInputTest);

// Store URLs: malformed, or naming a folder or a file that is not a store.
TEST(HostileStoreUrlTest, BadStoresAreRefusedWithOneLine) {
  TempDir dir;
  std::string not_a_store = dir.File("notes.txt");
  {
    int fd = open(not_a_store.c_str(), O_CREAT | O_WRONLY, 0600);
    ASSERT_EQ(write(fd, "just some notes\n", 16), 16);
    close(fd);
  }
  struct Case {
    std::string url;
    int exit_code;
    std::string mentions;
  };
  std::vector<Case> cases = {
      {"", 2, "--store is empty"},
      {"redis://localhost", 2, "unknown store URL scheme 'redis'"},
      {"sqlite:", 2, "names no file"},
      {"sqlite:" + dir.File("a.db") + "?sync=sometimes", 2, "sync=sometimes"},
      {"dynamodb+ftp://host", 2, "dynamodb+http://HOST:PORT"},
      {"dynamodb+http://[::1", 2, "HOST:PORT"},
      {"dynamodb+http://host:99999", 2, "HOST:PORT"},
      {dir.path(), 3, "is a folder"},
      {not_a_store, 3, "not a kvstore store"},
      {"sqlite:/proc/kvstore-no-such/a.db", 3, "cannot create folder"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    RunResult r = Kvstore(c.url, {"get", "tbl", "k"});
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.err;
  }
  // The file that is not a store is left as it was.
  RunResult cat = RunProcess({"cat", not_a_store});
  EXPECT_EQ(cat.out, "just some notes\n");
}

}  // namespace
}  // namespace kvstore::testing
