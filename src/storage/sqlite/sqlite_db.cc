#include "storage/sqlite/sqlite_db.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "storage/sqlite/checksum.h"

namespace kvstore::storage::sqlite {
namespace {

// 1: kvstore 0.2.0. 2 (0.3.0): items carry a checksum (checksum.h). 3 (0.4.0):
// tables record their layout (kvstore/options.h); a table from before is
// layout 1. A store at 1 or 2 is upgraded when it is first opened; an older
// kvstore then refuses it by name rather than misread a layout-2 table.
constexpr int kSchemaVersion = 3;
constexpr const char* kSetSchemaVersion = "PRAGMA user_version = 3";

// The columns of `items`, shared by the schema and the upgrade from 1.
#define KVSTORE_ITEM_COLUMNS                                                              \
  "(tbl TEXT NOT NULL REFERENCES tables(name), pk BLOB NOT NULL, sk BLOB NOT NULL, "     \
  "kind BLOB, value BLOB, num INTEGER, owner BLOB, deadline INTEGER, cnt INTEGER, "      \
  "expires_at INTEGER, version INTEGER NOT NULL, "                                        \
  "sum INTEGER GENERATED ALWAYS AS "                                                      \
  "(kv_sum(tbl, pk, sk, kind, value, num, owner, deadline, cnt, expires_at, version)) STORED, " \
  "PRIMARY KEY (tbl, pk, sk)) WITHOUT ROWID;\n"
#define KVSTORE_EXPIRY_INDEX \
  "CREATE INDEX IF NOT EXISTS items_by_expiry ON items(expires_at) WHERE expires_at IS NOT NULL;\n"

// Names and values are always bound parameters (see ARCHITECTURE.md); the
// only SQL text is fixed, as here.
constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS tables (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL, "
    "layout INTEGER NOT NULL DEFAULT 1, shards INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS items " KVSTORE_ITEM_COLUMNS KVSTORE_EXPIRY_INDEX;

// Schema 1 -> 2: the items copied into a table with the checksum column
// (SQLite cannot add a stored generated column in place), in the caller's
// transaction, so a crash leaves schema 1 whole.
constexpr const char* kUpgradeFrom1 =
    "CREATE TABLE items_v2 " KVSTORE_ITEM_COLUMNS
    "INSERT INTO items_v2(tbl, pk, sk, kind, value, num, owner, deadline, cnt, expires_at, version) "
    "SELECT tbl, pk, sk, kind, value, num, owner, deadline, cnt, expires_at, version FROM items;\n"
    "DROP TABLE items;\n"
    "ALTER TABLE items_v2 RENAME TO items;\n" KVSTORE_EXPIRY_INDEX;

// Schema 2 -> 3: every table so far is layout 1.
constexpr const char* kUpgradeFrom2 =
    "ALTER TABLE tables ADD COLUMN layout INTEGER NOT NULL DEFAULT 1;\n"
    "ALTER TABLE tables ADD COLUMN shards INTEGER NOT NULL DEFAULT 1;\n";

// How long a statement waits for another process's write lock before the
// command fails with exit 3.
constexpr auto kBusyTimeout = std::chrono::seconds(10);

// SQLite's default handler sleeps up to 100 ms at a time, which turns
// contention into idle waiting; short sleeps keep throughput up while several
// processes share the write lock. The handler runs on the thread that waits,
// so when the wait started is kept per thread.
int OnBusy(void*, int attempt) {
  thread_local std::chrono::steady_clock::time_point started;
  auto now = std::chrono::steady_clock::now();
  if (attempt == 0) started = now;
  if (now - started > kBusyTimeout) return 0;
  int micros = attempt < 20 ? 20 * (attempt + 1) : 1000;
  std::this_thread::sleep_for(std::chrono::microseconds(micros));
  return 1;
}

Status MakeParentFolders(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return Status::IoError("cannot create folder " + dir + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

// Creates the file with mode 0600 before SQLite does (SQLite would use 0644);
// SQLite gives its -wal and -shm files the same mode.
Status CreateFileIfMissing(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::IoError(path + " is a folder, not a store file");
    return Status::Ok();
  }
  KVSTORE_RETURN_IF_ERROR(MakeParentFolders(path));
  int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST) {
    return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  }
  if (fd >= 0) close(fd);
  return Status::Ok();
}

// The schema, inside BEGIN IMMEDIATE: made on a fresh file (refusing a
// SQLite database that is something else), upgraded on an older store.
Status CreateOrUpgrade(sqlite3* db, int64_t version) {
  if (version == 0) {
    auto foreign = QueryInt(db,
                            "SELECT count(*) FROM sqlite_schema "
                            "WHERE name NOT IN ('tables', 'items', 'items_by_expiry')");
    if (!foreign.ok()) return foreign.status();
    if (*foreign > 0) return Status::IoError("the file is a SQLite database but not a kvstore store");
    KVSTORE_RETURN_IF_ERROR(Exec(db, kSchema, "creating the store"));
  } else {
    if (version < 2) KVSTORE_RETURN_IF_ERROR(Exec(db, kUpgradeFrom1, "adding checksums to the store"));
    KVSTORE_RETURN_IF_ERROR(Exec(db, kUpgradeFrom2, "recording the tables' layout"));
  }
  return Exec(db, kSetSchemaVersion, "creating the store");
}

// A fresh file gets WAL mode and the schema, an older store the upgrade.
// Concurrent openers race safely: the version is read again inside BEGIN
// IMMEDIATE, and only the first does the work.
Status InitializeIfNew(sqlite3* db) {
  auto version = QueryInt(db, "PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version == kSchemaVersion) return Status::Ok();
  if (*version > kSchemaVersion) {
    return Status::IoError("the store was written by a newer kvstore (schema " +
                           std::to_string(*version) + ")");
  }
  if (*version == 0) {
    // Free pages stay in the file until `kvstore vacuum` hands them back a
    // few at a time (maintenance.cc); only an empty file can be set up so.
    KVSTORE_RETURN_IF_ERROR(Exec(db, "PRAGMA auto_vacuum=INCREMENTAL", "creating the store"));
    KVSTORE_RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode=WAL", "switching the store to WAL"));
  }
  KVSTORE_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "creating the store"));
  version = QueryInt(db, "PRAGMA user_version");
  Status st = !version.ok() ? version.status()
              : *version == kSchemaVersion ? Status::Ok()
                                           : CreateOrUpgrade(db, *version);
  if (st.ok()) return Exec(db, "COMMIT", "creating the store");
  Exec(db, "ROLLBACK", "");
  return st;
}

// Every one-shot process is the first to open the WAL, so SQLite rebuilds
// its index by reading every frame since the WAL last restarted, and that
// rebuild forgets which frames were already checkpointed -- so no ordinary
// checkpoint (passive or restart) ever lets the WAL restart, and it would
// grow without end, making every command slower. So a connection that closes
// having seen the WAL reach kTruncateAtCloseFrames frames checkpoints and
// truncates it (a one-shot writer, now and then: a few pages copied and one
// sync). Long-lived connections also get SQLite's usual passive checkpoint
// at kCheckpointFrames, which this hook replaces; truncating there instead
// would make every later write grow the file again.
constexpr int kTruncateAtCloseFrames = 64;
constexpr int kCheckpointFrames = 1000;

struct WalState {
  int frames = 0;  // in the WAL after this connection's last commit
};

int KeepWalShort(void* arg, sqlite3* db, const char* schema, int frames) {
  static_cast<WalState*>(arg)->frames = frames;
  if (frames >= kCheckpointFrames) sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return SQLITE_OK;
}

}  // namespace

Status Exec(sqlite3* db, const char* sql, const std::string& doing) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : SqliteError(db, rc, doing);
}

