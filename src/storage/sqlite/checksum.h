// Every item row carries a checksum of all its columns, so that a read never
// hands back bytes other than those written: damage to the file (a bad disk,
// a stray write into it) that SQLite's own structure checks cannot see --
// bytes changed inside a value -- is found on the read that meets it.
//
// The checksum is the SQL function kv_sum(tbl, pk, sk, kind, value, num,
// owner, deadline, cnt, expires_at, version), a STORED generated column of
// `items`, so SQLite computes it on every write with no change to any write
// statement; reads select `sum IS kv_sum(...)` beside the item's columns
// (sql_builder.h's kItemColumns) and an item whose sum does not match is an
// IoError naming it.
#ifndef KVSTORE_STORAGE_SQLITE_CHECKSUM_H_
#define KVSTORE_STORAGE_SQLITE_CHECKSUM_H_

#include <sqlite3.h>

#include "kvstore/status.h"

namespace kvstore::storage::sqlite {

// Makes kv_sum() known to the connection (deterministic and innocuous, as a
// generated column requires). Needed before the schema is created or used.
Status RegisterChecksum(sqlite3* db);

}  // namespace kvstore::storage::sqlite

#endif  // KVSTORE_STORAGE_SQLITE_CHECKSUM_H_
