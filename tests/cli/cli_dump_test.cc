// export and import: every type survives a round trip, within a store and
// across stores (the embedded store -> the test's store -> the embedded store).
#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

// An export without its header line, with times left cut to "T", and with a
// queue's messages in one order (layout 1 exports them by state, layout 2 by
// priority and id) and no last id (layout 2 keeps none but for *.fifo
// queues): what a round trip must give back unchanged.
std::string Comparable(const std::string& jsonl) {
  std::vector<std::string> lines;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"kvstore_export\"") != std::string::npos) continue;
    line = std::regex_replace(line, std::regex(R"re(,"last_id":[0-9]+)re"), "");
    lines.push_back(std::regex_replace(line, std::regex(R"re("(ttl|delay)":[0-9.]+)re"), "\"$1\":T"));
  }
  auto is_message = [](const std::string& line) { return line.find("\"type\":\"message\"") != std::string::npos; };
  for (auto begin = lines.begin(); begin != lines.end();) {
    auto end = std::find_if_not(begin, lines.end(), is_message);
    std::sort(begin, end);
    begin = end == lines.end() ? end : end + 1;
  }
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// One of everything, written to `store`'s table "src".
void WriteOneOfEverything(const std::string& store) {
  auto run = [&](std::vector<std::string> args, const std::string& stdin_data = "") {
    RunResult r = Kvstore(store, args, {.stdin_data = stdin_data});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  };
  // Layout 1 (kvstore 0.3's): the import below moves it into the current one.
  run({"create-table", "src", "--if-not-exists", "--layout", "1"});
  run({"set", "src", "greeting", "hello"});
  run({"set", "src", "binary", "-"}, std::string("\xff\x00\x01 bytes", 9));
  run({"set", "src", "brief", "soon gone", "--ttl", "300"});
  run({"inc", "src", "hits", "--by", "-7"});
  run({"lock-acquire", "src", "deploy", "--owner", "a", "--ttl", "60"});
  run({"lock-release", "src", "deploy", "--owner", "a"});
  run({"lock-acquire", "src", "deploy", "--owner", "b", "--ttl", "60"});
  run({"leader-elect", "src", "web", "--candidate", "a", "--ttl", "60"});
  run({"sem-acquire", "src", "deploys", "--limit", "2", "--owner", "a"});
  run({"sem-acquire", "src", "deploys", "--limit", "2", "--owner", "b"});
  run({"sadd", "src", "tags", "x", "y", "z"});
  run({"sadd", "src", "online", "ann", "--ttl", "300"});
  run({"rpush", "src", "todo", "one", "two", "three"});
  run({"lpush", "src", "todo", "zero"});
  run({"queue-push", "src", "jobs", "first"});
  run({"queue-push", "src", "jobs", "urgent", "--priority", "5"});
  run({"queue-push", "src", "jobs", "later", "--delay", "100"});
  run({"queue-pop", "src", "jobs"});  // urgent: in flight
  run({"create-table", "empty", "--if-not-exists"});
}

