#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

TEST_P(CliTest, CreateListDropTables) {
  RunResult created = Cli({"create-table", "second"});
  EXPECT_EQ(created.exit_code, 0);
  EXPECT_EQ(created.out, "OK\n");
  EXPECT_EQ(Cli({"list-tables"}).out, "second\ntbl\n");
  EXPECT_EQ(Json({"list-tables"}), nlohmann::json({"second", "tbl"}));
  EXPECT_EQ(Cli({"drop-table", "second"}).exit_code, 0);
  EXPECT_EQ(Cli({"list-tables"}).out, "tbl\n");
}

TEST_P(CliTest, CreateExistingTableIsANegativeAnswer) {
  ExpectFailure({"create-table", "tbl"}, 1, "already exists");
  EXPECT_EQ(Cli({"create-table", "tbl", "--if-not-exists"}).exit_code, 0);
  auto doc = Json({"create-table", "tbl"}, 1);
  EXPECT_EQ(doc["error"]["code"], "already_exists");
}

TEST_P(CliTest, DropUnknownTable) {
  ExpectFailure({"drop-table", "ghost"}, 2, "table 'ghost' does not exist");
  // Advice to create it is for commands that wanted to use the table.
  EXPECT_EQ(Cli({"drop-table", "ghost"}).err.find("create it with"), std::string::npos);
  EXPECT_EQ(Cli({"drop-table", "ghost", "--if-exists"}).exit_code, 0);
}

TEST_P(CliTest, DropTableRemovesItsKeys) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "v"}).exit_code, 0);
  ASSERT_EQ(Cli({"drop-table", "tbl"}).exit_code, 0);
  ASSERT_EQ(Cli({"create-table", "tbl"}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tbl", "k"}).exit_code, 1);
}

TEST_P(CliTest, BadTableNames) {
  ExpectFailure({"create-table", "ab"}, 2, "3 to 255");
  ExpectFailure({"create-table", "no spaces"}, 2, "A-Z a-z 0-9");
  ExpectFailure({"get", "x/y", "k"}, 2, "table name");
}

TEST_P(CliTest, TablePrefix) {
  if (OnSqlite()) {
    EXPECT_EQ(Cli({"--table-prefix", "staging-", "list-tables"}).out, "tbl\n") << "ignored by the embedded store";
    return;
  }
  // On DynamoDB the flag replaces KVSTORE_TABLE_PREFIX (the fixture's own).
  EXPECT_EQ(Cli({"--table-prefix", "elsewhere-", "get", "tbl", "k"}).exit_code, 2) << "no table there";
  ExpectFailure({"--table-prefix", "no spaces", "list-tables"}, 2, "table prefix 'no spaces' may contain only");
  ExpectFailure({"--table-prefix", std::string(201, 'p'), "list-tables"}, 2, "longer than 200 characters");
}

TEST_P(CliTest, UsageErrorsExitTwoWithOneLine) {
  ExpectFailure({"create-table"}, 2, "TABLE");
  ExpectFailure({"frobnicate"}, 2, "frobnicate");
  ExpectFailure({"set", "tbl", "k", "v", "--bogus"}, 2, "--bogus");
  ExpectFailure({"get", "tbl", "k", "extra"}, 2, "extra");
  RunResult none = Cli({});
  EXPECT_EQ(none.exit_code, 2);
}

TEST_P(CliTest, HelpExitsZero) {
  RunResult help = Cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("create-table"), std::string::npos);
  RunResult sub = Cli({"set", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_NE(sub.out.find("--if-not-exists"), std::string::npos);
}

TEST_P(CliTest, StoreFailuresExitThree) {
  RunResult folder = Kvstore("sqlite:" + dir_.path(), {"list-tables"});
  EXPECT_EQ(folder.exit_code, 3);
  EXPECT_NE(folder.err.find("folder"), std::string::npos) << folder.err;
  std::string text = dir_.File("notes.txt");
  ASSERT_EQ(RunProcess({"sh", "-c", "printf 'plain text, not a database, padded to be long enough....................................................................' > " + text}).exit_code, 0);
  RunResult not_db = Kvstore("sqlite:" + text, {"list-tables"});
  EXPECT_EQ(not_db.exit_code, 3);
  EXPECT_NE(not_db.err.find("not"), std::string::npos) << not_db.err;
  RunResult bad_url = Kvstore("redis://x", {"list-tables"});
  EXPECT_EQ(bad_url.exit_code, 2);
}

TEST_P(CliTest, StoreComesFromEnvironmentThenDefaultPath) {
  std::string env_store = "sqlite:" + dir_.File("env.db");
  RunResult created = RunProcess({KVSTORE_BIN, "create-table", "envtable"}, {.env = {{"KVSTORE_STORE", env_store}}});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(Kvstore(env_store, {"list-tables"}).out, "envtable\n");

  std::string home = dir_.File("home");
  RunResult defaulted = RunProcess({KVSTORE_BIN, "create-table", "hometable"},
                            {.env = {{"KVSTORE_STORE", ""}, {"XDG_DATA_HOME", ""}, {"HOME", home}}});
  ASSERT_EQ(defaulted.exit_code, 0) << defaulted.err;
  EXPECT_EQ(Kvstore("sqlite:" + home + "/.local/share/kvstore/kvstore.db", {"list-tables"}).out, "hometable\n");
}

}  // namespace
}  // namespace kvstore::testing
