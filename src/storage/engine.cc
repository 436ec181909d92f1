// engine.h's helpers: item attribute access, the builders of conditions and
// write ops, applying actions to an absent item, the one UnknownTable message.
#include "storage/engine.h"

#include <algorithm>
#include <thread>
#include "util/retry_policy.h"

namespace kvstore::storage {
namespace {

template <typename T>
AttrValue FromOptional(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return *v;
}

template <typename T>
void ToOptional(const AttrValue& v, std::optional<T>& out) {
  if (const T* p = std::get_if<T>(&v)) {
    out = *p;
  } else {
    out.reset();
  }
}

}  // namespace

Status NoSuchTable(const std::string& table) { return Status::UnknownTable("table '" + table + "' does not exist"); }

AttrValue Item::Get(Attr attr) const {
  switch (attr) {
    case Attr::kKind: return FromOptional(kind);
    case Attr::kValue: return FromOptional(value);
    case Attr::kNumber: return FromOptional(number);
    case Attr::kOwner: return FromOptional(owner);
    case Attr::kDeadline: return FromOptional(deadline);
    case Attr::kCount: return FromOptional(count);
    case Attr::kExpiresAt: return FromOptional(expires_at);
    case Attr::kVersion: return version;
  }
  return std::monostate{};
}

void Item::Set(Attr attr, const AttrValue& v) {
  switch (attr) {
    case Attr::kKind: return ToOptional(v, kind);
    case Attr::kValue: return ToOptional(v, value);
    case Attr::kNumber: return ToOptional(v, number);
    case Attr::kOwner: return ToOptional(v, owner);
    case Attr::kDeadline: return ToOptional(v, deadline);
    case Attr::kCount: return ToOptional(v, count);
    case Attr::kExpiresAt: return ToOptional(v, expires_at);
    case Attr::kVersion: {
      const int64_t* n = std::get_if<int64_t>(&v);
      version = n ? *n : 0;
      return;
    }
  }
}

Condition Condition::Exists() {
  Condition c;
  c.kind = Kind::kExists;
  return c;
}

Condition Condition::NotExists() {
  Condition c;
  c.kind = Kind::kNotExists;
  return c;
}

Condition Condition::Compare(Attr attr, CompareOp op, AttrValue operand) {
  Condition c;
  c.kind = Kind::kCompare;
  c.attr = attr;
  c.op = op;
  c.operand = std::move(operand);
  return c;
}

Condition Condition::AttrExists(Attr attr) {
  Condition c;
  c.kind = Kind::kAttrExists;
  c.attr = attr;
  return c;
}

Condition Condition::AttrNotExists(Attr attr) {
  Condition c;
  c.kind = Kind::kAttrNotExists;
  c.attr = attr;
  return c;
}

Condition Condition::AllOf(std::vector<Condition> children) {
  Condition c;
  c.kind = Kind::kAnd;
  c.children = std::move(children);
  return c;
}

Condition Condition::AnyOf(std::vector<Condition> children) {
  Condition c;
  c.kind = Kind::kOr;
  c.children = std::move(children);
  return c;
}

bool Condition::HoldsWhenAbsent() const {
  switch (kind) {
    case Kind::kAlways:
    case Kind::kNotExists:
    case Kind::kAttrNotExists:
      return true;
    case Kind::kExists:
    case Kind::kAttrExists:
      return false;
    case Kind::kCompare:
      return op == CompareOp::kNe;
    case Kind::kAnd:
      for (const Condition& c : children) {
        if (!c.HoldsWhenAbsent()) return false;
      }
      return true;
    case Kind::kOr:
      for (const Condition& c : children) {
        if (c.HoldsWhenAbsent()) return true;
      }
      return false;
  }
  return false;
}

namespace {

// DynamoDB's comparison rules: a missing attribute, or one of another type
// than the operand, compares false, except for "not equal".
bool Compares(const AttrValue& value, CompareOp op, const AttrValue& operand) {
  if (value.index() != operand.index() || std::holds_alternative<std::monostate>(value)) return op == CompareOp::kNe;
  switch (op) {
    case CompareOp::kEq: return value == operand;
    case CompareOp::kNe: return value != operand;
    case CompareOp::kLt: return value < operand;
    case CompareOp::kLe: return value <= operand;
    case CompareOp::kGt: return value > operand;
    case CompareOp::kGe: return value >= operand;
  }
  return false;
}

}  // namespace

bool Condition::HoldsFor(const Item& item) const {
  switch (kind) {
    case Kind::kAlways:
    case Kind::kExists:
      return true;
    case Kind::kNotExists:
      return false;
    case Kind::kCompare:
      return Compares(item.Get(attr), op, operand);
    case Kind::kAttrExists:
      return !std::holds_alternative<std::monostate>(item.Get(attr));
    case Kind::kAttrNotExists:
      return std::holds_alternative<std::monostate>(item.Get(attr));
    case Kind::kAnd:
      return std::all_of(children.begin(), children.end(), [&](const Condition& c) { return c.HoldsFor(item); });
    case Kind::kOr:
      return std::any_of(children.begin(), children.end(), [&](const Condition& c) { return c.HoldsFor(item); });
  }
  return false;
}

const char* AttrName(Attr attr) {
  switch (attr) {
    case Attr::kKind: return "kind";
    case Attr::kValue: return "value";
    case Attr::kNumber: return "num";
    case Attr::kOwner: return "owner";
    case Attr::kDeadline: return "deadline";
    case Attr::kCount: return "cnt";
    case Attr::kExpiresAt: return "expires_at";
    case Attr::kVersion: return "version";
  }
  return "value";
}

const char* OperatorText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return " = ";
    case CompareOp::kNe: return " <> ";
    case CompareOp::kLt: return " < ";
    case CompareOp::kLe: return " <= ";
    case CompareOp::kGt: return " > ";
    case CompareOp::kGe: return " >= ";
  }
  return " = ";
}

