// Builds the SQL for the storage interface's conditional writes: conditions
// become WHERE expressions and actions become SET expressions, with every
// value a bound parameter (?1, ?2, ...). Column names come only from the Attr
// enum, never from input. Engine-neutral: any SQL engine storing items in
// one row per item with the columns of kItemColumns can use it (SQLite
// today; a PostgreSQL engine would number its placeholders $1, $2, ...).
//
// "Live" means not expired: expires_at is NULL or later than now. A row
// that exists but is not live is treated as absent, so a condition on a
// physical row becomes
//     CASE WHEN live THEN <condition on the row> ELSE <condition when absent> END
#ifndef KVSTORE_STORAGE_SQL_SQL_BUILDER_H_
#define KVSTORE_STORAGE_SQL_SQL_BUILDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "storage/engine.h"
#include "storage/sql/sql_value.h"

namespace kvstore::storage::sql {

// The item columns, in the order rows are read back into Items, then
// whether the row's stored checksum still matches its columns (1 or 0; see
// storage/sqlite/checksum.h).
inline constexpr const char* kItemColumns =
    "pk, sk, kind, value, num, owner, deadline, cnt, expires_at, version, "
    "sum IS kv_sum(tbl, pk, sk, kind, value, num, owner, deadline, cnt, expires_at, version)";

class SqlBuilder {
 public:
  explicit SqlBuilder(int64_t now);

  // SQL text: only fixed C strings (literals, kItemColumns, AttrName,
  // OperatorText), never a std::string that could hold input. Every value
  // goes through Param. tests/security/source_rules.sh checks the callers.
  SqlBuilder& Add(const char* sql) {
    sql_.append(sql);
    return *this;
  }
  // Appends a parameter placeholder bound to value.
  SqlBuilder& Param(SqlValue value);
  SqlBuilder& ParamAttr(const AttrValue& value);
  // Appends the placeholder for the current time (bound once, reused).
  SqlBuilder& Now();
  // Appends "tbl = ? AND pk = ? AND sk = ?".
  SqlBuilder& KeyMatch(const std::string& table, const Key& key);
  // Appends the live predicate for the row.
  SqlBuilder& Live();
  // Appends the condition, evaluated on a live row; never NULL.
  SqlBuilder& Cond(const Condition& condition);
  // Appends the condition on a physical row that may have expired.
  SqlBuilder& EffectiveCond(const Condition& condition);
  // Appends the new value of attr's column for a live row after `actions`.
  SqlBuilder& ActionExpr(Attr attr, const std::vector<Action>& actions);

  const std::string& sql() const { return sql_; }
  const std::vector<SqlValue>& params() const { return params_; }

 private:
  SqlBuilder& Placeholder(size_t index);  // "?N"

  int64_t now_;
  int now_index_ = 0;
  std::string sql_;
  std::vector<SqlValue> params_;
};

// The values an item's columns take, in kItemColumns order after pk, sk
// (kind ... expires_at), as parameters.
std::vector<SqlValue> ColumnValues(const Item& item);

}  // namespace kvstore::storage::sql

#endif  // KVSTORE_STORAGE_SQL_SQL_BUILDER_H_
