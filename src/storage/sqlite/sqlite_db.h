// Opening the database file: creating it safely (0600, folder 0700), the
// schema, the per-connection pragmas, and the busy handler. Kept apart from
// the engine's item operations.
#ifndef KVSTORE_STORAGE_SQLITE_SQLITE_DB_H_
#define KVSTORE_STORAGE_SQLITE_SQLITE_DB_H_

#include <sqlite3.h>

#include <string>

#include "kvstore/status.h"
#include "storage/sqlite/sqlite_engine.h"

namespace kvstore::storage::sqlite {

// The open connection, ready for the engine. Null with the reason on failure.
Result<sqlite3*> OpenDatabase(const std::string& path, Durability durability);
// Closes a connection from OpenDatabase, first truncating the WAL if it has
// grown (see KeepWalShort).
void CloseDatabase(sqlite3* db);

// The SQLite library's version, e.g. "3.46.1" (kvstore --version).
const char* LibraryVersion();

// Runs fixed SQL text (no parameters, no rows wanted).
Status Exec(sqlite3* db, const char* sql, const std::string& doing);
// The single integer a fixed query returns.
Result<int64_t> QueryInt(sqlite3* db, const char* sql);

// A Status for a failed SQLite call, naming what was being done.
Status SqliteError(sqlite3* db, int rc, const std::string& doing);

}  // namespace kvstore::storage::sqlite

#endif  // KVSTORE_STORAGE_SQLITE_SQLITE_DB_H_