TEST_P(CliTest, ExportImportRoundTripKeepsEveryTypeAcrossStores) {
  std::string origin = "sqlite:" + dir_.File("origin.db");
  WriteOneOfEverything(origin);
  RunResult exported = Kvstore(origin, {"export", "src", "empty"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  for (const char* expected :
       {R"("type":"key","key":"binary","value_base64":"/wABIGJ5dGVz")", R"("type":"counter","key":"hits","value":-7)",
        R"("type":"lock","lock":"deploy","fencing_token":2)", R"("type":"leader","group":"web","term":1)",
        R"("type":"semaphore","semaphore":"deploys","fencing_token":2)",
        R"("type":"element","list":"todo","value":"zero")", R"("id":2,"payload":"urgent","priority":5,"receive_count":1)",
        R"("key":"brief","value":"soon gone","ttl":)", R"({"table":"empty","type":"table"})",
        R"("type":"set","set":"online","ttl":)", R"("type":"queue","queue":"jobs","last_id":3)"}) {
    EXPECT_NE(exported.out.find(expected), std::string::npos) << expected << "\n" << exported.out;
  }
  // Into the store under test (DynamoDB Local on the dynamodb run), out again,
  // and into a fresh embedded store.
  RunResult imported = Cli({"import"}, {.stdin_data = exported.out});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out, "22 written\n");
  RunResult again = Cli({"export", "src", "empty"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Comparable(again.out), Comparable(exported.out));
  std::string back = "sqlite:" + dir_.File("back.db");
  ASSERT_EQ(Kvstore(back, {"import"}, {.stdin_data = again.out}).exit_code, 0);
  EXPECT_EQ(Comparable(Kvstore(back, {"export"}).out), Comparable(exported.out));
  // What users see afterwards: values, order, tokens above the old ones.
  EXPECT_EQ(Cli({"get", "src", "binary"}).out, std::string("\xff\x00\x01 bytes", 9));
  EXPECT_EQ(Cli({"lrange", "src", "todo", "0", "-1"}).out, "zero\none\ntwo\nthree\n");
  EXPECT_EQ(Cli({"lock-acquire", "src", "deploy", "--owner", "c"}).out, "3\n") << "the next token is above the old";
  EXPECT_EQ(Cli({"sem-acquire", "src", "deploys", "--limit", "2", "--owner", "c"}).out, "3\n")
      << "a semaphore's too, and no holder came along";
  EXPECT_EQ(Json({"queue-pop", "src", "jobs"})["payload"], "first") << "in flight and delayed stay invisible";
}

TEST_P(CliTest, ImportTwiceGivesTheSameStore) {
  std::string origin = "sqlite:" + dir_.File("origin.db");
  WriteOneOfEverything(origin);
  std::string dump = Kvstore(origin, {"export", "src"}).out;
  ASSERT_EQ(Cli({"import"}, {.stdin_data = dump}).exit_code, 0);
  ASSERT_EQ(Cli({"import"}, {.stdin_data = dump}).exit_code, 0);
  EXPECT_EQ(Comparable(Cli({"export", "src"}).out), Comparable(dump));
  EXPECT_EQ(Cli({"scard", "src", "tags"}).out, "3\n");
  EXPECT_EQ(Cli({"llen", "src", "todo"}).out, "4\n");
}

TEST_P(CliTest, ImportModesReplaceObjectsTablesOrNothing) {
  std::string dump =
      "{\"table\":\"tbl\",\"type\":\"table\"}\n"
      "{\"table\":\"tbl\",\"type\":\"key\",\"key\":\"a\",\"value\":\"imported\"}\n"
      "{\"table\":\"tbl\",\"type\":\"set\",\"set\":\"s\"}\n"
      "{\"table\":\"tbl\",\"type\":\"member\",\"set\":\"s\",\"member\":\"m1\"}\n";
  auto reset = [&] {
    ASSERT_EQ(Cli({"set", "tbl", "a", "mine"}).exit_code, 0);
    ASSERT_EQ(Cli({"set", "tbl", "other", "kept?"}).exit_code, 0);
    ASSERT_EQ(Cli({"sadd", "tbl", "s", "old1", "old2"}).exit_code, 0);
  };
  reset();
  ASSERT_EQ(Cli({"import", "--if-not-exists"}, {.stdin_data = dump}).out, "0 written\n");
  EXPECT_EQ(Cli({"get", "tbl", "a"}).out, "mine");
  EXPECT_EQ(Cli({"smembers", "tbl", "s"}).out, "old1\nold2\n");

  ASSERT_EQ(Cli({"import"}, {.stdin_data = dump}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tbl", "a"}).out, "imported");
  EXPECT_EQ(Cli({"smembers", "tbl", "s"}).out, "m1\n") << "the set is replaced whole";
  EXPECT_EQ(Cli({"scard", "tbl", "s"}).out, "1\n");
  EXPECT_EQ(Cli({"get", "tbl", "other"}).out, "kept?") << "what the import does not name is left alone";

  reset();
  ASSERT_EQ(Cli({"import", "--replace"}, {.stdin_data = dump}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tbl", "other"}).exit_code, 1) << "--replace empties the table first";
  EXPECT_EQ(Cli({"get", "tbl", "a"}).out, "imported");
  ExpectFailure({"import", "--replace", "--if-not-exists"}, 2, "excludes");
}

TEST_P(CliTest, BadImportsSayWhereAndHowFarTheyGot) {
  std::string good = "{\"table\":\"tbl\",\"type\":\"key\",\"key\":\"a\",\"value\":\"1\"}\n";
  RunResult malformed = Cli({"import"}, {.stdin_data = good + good + "{\"table\": nope}\n" + good});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("line 3: malformed JSON"), std::string::npos) << malformed.err;
  EXPECT_NE(malformed.err.find("2 records written before it"), std::string::npos) << malformed.err;
  RunResult unknown = Cli({"import"}, {.stdin_data = R"({"table":"tbl","type":"keys","key":"a"})"});
  EXPECT_NE(unknown.err.find("line 1: unknown record type 'keys'"), std::string::npos) << unknown.err;
  RunResult typo = Cli({"import"}, {.stdin_data = R"({"table":"tbl","type":"key","key":"a","value":"1","tll":5})"});
  EXPECT_NE(typo.err.find("unknown field 'tll'"), std::string::npos) << typo.err;
  EXPECT_EQ(Cli({"get", "tbl", "a"}).out, "1") << "the lines before the bad one were written, as it said";
  std::string other = "{\"table\":\"tbl\",\"type\":\"key\",\"key\":\"b\",\"value\":\"1\"}\n";
  RunResult newer = Cli({"import"}, {.stdin_data = "{\"kvstore_export\":2}\n" + other});
  EXPECT_EQ(newer.exit_code, 2);
  EXPECT_NE(newer.err.find("newer than this kvstore reads"), std::string::npos) << newer.err;
  EXPECT_EQ(Cli({"get", "tbl", "b"}).exit_code, 1) << "nothing read past a newer header";
  RunResult orphan = Cli({"import"}, {.stdin_data = R"({"table":"tbl","type":"member","set":"s","member":"m"})"});
  EXPECT_EQ(orphan.exit_code, 2);
  EXPECT_NE(orphan.err.find("does not follow its set record"), std::string::npos) << orphan.err;
  RunResult bad_table = Cli({"import"}, {.stdin_data = R"({"table":"x","type":"table"})"});
  EXPECT_EQ(bad_table.exit_code, 2);
  EXPECT_NE(bad_table.err.find("line 1: table name"), std::string::npos) << bad_table.err;
  ExpectFailure({"import", "--file", dir_.File("missing.jsonl")}, 2, "cannot read import file");
  ExpectFailure({"export", "ghost"}, 2, "table 'ghost' does not exist");
}

TEST_P(CliTest, ProgressOnATerminalOnlyNeverOnAPipe) {
  if (!OnSqlite()) GTEST_SKIP() << "the same code on both stores; 60,000 writes are quick only here";
  if (RunProcess({"sh", "-c", "command -v script"}).exit_code != 0) GTEST_SKIP() << "script(1) is not installed";
  std::string file = dir_.File("many.jsonl");
  {
    std::ofstream out(file);
    for (int n = 0; n < 60000; ++n) out << R"({"table":"tbl","type":"key","key":"k)" << n << R"(","value":"v"})" << "\n";
  }
  RunResult piped = Cli({"import", "--file", file});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err, "") << "nothing but the answer when stderr is not a terminal";
  EXPECT_EQ(piped.out, "60000 written\n");
  // script(1) gives the command a pseudo-terminal.
  std::string command = std::string(KVSTORE_BIN) + " --store '" + store_ + "' import --file '" + file + "' --replace";
  RunResult on_tty = RunProcess({"script", "-qefc", command, "/dev/null"});
  EXPECT_EQ(on_tty.exit_code, 0) << on_tty.out;
  EXPECT_NE(on_tty.out.find("\033[Kimport: "), std::string::npos) << on_tty.out.substr(0, 300);
  EXPECT_NE(on_tty.out.find(" left"), std::string::npos) << "a file's size gives the time left";
  EXPECT_NE(on_tty.out.find("\r\033[K60000 written"), std::string::npos) << "the line is cleared before the answer";
}

}  // namespace
}  // namespace kvstore::testing