std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

WriteOp WriteOp::Put(Item item, Condition condition) {
  WriteOp op;
  op.type = Type::kPut;
  op.key = item.key;
  op.item = std::move(item);
  op.condition = std::move(condition);
  return op;
}

WriteOp WriteOp::OnKey(Type type, Key key, std::vector<Action> actions, Condition condition) {
  WriteOp op;
  op.type = type;
  op.key = std::move(key);
  op.actions = std::move(actions);
  op.condition = std::move(condition);
  return op;
}

WriteOp WriteOp::Update(Key key, std::vector<Action> actions, Condition condition) {
  return OnKey(Type::kUpdate, std::move(key), std::move(actions), std::move(condition));
}

WriteOp WriteOp::Delete(Key key, Condition condition) {
  return OnKey(Type::kDelete, std::move(key), {}, std::move(condition));
}

WriteOp WriteOp::Check(Key key, Condition condition) {
  return OnKey(Type::kCheck, std::move(key), {}, std::move(condition));
}

Item ApplyToAbsent(const Key& key, const std::vector<Action>& actions) {
  Item item;
  item.key = key;
  for (const Action& a : actions) {
    switch (a.op) {
      case Action::Op::kSet:
      case Action::Op::kSetIfAbsent: item.Set(a.attr, a.value); break;
      case Action::Op::kAdd: {
        AttrValue current = item.Get(a.attr);
        const int64_t* base = std::get_if<int64_t>(&current);
        const int64_t* delta = std::get_if<int64_t>(&a.value);
        item.Set(a.attr, (base ? *base : 0) + (delta ? *delta : 0));
        break;
      }
      case Action::Op::kRemove: item.Set(a.attr, std::monostate{}); break;
    }
  }
  return item;
}

namespace {

Status EmbeddedOnly(const std::string& what, const std::string& instead) {
  return Status::InvalidArgument(what + " is for the embedded store, which is one file; on this store " + instead);
}

}  // namespace

Result<std::optional<Item>> Engine::Exchange(const std::string& table, const Item& item) {
  for (int round = 0; round < kEngineRounds; ++round) {
    if (round > 0) std::this_thread::sleep_for(RetryPause(kEngineRound, round - 1));
    auto current = Get(table, item.key);
    if (!current.ok() && !current.status().Is(Status::Code::kNotFound)) return current.status();
    Condition as_read = current.ok() ? Condition::Compare(Attr::kVersion, CompareOp::kEq, current->version)
                                     : Condition::NotExists();
    auto put = Put(table, item, as_read);
    if (!put.ok()) return put.status();
    if (!put->applied) continue;  // changed meanwhile: read again
    return current.ok() ? std::optional<Item>(std::move(*current)) : std::nullopt;
  }
  return Status::IoError("the item kept changing under a read-then-write exchange; try again");
}

Status Engine::Backup(const std::string&, const BackupOptions&) {
  return EmbeddedOnly("backup", "use export, or DynamoDB's own backups (point-in-time recovery)");
}

Result<CheckpointReport> Engine::Checkpoint() {
  return EmbeddedOnly("checkpoint", "every acknowledged write is already durable");
}

Result<VacuumReport> Engine::Vacuum(const ProgressCallback&) {
  return EmbeddedOnly("vacuum", "the service reclaims space itself");
}

Result<CheckReport> Engine::Check() {
  return EmbeddedOnly("check", "the service checks its own storage");
}

}  // namespace kvstore::storage
