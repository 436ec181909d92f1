// The values a statement binds, for any SQL engine. Strings are bound as
// BLOBs so that they sort by bytes and never mix with TEXT (SQLite orders
// every TEXT before every BLOB); table names are the one TEXT column.
#ifndef KVSTORE_STORAGE_SQL_SQL_VALUE_H_
#define KVSTORE_STORAGE_SQL_SQL_VALUE_H_

#include <cstdint>
#include <string>
#include <variant>

namespace kvstore::storage::sql {

struct Text {
  std::string s;
};
using SqlValue = std::variant<std::monostate, int64_t, std::string, Text>;

}  // namespace kvstore::storage::sql

#endif  // KVSTORE_STORAGE_SQL_SQL_VALUE_H_
