#include "storage/sql/sql_builder.h"

#include <charconv>
#include <string>

namespace kvstore::storage::sql {

SqlBuilder::SqlBuilder(int64_t now) : now_(now) {
  // Every statement is built afresh per call (its text is then the cache
  // key), so growing these step by step would be most of the builder's cost.
  sql_.reserve(512);
  params_.reserve(16);
}

SqlBuilder& SqlBuilder::Placeholder(size_t index) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
  sql_ += '?';
  sql_.append(digits, end);
  return *this;
}

SqlBuilder& SqlBuilder::Param(SqlValue value) {
  params_.push_back(std::move(value));
  return Placeholder(params_.size());
}

SqlBuilder& SqlBuilder::ParamAttr(const AttrValue& value) {
  if (const auto* n = std::get_if<int64_t>(&value)) return Param(SqlValue{*n});
  if (const auto* s = std::get_if<std::string>(&value)) return Param(SqlValue{*s});
  return Param(SqlValue{});
}

SqlBuilder& SqlBuilder::Now() {
  if (now_index_ == 0) {
    params_.push_back(now_);
    now_index_ = static_cast<int>(params_.size());
  }
  return Placeholder(static_cast<size_t>(now_index_));
}

SqlBuilder& SqlBuilder::KeyMatch(const std::string& table, const Key& key) {
  Add("tbl = ").Param(Text{table});
  Add(" AND pk = ").Param(key.partition);
  return Add(" AND sk = ").Param(key.sort);
}

// Written with coalesce rather than "expires_at IS NULL OR ...": SQLite 3.40
// evaluates "IS NULL" wrongly inside DELETE ... RETURNING.
SqlBuilder& SqlBuilder::Live() { return Add("coalesce(expires_at > ").Now().Add(", 1)"); }

SqlBuilder& SqlBuilder::Cond(const Condition& c) {
  using Kind = Condition::Kind;
  switch (c.kind) {
    case Kind::kAlways:
    case Kind::kExists:
      return Add("1");
    case Kind::kNotExists:
      return Add("0");
    case Kind::kCompare:
      // A comparison with NULL (a missing attribute) is NULL: fold it to the
      // documented answer, true only for "not equal".
      Add("coalesce(").Add(AttrName(c.attr)).Add(OperatorText(c.op)).ParamAttr(c.operand);
      return Add(c.op == CompareOp::kNe ? ", 1)" : ", 0)");
    case Kind::kAttrExists:
      return Add("(").Add(AttrName(c.attr)).Add(" IS NOT NULL)");
    case Kind::kAttrNotExists:
      return Add("(").Add(AttrName(c.attr)).Add(" IS NULL)");
    case Kind::kAnd:
    case Kind::kOr: {
      if (c.children.empty()) return Add(c.kind == Kind::kAnd ? "1" : "0");
      Add("(");
      for (size_t i = 0; i < c.children.size(); ++i) {
        if (i > 0) Add(c.kind == Kind::kAnd ? " AND " : " OR ");
        Cond(c.children[i]);
      }
      return Add(")");
    }
  }
  return Add("0");
}

SqlBuilder& SqlBuilder::EffectiveCond(const Condition& c) {
  if (c.IsAlways()) return Add("1");
  Add("(CASE WHEN ").Live().Add(" THEN ").Cond(c);
  return Add(c.HoldsWhenAbsent() ? " ELSE 1 END)" : " ELSE 0 END)");
}

SqlBuilder& SqlBuilder::ActionExpr(Attr attr, const std::vector<Action>& actions) {
  // engine.h allows one action per attribute; should there be more, the last wins.
  const Action* last = nullptr;
  for (const Action& a : actions) {
    if (a.attr == attr) last = &a;
  }
  const char* col = AttrName(attr);
  if (last == nullptr) return Add(col);
  switch (last->op) {
    case Action::Op::kSet: return ParamAttr(last->value);
    case Action::Op::kAdd: return Add("coalesce(").Add(col).Add(", 0) + ").ParamAttr(last->value);
    case Action::Op::kRemove: return Add("NULL");
    case Action::Op::kSetIfAbsent: return Add("coalesce(").Add(col).Add(", ").ParamAttr(last->value).Add(")");
  }
  return Add(col);
}

std::vector<SqlValue> ColumnValues(const Item& item) {
  std::vector<SqlValue> values;
  for (Attr attr : kAllAttrs) {
    if (attr == Attr::kVersion) continue;
    AttrValue v = item.Get(attr);
    if (const auto* n = std::get_if<int64_t>(&v)) {
      values.emplace_back(*n);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      values.emplace_back(*s);
    } else {
      values.emplace_back(std::monostate{});
    }
  }
  return values;
}

}  // namespace kvstore::storage::sql
