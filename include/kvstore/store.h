// Store: the entry point. Open a store by URL, manage its tables, and get a
// Table handle to pass to the primitives (kv.h, counter.h, ...).
//
//   auto store = kvstore::Store::Open("sqlite:/tmp/app.db");
//   if (!store.ok()) ... store.status().message() ...
//   (*store)->CreateTable("jobs", {.if_not_exists = true});
//   auto jobs = (*store)->OpenTable("jobs");
//   kvstore::KeyValue(*jobs).Set("greeting", "hello");
//
// Thread safety: a Store may be used from several threads at once; calls are
// serialised inside it. Many processes may open the same store at once; every
// write is atomic with respect to all of them.
#ifndef KVSTORE_STORE_H_
#define KVSTORE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/maintenance.h"
#include "kvstore/options.h"
#include "kvstore/status.h"
#include "kvstore/store_stats.h"

namespace kvstore {

namespace storage {
class Engine;
}

// A named table of a store. Cheap to copy; does no I/O of its own. Valid while
// the Store that made it is alive.
class Table {
 public:
  const std::string& name() const { return name_; }

  // The layout the table was made with (kvstore/options.h, docs/scale.md).
  // Errors: UnknownTable, IoError.
  Result<TableLayout> Layout() const;

  // For primitives (src/primitives); not part of the stable API.
  storage::Engine& engine() const { return *engine_; }
  // The store and its tables: live items by type, sizes, and what the
  // engine says of itself (kvstore/maintenance.h); only `table` when given.
  // Errors: InvalidArgument, UnknownTable, IoError.
  Result<StoreInfo> Info(std::optional<std::string_view> table = std::nullopt);

  // The embedded store only (InvalidArgument elsewhere, saying what to use):
  // Backup writes a consistent copy of the store as of one instant to
  // `dest`, a single file usable as a store at once, while other processes
  // keep writing (AlreadyExists when `dest` exists, unless
  // options.overwrite; never the store's own files). Checkpoint folds the
  // write-ahead log into the store file, which then holds every write on its
  // own. Vacuum gives the file's free pages back to the file system.
  // Check reads the whole file looking for damage.
  Status Backup(std::string_view dest, const BackupOptions& options = {});
  Result<CheckpointReport> Checkpoint();
  Result<VacuumReport> Vacuum(const ProgressCallback& progress = nullptr);
  // Reads the whole file: SQLite's integrity check, and every item against
  // its checksum. Damage is reported, not an error; errors are for a check
  // that could not run.
  Result<CheckReport> Check();

  const Clock& clock() const { return *clock_; }
  Millis max_clock_skew() const { return max_clock_skew_; }

 private:
  friend class Store;
  Table(storage::Engine* engine, const Clock* clock, Millis max_clock_skew, std::string name)
      : engine_(engine), clock_(clock), max_clock_skew_(max_clock_skew), name_(std::move(name)) {}

  storage::Engine* engine_;
  const Clock* clock_;
  Millis max_clock_skew_;
  std::string name_;
};

class Store {
 public:
  // Opens the store a URL names:
  //   "sqlite:PATH" or a bare PATH   the embedded store in that file, created
  //                                  (mode 0600, folder 0700) when missing;
  //                                  "?sync=full" fsyncs every commit.
  //   "" (empty)                     $KVSTORE_STORE, else the default file
  //                                  ${XDG_DATA_HOME:-$HOME/.local/share}/kvstore/kvstore.db
  // Errors: InvalidArgument for a malformed URL; IoError when the file cannot
  // be created or opened, or is not a kvstore database.
  static Result<std::unique_ptr<Store>> Open(std::string_view url,
                                             const OpenOptions& options = {});

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Creates an empty table. Errors: InvalidArgument (bad name), AlreadyExists
  // (unless options.if_not_exists), IoError.
  Status CreateTable(std::string_view name, const CreateTableOptions& options = {});

  // Deletes a table and everything in it. Errors: InvalidArgument,
  // UnknownTable (unless options.if_exists), IoError.
  Status DropTable(std::string_view name, const DropTableOptions& options = {});

  // Names of all tables, in byte order. Errors: IoError.
  Result<std::vector<std::string>> ListTables();

  // A handle on a table. Checks the name (InvalidArgument) but not that the
  // table exists: operations on a missing table report UnknownTable.
  Result<Table> OpenTable(std::string_view name);

  // The store and its tables: live items by type, sizes, and what the
  // engine says of itself (kvstore/maintenance.h); only `table` when given.
  // Errors: InvalidArgument, UnknownTable, IoError.
  Result<StoreInfo> Info(std::optional<std::string_view> table = std::nullopt);

  // The embedded store only (InvalidArgument elsewhere, saying what to use):
  // Backup writes a consistent copy of the store as of one instant to
  // `dest`, a single file usable as a store at once, while other processes
  // keep writing (AlreadyExists when `dest` exists, unless
  // options.overwrite; never the store's own files). Checkpoint folds the
  // write-ahead log into the store file, which then holds every write on its
  // own. Vacuum gives the file's free pages back to the file system.
  // Check reads the whole file looking for damage.
  Status Backup(std::string_view dest, const BackupOptions& options = {});
  Result<CheckpointReport> Checkpoint();
  Result<VacuumReport> Vacuum(const ProgressCallback& progress = nullptr);
  // Reads the whole file: SQLite's integrity check, and every item against
  // its checksum. Damage is reported, not an error; errors are for a check
  // that could not run.
  Result<CheckReport> Check();

  const Clock& clock() const { return *clock_; }

  // Requests and capacity used so far by this Store (for -v / --stats).
  StoreStats stats() const;

  // Bounds the time every later call may take, retries and waits for a
  // table included: a call that would run past `deadline` stops and fails
  // with IoError saying so (a write cut short may or may not have been
  // applied, as the message then says). nullopt lifts the bound. On the
  // embedded store a call never waits long, and the bound is not checked.
  void SetDeadline(std::optional<Deadline> deadline);

 private:
  Store(std::unique_ptr<storage::Engine> engine, std::shared_ptr<Clock> clock, Millis max_clock_skew);

  std::unique_ptr<storage::Engine> engine_;
  std::shared_ptr<Clock> clock_;
  Millis max_clock_skew_;
};

}  // namespace kvstore

#endif  // KVSTORE_STORE_H_
