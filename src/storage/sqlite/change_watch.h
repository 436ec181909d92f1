// Wakes --wait loops on the embedded store when another process commits:
// every commit appends to the WAL file, which inotify reports.
#ifndef KVSTORE_STORAGE_SQLITE_CHANGE_WATCH_H_
#define KVSTORE_STORAGE_SQLITE_CHANGE_WATCH_H_

#include <memory>
#include <string>

#include "storage/engine.h"

namespace kvstore::storage::sqlite {

// A watch on writes to `wal_path`, or null when inotify cannot watch it (the
// waiter then polls).
std::unique_ptr<ChangeWatch> WatchWalFile(const std::string& wal_path);

}  // namespace kvstore::storage::sqlite

#endif  // KVSTORE_STORAGE_SQLITE_CHANGE_WATCH_H_
