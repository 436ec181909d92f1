// What only the embedded engine promises: the file it makes, WAL mode, safe
// handling of files that are not its own, and reclaiming expired items.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "storage/sqlite/sqlite_engine.h"
#include "testing/temp_dir.h"

namespace kvstore::storage::sqlite {
namespace {

Result<std::unique_ptr<Engine>> Open(const std::string& path, std::shared_ptr<Clock> clock = SystemClock::Shared()) {
  return OpenSqliteEngine({.path = path, .clock = std::move(clock)});
}

std::string QueryText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(SqliteEngineTest, CreatesFileWithOwnerOnlyModeAndFolders) {
  testing::TempDir dir;
  std::string path = dir.File("a/b/store.db");
  ASSERT_TRUE(Open(path).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(dir.File("a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(SqliteEngineTest, UsesWalAndPassesIntegrityCheck) {
  testing::TempDir dir;
  std::string path = dir.File("store.db");
  {
    auto engine = Open(path);
    ASSERT_TRUE(engine.ok());
    ASSERT_TRUE((*engine)->CreateTable("tbl", {}).ok());
  }
  EXPECT_EQ(QueryText(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryText(path, "PRAGMA integrity_check"), "ok");
}

TEST(SqliteEngineTest, RefusesAFileThatIsNotSqlite) {
  testing::TempDir dir;
  std::string path = dir.File("notes.txt");
  std::ofstream(path) << "this is not a database, just some text that is long enough to have a header\n";
  auto engine = Open(path);
  ASSERT_FALSE(engine.ok());
  EXPECT_TRUE(engine.status().Is(Status::Code::kIoError));
  EXPECT_NE(engine.status().message().find("not"), std::string::npos) << engine.status().message();
}

TEST(SqliteEngineTest, RefusesAnotherProgramsSqliteDatabase) {
  testing::TempDir dir;
  std::string path = dir.File("other.db");
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE customers(id INTEGER)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto engine = Open(path);
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("not a kvstore store"), std::string::npos);
  EXPECT_EQ(QueryText(path, "SELECT count(*) FROM sqlite_schema"), "1") << "the file is left as it was";
}

TEST(SqliteEngineTest, RefusesAFolder) {
  testing::TempDir dir;
  auto engine = Open(dir.path());
  ASSERT_FALSE(engine.ok());
  EXPECT_TRUE(engine.status().Is(Status::Code::kIoError));
}

TEST(SqliteEngineTest, ExpiredItemsAreRemovedWithoutAnyUserAction) {
  testing::TempDir dir;
  std::string path = dir.File("store.db");
  auto clock = std::make_shared<ManualClock>();
  auto engine = Open(path, clock);
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE((*engine)->CreateTable("tbl", {}).ok());
  for (int i = 0; i < 200; ++i) {
    Item item;
    item.key = {"p", "short" + std::to_string(i)};
    item.value = std::string(100, 'x');
    item.expires_at = clock->NowMillis() + 1000;
    ASSERT_TRUE((*engine)->Put("tbl", item, {}).ok());
  }
  clock->Advance(Millis(5000));
  // Ordinary writes by the application reclaim the expired rows as they go.
  for (int i = 0; i < 2000; ++i) {
    Item item;
    item.key = {"q", "k" + std::to_string(i % 10)};
    ASSERT_TRUE((*engine)->Put("tbl", item, {}).ok());
  }
  EXPECT_EQ(QueryText(path, "SELECT count(*) FROM items WHERE pk = x'70'"), "0");
}

TEST(SqliteEngineTest, FullDurabilityOpensAndWrites) {
  testing::TempDir dir;
  auto engine = OpenSqliteEngine({.path = dir.File("s.db"), .durability = Durability::kFull, .clock = SystemClock::Shared()});
  ASSERT_TRUE(engine.ok());
  EXPECT_TRUE((*engine)->CreateTable("tbl", {}).ok());
}

// Waiters (--wait) sleep on a ChangeWatch: a write by another connection
// ends the wait, no write lets it run its course.
TEST(SqliteEngineTest, ChangeWatchWakesOnAnotherConnectionsWrite) {
  testing::TempDir dir;
  std::string path = dir.File("store.db");
  auto waiter = Open(path);
  auto writer = Open(path);
  ASSERT_TRUE(waiter.ok() && writer.ok());
  ASSERT_TRUE((*writer)->CreateTable("tbl", {}).ok());
  auto watch = (*waiter)->WatchChanges();
  ASSERT_NE(watch, nullptr);

  using Steady = std::chrono::steady_clock;
  auto start = Steady::now();
  watch->Wait(Millis(100));
  EXPECT_GE(Steady::now() - start, std::chrono::milliseconds(90)) << "nothing was written";

  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Item item;
    item.key = {"k", "x"};
    item.value = "v";
    EXPECT_TRUE((*writer)->Put("tbl", item, Condition::Always()).ok());
  });
  start = Steady::now();
  watch->Wait(Millis(20'000));
  later.join();
  EXPECT_LT(Steady::now() - start, std::chrono::milliseconds(10'000)) << "the write should end the wait";
}

// One-shot commands each open the store, write once and exit. SQLite's own
// checkpoint never restarts the WAL in that pattern; the engine must, or the
// WAL (which every open reads) grows with every write.
TEST(SqliteEngineTest, WalStaysShortAcrossManyOneShotWriters) {
  testing::TempDir dir;
  std::string path = dir.File("store.db");
  ASSERT_TRUE((*Open(path))->CreateTable("tbl", {}).ok());
  for (int i = 0; i < 300; ++i) {
    auto engine = Open(path);
    ASSERT_TRUE(engine.ok());
    Item item;
    item.key = {"k", "key" + std::to_string(i)};
    item.value = std::string(300, 'x');
    ASSERT_TRUE((*engine)->Put("tbl", item, Condition::Always()).ok());
  }
  struct stat st;
  ASSERT_EQ(stat((path + "-wal").c_str(), &st), 0);
  EXPECT_LT(st.st_size, 512 * 1024) << "300 writes of ~2 pages each would make about 2.4 MB";
  EXPECT_EQ(QueryText(path, "SELECT count(*) FROM items"), "300");
}

}  // namespace
}  // namespace kvstore::storage::sqlite
