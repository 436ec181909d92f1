// The embedded engine: the storage interface on one SQLite file.
//
// One WAL-mode database holds every table: `tables` lists them and `items`
// holds every item keyed by (tbl, pk, sk). Each single-item write is one SQL
// statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE / UPDATE ... WHERE,
// with RETURNING); a transaction is one BEGIN IMMEDIATE ... COMMIT. Many
// processes may use the same file at once.
#ifndef KVSTORE_STORAGE_SQLITE_SQLITE_ENGINE_H_
#define KVSTORE_STORAGE_SQLITE_SQLITE_ENGINE_H_

#include <memory>
#include <string>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "storage/engine.h"

namespace kvstore::storage::sqlite {

enum class Durability {
  // synchronous=NORMAL: a commit survives the crash of any process; the last
  // commits before a power loss or OS crash may be lost. The default.
  kNormal,
  // synchronous=FULL: every commit is fsynced before it is acknowledged.
  kFull,
};

struct SqliteOptions {
  std::string path{};                  // the database file; created when missing
  Durability durability = Durability::kNormal;
  std::shared_ptr<Clock> clock{};      // required
};

// Opens (creating when missing) the database. IoError when the file or its
// folder cannot be created or opened, or the file is not a kvstore database.
Result<std::unique_ptr<Engine>> OpenSqliteEngine(const SqliteOptions& options);

}  // namespace kvstore::storage::sqlite

#endif  // KVSTORE_STORAGE_SQLITE_SQLITE_ENGINE_H_