Result<int64_t> QueryInt(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return SqliteError(db, rc, "reading the store");
  return value;
}

Status SqliteError(sqlite3* db, int rc, const std::string& doing) {
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::IoError(doing + ": the store stayed locked by another process for over 10 s");
    case SQLITE_FULL:
      return Status::IoError(doing + ": the disk is full");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return Status::IoError(doing + ": the store file cannot be written (" + detail + ")");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::IoError(doing + ": the file is not a kvstore store (" + detail + ")");
    default:
      return Status::IoError(doing + ": " + detail);
  }
}

const char* LibraryVersion() { return sqlite3_libversion(); }

void CloseDatabase(sqlite3* db) {
  // Unhooking hands back the hook's state.
  std::unique_ptr<WalState> wal(static_cast<WalState*>(sqlite3_wal_hook(db, nullptr, nullptr)));
  if (wal && wal->frames >= kTruncateAtCloseFrames) {
    // Busy (a reader in the way) is fine: a later writer tries again.
    sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  }
  sqlite3_close(db);
}

Result<sqlite3*> OpenDatabase(const std::string& path, Durability durability) {
  KVSTORE_RETURN_IF_ERROR(CreateFileIfMissing(path));
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteError(db, rc, "opening " + path);
    sqlite3_close(db);
    return st;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_handler(db, OnBusy, nullptr);
  // Keep the WAL file and skip the checkpoint when a one-shot command closes
  // the last connection: both cost more than the command itself.
  int persist_wal = 1;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist_wal);
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  // Plan each cached statement once. Without this, SQLite lets the values
  // bound to a range scan's LIMIT and key columns steer the plan, so every
  // new binding re-prepares the statement: a queue pop's three range queries
  // were parsed and planned afresh each time, a third of its cost. Every
  // kvstore statement walks the primary key whatever the values.
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, nullptr);
  sqlite3_wal_hook(db, KeepWalShort, new WalState);

  Status st = RegisterChecksum(db);
  if (st.ok()) st = InitializeIfNew(db);
  if (st.ok()) {
    st = Exec(db,
              durability == Durability::kFull
                  ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"
                  : "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
              "configuring the store");
  }
  if (!st.ok()) {
    CloseDatabase(db);
    if (st.message().find(path) == std::string::npos) return Status::IoError(path + ": " + st.message());
    return st;
  }
  return db;
}

}  // namespace kvstore::storage::sqlite
