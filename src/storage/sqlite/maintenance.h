// The embedded store's upkeep, on the engine's connection: what the file
// holds, a consistent copy, folding the write-ahead log into the file, and
// giving free pages back. The engine calls these holding its own lock.
#ifndef KVSTORE_STORAGE_SQLITE_MAINTENANCE_H_
#define KVSTORE_STORAGE_SQLITE_MAINTENANCE_H_

#include <sqlite3.h>

#include <optional>
#include <string>

#include "kvstore/maintenance.h"
#include "kvstore/status.h"

namespace kvstore::storage::sqlite {

// Tables with their live items counted by raw kind (as of `now_ms`), and
// the file's sizes. Only `table` when given (UnknownTable when missing).
Result<StoreInfo> DescribeStore(sqlite3* db, const std::string& path, int64_t now_ms,
                                const std::optional<std::string>& table);

// A copy of the store as of one instant (VACUUM INTO a file beside DEST,
// synced, then renamed over it), in WAL mode like any store and without a
// log of its own: usable at once, and a single file to keep.
Status BackupStore(sqlite3* db, const std::string& path, const std::string& dest,
                   const BackupOptions& options);

// Copies every frame of the log into the file and empties the log, waiting
// (the busy timeout) for readers in the way; not complete when one stays.
Result<CheckpointReport> CheckpointStore(sqlite3* db);

// Hands free pages back to the file system a batch at a time, so other
// processes' writes go on between batches; `progress` (may be null) hears
// the pages given back so far of those free at the start.
Result<VacuumReport> VacuumStore(sqlite3* db, const std::string& path, const ProgressCallback& progress);

// PRAGMA integrity_check, then every item's checksum (checksum.h).
Result<CheckReport> CheckStore(sqlite3* db);

}  // namespace kvstore::storage::sqlite

#endif  // KVSTORE_STORAGE_SQLITE_MAINTENANCE_H_
