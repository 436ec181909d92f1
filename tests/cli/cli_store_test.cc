// info, backup, checkpoint, vacuum: the store as a whole.
#include <sys/stat.h>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

int64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

bool Exists(const std::string& path) { return FileSize(path) >= 0; }

// `count` keys of `bytes` bytes each, written with one batch-set.
void Fill(const std::string& store, const std::string& table, int count, size_t bytes) {
  std::string lines;
  for (int n = 0; n < count; ++n) {
    lines += R"({"key":"k)" + std::to_string(n) + R"(","value":")" + std::string(bytes, 'x') + "\"}\n";
  }
  RunResult r = Kvstore(store, {"batch-set", table, "--file", "-"}, {.stdin_data = lines});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST_P(CliTest, InfoCountsWhatEachTableHolds) {
  ASSERT_EQ(Cli({"set", "tbl", "a", "1"}).exit_code, 0);
  ASSERT_EQ(Cli({"set", "tbl", "b", "2"}).exit_code, 0);
  ASSERT_EQ(Cli({"inc", "tbl", "hits"}).exit_code, 0);
  ASSERT_EQ(Cli({"sadd", "tbl", "tags", "x", "y", "z"}).exit_code, 0);
  ASSERT_EQ(Cli({"set", "tbl", "brief", "v", "--ttl", "1"}).exit_code, 0);
  auto doc = Json({"info", "tbl"});
  ASSERT_EQ(doc["tables"].size(), 1u) << doc;
  const auto& table = doc["tables"][0];
  EXPECT_EQ(table["name"], "tbl");
  if (OnSqlite()) {
    EXPECT_EQ(doc["engine"], "sqlite");
    EXPECT_GT(doc["file_bytes"].get<int64_t>(), 0);
    EXPECT_EQ(table["estimated"], false);
    EXPECT_EQ(table["types"]["keys"]["items"], 3) << table;
    EXPECT_EQ(table["types"]["counters"]["items"], 1);
    EXPECT_EQ(table["types"]["sets"]["items"], 1);
    EXPECT_EQ(table["types"]["set members"]["items"], 3);
    EXPECT_EQ(table["items"], 8);
    RunResult text = Cli({"info"});
    EXPECT_NE(text.out.find("table tbl: 8 items"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("  set members: 3"), std::string::npos) << text.out;
  } else {
    EXPECT_EQ(doc["engine"], "dynamodb");
    EXPECT_EQ(table["estimated"], true);
    EXPECT_EQ(table["status"], "ACTIVE");
    EXPECT_EQ(table["billing_mode"], "PAY_PER_REQUEST");
    EXPECT_TRUE(table.contains("ttl_status")) << table;
  }
  ExpectFailure({"info", "ghost"}, 2, "table 'ghost' does not exist");
}

TEST_P(CliTest, BackupIsOneFileUsableAtOnce) {
  std::string copy = dir_.File("copy.db");
  if (!OnSqlite()) {
    ExpectFailure({"backup", copy}, 2, "embedded store");
    ExpectFailure({"checkpoint"}, 2, "embedded store");
    ExpectFailure({"vacuum"}, 2, "embedded store");
    return;
  }
  ASSERT_EQ(Cli({"set", "tbl", "greeting", "hello"}).exit_code, 0);
  ASSERT_EQ(Cli({"inc", "tbl", "hits", "--by", "5"}).exit_code, 0);
  RunResult backup = Cli({"backup", copy});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_EQ(backup.out, "OK\n");
  EXPECT_FALSE(Exists(copy + "-wal")) << "the copy must be a single file";
  struct stat st;
  ASSERT_EQ(stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "no more readable than the store";
  EXPECT_EQ(Kvstore("sqlite:" + copy, {"get", "tbl", "greeting"}).out, "hello");
  EXPECT_EQ(Kvstore("sqlite:" + copy, {"get-counter", "tbl", "hits"}).out, "5\n");
  EXPECT_EQ(Kvstore("sqlite:" + copy, {"set", "tbl", "more", "v"}).exit_code, 0) << "writable as a store";
}

TEST_P(CliTest, BackupRefusesToOverwriteUnlessForced) {
  if (!OnSqlite()) GTEST_SKIP() << "embedded store only (refusal tested above)";
  std::string copy = dir_.File("copy.db");
  ASSERT_EQ(Cli({"set", "tbl", "k", "first"}).exit_code, 0);
  ASSERT_EQ(Cli({"backup", copy}).exit_code, 0);
  ASSERT_EQ(Cli({"set", "tbl", "k", "second"}).exit_code, 0);
  ExpectFailure({"backup", copy}, 1, "give --force to replace it");
  EXPECT_EQ(Kvstore("sqlite:" + copy, {"get", "tbl", "k"}).out, "first") << "the refused backup changed nothing";
  ASSERT_EQ(Cli({"backup", copy, "--force"}).exit_code, 0);
  EXPECT_EQ(Kvstore("sqlite:" + copy, {"get", "tbl", "k"}).out, "second");
  ExpectFailure({"backup", dir_.File("store.db")}, 2, "the store's own file");
  ExpectFailure({"backup", dir_.File("store.db") + "-wal"}, 2, "the store's own file");
  ExpectFailure({"backup", dir_.path()}, 2, "is a folder");
  ExpectFailure({"backup", dir_.File("missing-folder/copy.db")}, 3, "missing-folder");
  EXPECT_EQ(Cli({"get", "tbl", "k"}).out, "second");
}

TEST_P(CliTest, CheckpointLeavesTheStoreFileSelfContained) {
  if (!OnSqlite()) GTEST_SKIP() << "embedded store only (refusal tested above)";
  for (int n = 0; n < 5; ++n) ASSERT_EQ(Cli({"set", "tbl", "k" + std::to_string(n), "v"}).exit_code, 0);
  ASSERT_GT(FileSize(dir_.File("store.db-wal")), 0) << "the writes are in the log, not yet the file";
  RunResult done = Cli({"checkpoint"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.out.find("OK"), std::string::npos);
  EXPECT_EQ(FileSize(dir_.File("store.db-wal")), 0);
  // What `cp` of the file alone now gives: every write.
  std::string lone = dir_.File("lone.db");
  ASSERT_EQ(RunProcess({"cp", dir_.File("store.db"), lone}).exit_code, 0);
  EXPECT_EQ(Kvstore("sqlite:" + lone, {"get", "tbl", "k4"}).out, "v");
}

TEST_P(CliTest, VacuumGivesADroppedTablesSpaceBack) {
  if (!OnSqlite()) GTEST_SKIP() << "embedded store only (refusal tested above)";
  ASSERT_EQ(Cli({"create-table", "bulk"}).exit_code, 0);
  Fill(store_, "bulk", 2000, 3000);
  ASSERT_EQ(Cli({"set", "tbl", "kept", "yes"}).exit_code, 0);
  ASSERT_EQ(Cli({"drop-table", "bulk"}).exit_code, 0);
  auto before = Json({"info"});
  EXPECT_GT(before["free_pages"].get<int64_t>() * before["page_size"].get<int64_t>(), 5'000'000) << before;
  auto vacuumed = Json({"vacuum"});
  EXPECT_GT(vacuumed["bytes_freed"].get<int64_t>(), 5'000'000) << vacuumed;
  EXPECT_EQ(vacuumed["rebuilt"], false) << "a store made by this kvstore vacuums in steps";
  EXPECT_LT(FileSize(dir_.File("store.db")), 1'000'000);
  EXPECT_EQ(Json({"info"})["free_pages"], 0);
  EXPECT_EQ(Cli({"get", "tbl", "kept"}).out, "yes");
  EXPECT_TRUE(Cli({"vacuum"}).out.starts_with("gave back 0 bytes: ")) << "nothing left to give back";
}

TEST_P(CliTest, VacuumKeepsEveryWriteOfOthersWritingMeanwhile) {
  if (!OnSqlite()) GTEST_SKIP() << "embedded store only (refusal tested above)";
  ASSERT_EQ(Cli({"create-table", "bulk"}).exit_code, 0);
  Fill(store_, "bulk", 2000, 3000);
  ASSERT_EQ(Cli({"drop-table", "bulk"}).exit_code, 0);
  const int incs = ScaledCount(100);
  std::string loop = "for i in $(seq " + std::to_string(incs) + "); do " KVSTORE_BIN " --store '" + store_ +
                     "' inc tbl hits >/dev/null || echo failed; done";
  RunResult both = RunProcess({"sh", "-c", "(" + loop + ") & " KVSTORE_BIN " --store '" + store_ +
                                               "' vacuum >/dev/null || echo vacuum failed; wait"});
  EXPECT_EQ(both.out, "") << "every write and the vacuum succeed";
  EXPECT_EQ(Cli({"get-counter", "tbl", "hits"}).out, std::to_string(incs) + "\n");
  RunResult check = RunProcess({"sqlite3", dir_.File("store.db"), "PRAGMA integrity_check"});
  EXPECT_EQ(check.out, "ok\n");
}

TEST_P(CliTest, DamageInsideAValueIsFoundNotReturned) {
  if (!OnSqlite()) {
    ExpectFailure({"check"}, 2, "embedded store");
    return;
  }
  ASSERT_EQ(Cli({"set", "tbl", "victim", "-"}, {.stdin_data = std::string(3000, 'A')}).exit_code, 0);
  ASSERT_EQ(Cli({"set", "tbl", "bystander", "fine"}).exit_code, 0);
  EXPECT_EQ(Cli({"check"}).out, "ok: 2 items checked\n");
  ASSERT_EQ(Cli({"checkpoint"}).exit_code, 0);
  // Overwrite 64 bytes in the middle of the value's run of 'A's.
  std::string file = dir_.File("store.db");
  RunResult damaged = RunProcess(
      {"python3", "-c",
       "import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); i = d.find(b'A' * 400) + 200; "
       "d[i:i + 64] = b'B' * 64; open(p, 'wb').write(d)",
       file});
  ASSERT_EQ(damaged.exit_code, 0) << damaged.err;
  RunResult get = Cli({"get", "tbl", "victim"});
  EXPECT_EQ(get.exit_code, 3);
  EXPECT_EQ(get.out, "") << "no wrong bytes";
  EXPECT_NE(get.err.find("damaged: item 'victim'"), std::string::npos) << get.err;
  EXPECT_EQ(Cli({"get", "tbl", "bystander"}).out, "fine") << "the rest stays readable";
  RunResult check = Cli({"check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.out.find("item 'victim'"), std::string::npos) << check.out;
  EXPECT_NE(check.err.find("the store is damaged"), std::string::npos) << check.err;
  EXPECT_EQ(Json({"check"}, 1)["damaged_items"], 1);
}

TEST_P(CliTest, AStoreOfSchemaOneGainsChecksumsWhenOpened) {
  if (!OnSqlite()) GTEST_SKIP() << "the embedded store's file format";
  std::string old = dir_.File("schema1.db");
  // kvstore 0.2.0's schema, written by hand: what users' stores hold today.
  RunResult made = RunProcess(
      {"sqlite3", old,
       "PRAGMA journal_mode=WAL; "
       "CREATE TABLE tables (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL) WITHOUT ROWID; "
       "CREATE TABLE items (tbl TEXT NOT NULL REFERENCES tables(name), pk BLOB NOT NULL, sk BLOB NOT NULL, "
       "kind BLOB, value BLOB, num INTEGER, owner BLOB, deadline INTEGER, cnt INTEGER, expires_at INTEGER, "
       "version INTEGER NOT NULL, PRIMARY KEY (tbl, pk, sk)) WITHOUT ROWID; "
       "CREATE INDEX items_by_expiry ON items(expires_at) WHERE expires_at IS NOT NULL; "
       "INSERT INTO tables VALUES ('app', 0); "
       "INSERT INTO items(tbl, pk, sk, kind, value, version) VALUES ('app', X'6b', X'6b', X'6b76', X'6f6c64', 1); "
       "INSERT INTO items(tbl, pk, sk, kind, num, version) VALUES ('app', X'6b', X'6e', X'636f756e746572', 41, 1); "
       "PRAGMA user_version = 1;"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string store = "sqlite:" + old;
  EXPECT_EQ(Kvstore(store, {"get", "tbl", "k"}).exit_code, 2) << "opened: the table is 'app'";
  EXPECT_EQ(Kvstore(store, {"get", "app", "k"}).out, "old");
  EXPECT_EQ(Kvstore(store, {"inc", "app", "n"}).out, "42\n");
  EXPECT_EQ(RunProcess({"sqlite3", old, "PRAGMA user_version"}).out, "3\n");
  EXPECT_EQ(RunProcess({"sqlite3", old, "SELECT layout, shards FROM tables"}).out, "1|1\n")
      << "a table from before layouts keeps kvstore 0.3's";
  EXPECT_EQ(Kvstore(store, {"check"}).out, "ok: 2 items checked\n");
}

}  // namespace
}  // namespace kvstore::testing
