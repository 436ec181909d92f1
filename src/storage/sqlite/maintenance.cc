#include "storage/sqlite/maintenance.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "storage/engine.h"
#include "storage/sqlite/sqlite_db.h"
#include "util/quote.h"

namespace kvstore::storage::sqlite {
namespace {

// Pages handed back per write transaction by Vacuum: 512, ~2 MB at 4 KiB
// pages, a few milliseconds that another process's write waits at most.
constexpr const char* kVacuumStep = "PRAGMA incremental_vacuum(512)";

// A one-off statement, finalised on every path.
class OneOff {
 public:
  OneOff(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~OneOff() { sqlite3_finalize(stmt_); }
  OneOff(const OneOff&) = delete;
  OneOff& operator=(const OneOff&) = delete;

  bool prepared() const { return rc_ == SQLITE_OK; }
  int rc() const { return rc_; }
  sqlite3_stmt* get() { return stmt_; }
  void BindText(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  std::string Column(int col) {
    const void* data = sqlite3_column_blob(stmt_, col);
    return data ? std::string(static_cast<const char*>(data), sqlite3_column_bytes(stmt_, col)) : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

int64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

Status Errno(const std::string& doing) { return Status::IoError(doing + ": " + std::strerror(errno)); }

// Flushes a file or folder to disk, so a rename that follows is durable.
Status SyncPath(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("opening " + path);
  int rc = fsync(fd);
  close(fd);
  return rc == 0 ? Status::Ok() : Errno("syncing " + path);
}

std::string FolderOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result<std::vector<std::string>> TableNames(sqlite3* db, const std::optional<std::string>& table) {
  OneOff q(db, "SELECT name FROM tables WHERE ?1 IS NULL OR name = ?1 ORDER BY name");
  if (!q.prepared()) return SqliteError(db, q.rc(), "listing tables");
  if (table) q.BindText(1, *table);  // else ?1 stays NULL: every table
  std::vector<std::string> names;
  int rc;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) names.push_back(q.Column(0));
  if (rc != SQLITE_DONE) return SqliteError(db, rc, "listing tables");
  if (table && names.empty()) return NoSuchTable(*table);
  return names;
}

// Adds each table's live items, by kind, to `tables` (in the same order).
Status CountByKind(sqlite3* db, int64_t now_ms, std::vector<TableInfo>& tables) {
  OneOff q(db,
           "SELECT kind, count(*), total(length(pk) + length(sk) + ifnull(length(value), 0) + "
           "ifnull(length(owner), 0)) FROM items WHERE tbl = ?1 AND (expires_at IS NULL OR expires_at > ?2) "
           "GROUP BY kind ORDER BY kind");
  if (!q.prepared()) return SqliteError(db, q.rc(), "counting items");
  for (TableInfo& info : tables) {
    sqlite3_reset(q.get());
    q.BindText(1, info.name);
    sqlite3_bind_int64(q.get(), 2, now_ms);
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
      TypeCount count{q.Column(0), sqlite3_column_int64(q.get(), 1),
                      static_cast<int64_t>(sqlite3_column_double(q.get(), 2))};
      info.items += count.items;
      info.bytes += count.bytes;
      info.types.push_back(std::move(count));
    }
    if (rc != SQLITE_DONE) return SqliteError(db, rc, "counting the items of " + info.name);
  }
  return Status::Ok();
}

// VACUUM INTO `partial`, then the copy switched to WAL like every store and
// closed (which, with no kvstore connection settings, folds and removes its
// own log), then synced.
Status CopyInto(sqlite3* db, const std::string& partial) {
  OneOff vacuum(db, "VACUUM INTO ?1");
  if (!vacuum.prepared()) return SqliteError(db, vacuum.rc(), "copying the store");
  vacuum.BindText(1, partial);
  if (int rc = sqlite3_step(vacuum.get()); rc != SQLITE_DONE) return SqliteError(db, rc, "copying the store");
  sqlite3* copy = nullptr;
  int rc = sqlite3_open_v2(partial.c_str(), &copy, SQLITE_OPEN_READWRITE, nullptr);
  Status st = rc == SQLITE_OK ? Exec(copy, "PRAGMA journal_mode=WAL", "setting up the copy")
                              : SqliteError(copy, rc, "opening the copy");
  sqlite3_close(copy);
  KVSTORE_RETURN_IF_ERROR(st);
  return SyncPath(partial, O_RDONLY);
}

}  // namespace

Result<StoreInfo> DescribeStore(sqlite3* db, const std::string& path, int64_t now_ms,
                                const std::optional<std::string>& table) {
  StoreInfo info{.engine = "sqlite", .engine_version = LibraryVersion(), .location = path};
  auto names = TableNames(db, table);
  if (!names.ok()) return names.status();
  for (std::string& name : *names) info.tables.push_back(TableInfo{.name = std::move(name)});
  KVSTORE_RETURN_IF_ERROR(CountByKind(db, now_ms, info.tables));
  auto page_size = QueryInt(db, "PRAGMA page_size");
  auto free_pages = QueryInt(db, "PRAGMA freelist_count");
  if (!page_size.ok()) return page_size.status();
  if (!free_pages.ok()) return free_pages.status();
  info.page_size = *page_size;
  info.free_pages = *free_pages;
  info.file_bytes = FileSize(path);
  info.wal_bytes = FileSize(path + "-wal");
  return info;
}

Status BackupStore(sqlite3* db, const std::string& path, const std::string& dest, const BackupOptions& options) {
  if (dest.empty()) return Status::InvalidArgument("the backup needs a file name");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (SameFile(dest, path + suffix) || dest == path + suffix) {
      return Status::InvalidArgument("the backup would replace the store's own file " + path + suffix);
    }
  }
  struct stat st;
  if (stat(dest.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(dest + " is a folder; give the backup a file name");
    if (!options.overwrite) return Status::AlreadyExists(dest + " exists; give --force to replace it");
  }
  // Made empty and private first: VACUUM INTO fills an empty file, and a
  // copy of the store must be no more readable than the store.
  std::string partial = dest + ".partial-" + std::to_string(getpid());
  int fd = open(partial.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("creating " + partial);
  close(fd);
  Status copied = CopyInto(db, partial);
  if (copied.ok() && rename(partial.c_str(), dest.c_str()) != 0) copied = Errno("renaming the copy to " + dest);
  if (!copied.ok()) {
    unlink(partial.c_str());
    return copied;
  }
  return SyncPath(FolderOf(dest), O_RDONLY | O_DIRECTORY);
}

Result<CheckpointReport> CheckpointStore(sqlite3* db) {
  int frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, &frames, &copied);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) return SqliteError(db, rc, "checkpointing");
  return CheckpointReport{.wal_frames = frames, .complete = rc == SQLITE_OK};
}

Result<VacuumReport> VacuumStore(sqlite3* db, const std::string& path, const ProgressCallback& progress) {
  VacuumReport report{.bytes_before = FileSize(path) + FileSize(path + "-wal")};
  auto mode = QueryInt(db, "PRAGMA auto_vacuum");
  if (!mode.ok()) return mode.status();
  if (*mode != 2) {  // a store from before incremental vacuum: rebuilt once
    KVSTORE_RETURN_IF_ERROR(Exec(db, "PRAGMA auto_vacuum=INCREMENTAL", "vacuuming"));
    KVSTORE_RETURN_IF_ERROR(Exec(db, "VACUUM", "vacuuming"));
    report.rebuilt = true;
  }
  // Until none are left, or a step frees none (other writers freeing pages
  // as fast as they are handed back: what is left waits for the next vacuum).
  int64_t at_start = -1;
  for (int64_t before = -1;;) {
    auto free_pages = QueryInt(db, "PRAGMA freelist_count");
    if (!free_pages.ok()) return free_pages.status();
    if (at_start < 0) at_start = *free_pages;
    if (progress) progress(std::max<int64_t>(at_start - *free_pages, 0), at_start);
    if (*free_pages == 0 || *free_pages == before) break;
    before = *free_pages;
    KVSTORE_RETURN_IF_ERROR(Exec(db, kVacuumStep, "vacuuming"));
  }
  // The file shrinks when the log is folded into it.
  auto checkpoint = CheckpointStore(db);
  if (!checkpoint.ok()) return checkpoint.status();
  report.bytes_after = FileSize(path) + FileSize(path + "-wal");
  return report;
}

Result<CheckReport> CheckStore(sqlite3* db) {
  constexpr size_t kMaxProblems = 20;
  CheckReport report;
  OneOff integrity(db, "PRAGMA integrity_check(20)");
  if (!integrity.prepared()) return SqliteError(db, integrity.rc(), "checking the store");
  int rc;
  while ((rc = sqlite3_step(integrity.get())) == SQLITE_ROW) {
    std::string line = integrity.Column(0);
    if (line != "ok") report.problems.push_back("SQLite: " + line);
  }
  if (rc != SQLITE_DONE) {
    report.problems.push_back(std::string("SQLite: ") + sqlite3_errmsg(db));
    return report;  // a file too damaged to walk: say so, and stop here
  }
  OneOff items(db,
               "SELECT tbl, pk, sk, sum IS kv_sum(tbl, pk, sk, kind, value, num, owner, deadline, cnt, "
               "expires_at, version) FROM items");
  if (!items.prepared()) return SqliteError(db, items.rc(), "checking the store");
  while ((rc = sqlite3_step(items.get())) == SQLITE_ROW) {
    ++report.items_checked;
    if (sqlite3_column_int(items.get(), 3) == 1) continue;
    if (++report.damaged_items <= static_cast<int64_t>(kMaxProblems)) {
      report.problems.push_back("table " + Quote(items.Column(0)) + ": item " + Quote(items.Column(2)) +
                                " (partition " + Quote(items.Column(1)) + ") does not match its checksum");
    }
  }
  if (rc != SQLITE_DONE) report.problems.push_back(std::string("SQLite: ") + sqlite3_errmsg(db));
  return report;
}

}  // namespace kvstore::storage::sqlite
