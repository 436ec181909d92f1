// Looking after a store as a whole: what it holds (Store::Info) and, on the
// embedded store, a consistent copy (Backup), folding the write-ahead log into
// the file (Checkpoint), giving free space back (Vacuum) and looking for
// damage (Check). Every call is safe
// while other processes keep using the store.
#ifndef KVSTORE_MAINTENANCE_H_
#define KVSTORE_MAINTENANCE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kvstore {

// Live items (expired ones not counted) of one type in a table: "keys",
// "counters", "locks", "leaders", "queues", "queue messages", "sets",
// "set members", "lists", "list elements", or the raw kind of an item no
// kvstore type claims.
struct TypeCount {
  std::string type{};
  int64_t items = 0;
  int64_t bytes = 0;  // keys and values, as stored
};

struct TableInfo {
  std::string name{};
  // The embedded store counts exactly, by type. DynamoDB's figures are its
  // own estimates (refreshed about every six hours) and carry no types.
  std::vector<TypeCount> types{};
  int64_t items = 0;
  int64_t bytes = 0;
  bool estimated = false;
  // DynamoDB only: table status ("ACTIVE"...), billing mode
  // ("PAY_PER_REQUEST", "PROVISIONED") and time-to-live status ("ENABLED"...).
  std::string status{};
  std::string billing_mode{};
  std::string ttl_status{};
};

struct StoreInfo {
  std::string engine{};        // "sqlite" or "dynamodb"
  std::string engine_version{};  // SQLite's library version; DynamoDB's API version
  std::string location{};      // the file; the endpoint and region
  std::vector<TableInfo> tables{};
  // The embedded store's files: the database, its write-ahead log, and the
  // free pages inside the database that Vacuum would give back.
  int64_t file_bytes = 0;
  int64_t wal_bytes = 0;
  int64_t page_size = 0;
  int64_t free_pages = 0;
};

struct BackupOptions {
  // Replace DEST when it exists. Default: AlreadyExists, DEST untouched.
  bool overwrite = false;
};

struct CheckpointReport {
  int64_t wal_frames = 0;    // frames in the log before
  bool complete = false;     // every frame copied and the log emptied
};

// Called now and then by long upkeep: `done` of `total` (pages, items...).
using ProgressCallback = std::function<void(int64_t done, int64_t total)>;

struct VacuumReport {
  int64_t bytes_before = 0;  // the database file and its log
  int64_t bytes_after = 0;
  // The first vacuum of a store made by kvstore 0.2.0 or earlier rebuilds the whole
  // file once (holding other writers back while it does), after which every
  // vacuum gives pages back a few at a time.
  bool rebuilt = false;
};

struct CheckReport {
  int64_t items_checked = 0;
  // What is wrong, one line each, at most 20: SQLite's integrity check
  // (pages, indexes, the file's structure) and each item whose columns no
  // longer match its checksum. Empty when the store is intact.
  std::vector<std::string> problems{};
  int64_t damaged_items = 0;
};

}  // namespace kvstore

#endif  // KVSTORE_MAINTENANCE_H_
