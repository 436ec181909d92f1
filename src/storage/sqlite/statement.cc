#include "storage/sqlite/statement.h"

#include "util/quote.h"

namespace kvstore::storage::sqlite {

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::BindAll(const std::vector<SqlValue>& values) {
  int index = 1;
  for (const SqlValue& v : values) {
    if (const auto* n = std::get_if<int64_t>(&v)) {
      sqlite3_bind_int64(stmt_, index, *n);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      // A zero-length blob must not bind as NULL: give it a valid pointer.
      sqlite3_bind_blob64(stmt_, index, s->empty() ? "" : s->data(), s->size(), SQLITE_STATIC);
    } else if (const auto* t = std::get_if<Text>(&v)) {
      sqlite3_bind_text64(stmt_, index, t->s.data(), t->s.size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      sqlite3_bind_null(stmt_, index);
    }
    ++index;
  }
}

std::optional<int64_t> Statement::OptionalInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::string Statement::Blob(int col) const {
  const void* data = sqlite3_column_blob(stmt_, col);
  int size = sqlite3_column_bytes(stmt_, col);
  if (data == nullptr || size == 0) return {};
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

std::optional<std::string> Statement::OptionalBlob(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Blob(col);
}

StatementCache::~StatementCache() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
}

sqlite3_stmt* StatementCache::Get(const std::string& sql, int* rc) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  *rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr);
  if (*rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return nullptr;
  }
  statements_.emplace(sql, stmt);
  return stmt;
}

Result<Item> ReadItem(const Statement& stmt, int first) {
  if (stmt.Int(first + 10) != 1) {
    return Status::IoError("the store file is damaged: item " + Quote(stmt.Blob(first + 1)) + " (partition " +
                           Quote(stmt.Blob(first)) + ") does not match its checksum; run kvstore check");
  }
  Item item;
  item.key.partition = stmt.Blob(first);
  item.key.sort = stmt.Blob(first + 1);
  item.kind = stmt.OptionalBlob(first + 2);
  item.value = stmt.OptionalBlob(first + 3);
  item.number = stmt.OptionalInt(first + 4);
  item.owner = stmt.OptionalBlob(first + 5);
  item.deadline = stmt.OptionalInt(first + 6);
  item.count = stmt.OptionalInt(first + 7);
  item.expires_at = stmt.OptionalInt(first + 8);
  item.version = stmt.Int(first + 9);
  return item;
}

}  // namespace kvstore::storage::sqlite
