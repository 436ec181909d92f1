// Thin RAII helpers over sqlite3: a cache of prepared statements and a
// statement handle that binds values, steps and reads columns, and is reset
// for reuse when it goes out of scope.
#ifndef KVSTORE_STORAGE_SQLITE_STATEMENT_H_
#define KVSTORE_STORAGE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "storage/engine.h"
#include "storage/sql/sql_value.h"

namespace kvstore::storage::sqlite {

using sql::SqlValue;
using sql::Text;

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Binds values to ?1, ?2, ... in order, without copying them: `values`
  // must outlive the statement's steps.
  void BindAll(const std::vector<SqlValue>& values);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::optional<int64_t> OptionalInt(int col) const;
  std::string Blob(int col) const;
  std::optional<std::string> OptionalBlob(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

// Prepared statements keyed by their SQL text, finalised with the cache.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The prepared statement for sql, or null with the error code in *rc.
  sqlite3_stmt* Get(const std::string& sql, int* rc);

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// Reads an Item from a row whose columns start at `first` in the order of
// sql::kItemColumns.
Result<Item> ReadItem(const Statement& stmt, int first);

}  // namespace kvstore::storage::sqlite

#endif  // KVSTORE_STORAGE_SQLITE_STATEMENT_H_
