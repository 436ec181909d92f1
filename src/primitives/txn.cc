// Transactions: read every item the operations touch, build one storage
// transaction whose conditions say "as read" (version unchanged, or still
// absent) plus the user's checks, and commit it. If it fails on an item that
// changed since the read, read again and retry; if it fails on a check that
// still fails, report that check. Results (a counter's new value, a list's
// length) follow from the read, which the conditions make true at commit.
#include "kvstore/txn.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "primitives/fence_checks.h"
#include "primitives/layout.h"
#include "primitives/retry.h"
#include "primitives/write_plans.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {

using storage::Action;
using storage::Attr;
using storage::CompareOp;
using storage::Condition;
using storage::Item;
using storage::Key;
using storage::WriteOp;
using Type = TxnOp::Type;

namespace {

std::string Id(const Key& key) { return key.partition + '\0' + key.sort; }

// The item an operation writes (or checks): a key, or a set's or list's header.
Key MainKey(const TxnOp& op) {
  switch (op.type) {
    case Type::kSAdd:
    case Type::kSRem: return layout::SetHeaderKey(op.name);
    case Type::kLPush:
    case Type::kRPush: return layout::ListHeaderKey(op.name);
    default: return layout::KeyOf(op.name);
  }
}

Status Invalid(size_t index, const TxnOp& op, const std::string& what) {
  return Status::InvalidArgument(DescribeTxnOp(index, op) + ": " + what);
}

// Prefixes a field check's message with the operation it belongs to.
Status InOp(size_t index, const TxnOp& op, Status st) {
  return st.ok() ? st : Invalid(index, op, st.message());
}

Status ValidateOp(size_t i, const TxnOp& op) {
  switch (op.type) {
    case Type::kSet:
      KVSTORE_RETURN_IF_ERROR(InOp(i, op, storage::ValidateName("key", op.name)));
      KVSTORE_RETURN_IF_ERROR(InOp(i, op, storage::ValidateValue("value", op.value)));
      return op.ttl ? InOp(i, op, storage::ValidateTtl("ttl", *op.ttl)) : Status::Ok();
    case Type::kDelete:
    case Type::kCheck:
      return InOp(i, op, storage::ValidateName("key", op.name));
    case Type::kAdd:
      return InOp(i, op, storage::ValidateName("counter name", op.name));
    case Type::kSAdd:
    case Type::kSRem:
      KVSTORE_RETURN_IF_ERROR(InOp(i, op, storage::ValidateName("set name", op.name)));
      if (op.items.empty()) return Invalid(i, op, "members must list at least one member");
      for (const std::string& m : op.items) KVSTORE_RETURN_IF_ERROR(InOp(i, op, storage::ValidateName("member", m)));
      return Status::Ok();
    case Type::kLPush:
    case Type::kRPush:
      KVSTORE_RETURN_IF_ERROR(InOp(i, op, storage::ValidateName("list name", op.name)));
      if (op.items.empty()) return Invalid(i, op, "values must list at least one value");
      for (const std::string& v : op.items) KVSTORE_RETURN_IF_ERROR(InOp(i, op, storage::ValidateValue("value", v)));
      return Status::Ok();
  }
  return Status::Ok();
}

bool Compare(int64_t a, TxnOp::Compare op, int64_t b) {
  switch (op) {
    case TxnOp::Compare::kEq: return a == b;
    case TxnOp::Compare::kNe: return a != b;
    case TxnOp::Compare::kLt: return a < b;
    case TxnOp::Compare::kLe: return a <= b;
    case TxnOp::Compare::kGt: return a > b;
    case TxnOp::Compare::kGe: return a >= b;
  }
  return false;
}

CompareOp StorageCompare(TxnOp::Compare op) {
  switch (op) {
    case TxnOp::Compare::kEq: return CompareOp::kEq;
    case TxnOp::Compare::kNe: return CompareOp::kNe;
    case TxnOp::Compare::kLt: return CompareOp::kLt;
    case TxnOp::Compare::kLe: return CompareOp::kLe;
    case TxnOp::Compare::kGt: return CompareOp::kGt;
    case TxnOp::Compare::kGe: return CompareOp::kGe;
  }
  return CompareOp::kEq;
}

bool IsCounter(const std::optional<Item>& item) { return item && item->kind == layout::kKindCounter; }

// Whether a check holds for the item as it is (empty: absent).
bool CheckHolds(const TxnOp& check, const std::optional<Item>& item) {
  switch (check.check) {
    case TxnOp::Check::kExists: return item.has_value();
    case TxnOp::Check::kNotExists: return !item.has_value();
    case TxnOp::Check::kEquals: return item && item->kind == layout::kKindValue && item->value == check.value;
    case TxnOp::Check::kCompare:
      if (item && !IsCounter(item)) return false;
      return Compare(item ? item->number.value_or(0) : 0, check.compare, check.number);
  }
  return false;
}

// The same check as a storage condition, evaluated by the store at commit.
Condition CheckCondition(const TxnOp& check) {
  switch (check.check) {
    case TxnOp::Check::kExists: return Condition::Exists();
    case TxnOp::Check::kNotExists: return Condition::NotExists();
    case TxnOp::Check::kEquals:
      return Condition::AllOf({Condition::Equals(Attr::kKind, std::string(layout::kKindValue)),
                               Condition::Equals(Attr::kValue, check.value)});
    case TxnOp::Check::kCompare: {
      Condition counter = Condition::AllOf({Condition::Equals(Attr::kKind, std::string(layout::kKindCounter)),
                                            Condition::Compare(Attr::kNumber, StorageCompare(check.compare), check.number)});
      // A missing counter reads 0.
      if (Compare(0, check.compare, check.number)) return Condition::AnyOf({Condition::NotExists(), counter});
      return counter;
    }
  }
  return Condition::Always();
}

std::string CheckText(const TxnOp& c) {
  static const char* kOps[] = {"==", "!=", "<", "<=", ">", ">="};
  switch (c.check) {
    case TxnOp::Check::kExists: return "key " + Quote(c.name) + " does not exist";
    case TxnOp::Check::kNotExists: return "key " + Quote(c.name) + " exists";
    case TxnOp::Check::kEquals: return "key " + Quote(c.name) + " does not hold the expected value";
    case TxnOp::Check::kCompare:
      return "counter " + Quote(c.name) + " is not " + kOps[static_cast<int>(c.compare)] + " " +
             std::to_string(c.number);
  }
  return "";
}

class TxnRunner {
 public:
  TxnRunner(const Table& table, const std::vector<TxnOp>& ops) : table_(table), ops_(ops) {}

  Status Validate() {
    if (ops_.empty()) return Status::InvalidArgument("the transaction has no operations");
    if (ops_.size() > kMaxTxnOps) {
      return Status::InvalidArgument("the transaction has " + std::to_string(ops_.size()) +
                                     " operations; the limit is " + std::to_string(kMaxTxnOps));
    }
    std::map<std::string, size_t> writer;
    fences_.clear();
    for (size_t i = 0; i < ops_.size(); ++i) {
      KVSTORE_RETURN_IF_ERROR(ValidateOp(i, ops_[i]));
      KVSTORE_RETURN_IF_ERROR(InOp(i, ops_[i], fence::Validate(ops_[i].fences)));
      fences_.insert(fences_.end(), ops_[i].fences.begin(), ops_[i].fences.end());
      if (ops_[i].type == Type::kCheck) continue;
      auto [it, fresh] = writer.emplace(Id(MainKey(ops_[i])), i);
      if (!fresh) {
        return Status::InvalidArgument("operations " + std::to_string(it->second) + " and " + std::to_string(i) +
                                       " both change " + Quote(ops_[i].name) +
                                       "; an item can be changed once per transaction");
      }
    }
    KVSTORE_RETURN_IF_ERROR(fence::Validate(fences_));
    fences_ = fence::Distinct(fences_);
    return Status::Ok();
  }

  Result<std::optional<TxnResult>> Attempt() {
    KVSTORE_RETURN_IF_ERROR(ReadAll());
    TxnResult result;
    writes_.clear();
    std::set<size_t> merged_checks;
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].type == Type::kCheck) {
        result.results.push_back(1);
        continue;
      }
      auto r = Build(i, merged_checks);
      if (!r.ok()) return r.status();
      result.results.push_back(*r);
    }
    // Checks on items nothing writes become check-only operations.
    for (const auto& [id, checks] : checks_by_item_) {
      if (std::all_of(checks.begin(), checks.end(), [&](size_t c) { return merged_checks.count(c); })) continue;
      AddWrite(WriteOp::Check(layout::KeyOf(ops_[checks.front()].name), ChecksOn(id)));
    }
    if (writes_.size() + fences_.size() > kMaxTxnOps) {
      return Status::InvalidArgument("the transaction needs " + std::to_string(writes_.size() + fences_.size()) +
                                     " item writes and fence checks; the limit is " + std::to_string(kMaxTxnOps) +
                                     " (fewer members or values per operation)");
    }
    auto done = fence::Commit(table_, fences_, writes_);
    if (!done.ok()) return done.status();
    if (done->applied) return std::optional<TxnResult>(std::move(result));
    KVSTORE_RETURN_IF_ERROR(ExplainFailure(writes_[done->failed_index].key));
    return std::optional<TxnResult>();  // something changed since the read: try again
  }

 private:
  std::optional<Item> Read(const Key& key) const { return read_.at(Id(key)); }

  Status ReadAll() {
    std::vector<Key> keys;
    std::set<std::string> seen;
    auto want = [&](const Key& key) {
      if (seen.insert(Id(key)).second) keys.push_back(key);
    };
    checks_by_item_.clear();
    for (size_t i = 0; i < ops_.size(); ++i) {
      const TxnOp& op = ops_[i];
      want(MainKey(op));
      if (op.type == Type::kCheck) checks_by_item_[Id(MainKey(op))].push_back(i);
      if (op.type == Type::kSAdd || op.type == Type::kSRem) {
        for (const std::string& m : op.items) want(layout::SetMemberKey(op.name, m));
      }
    }
    auto items = table_.engine().BatchGet(table_.name(), keys);
    if (!items.ok()) return items.status();
    read_.clear();
    for (size_t i = 0; i < keys.size(); ++i) read_[Id(keys[i])] = (*items)[i];
    return Status::Ok();
  }

  // The user's checks on an item, as one condition.
  Condition ChecksOn(const std::string& id) const {
    std::vector<Condition> all;
    auto it = checks_by_item_.find(id);
    if (it != checks_by_item_.end()) {
      for (size_t c : it->second) all.push_back(CheckCondition(ops_[c]));
    }
    return all.empty() ? Condition::Always() : Condition::AllOf(std::move(all));
  }

  void AddWrite(WriteOp op) { writes_.push_back(std::move(op)); }

  // Adds the storage writes of operation i; returns its result. Sets and
  // lists are planned by their own files (write_plans.h).
  Result<int64_t> Build(size_t i, std::set<size_t>& merged_checks) {
    const TxnOp& op = ops_[i];
    Key key = MainKey(op);
    std::optional<Item> current = Read(key);
    switch (op.type) {
      case Type::kSet:
        AddWrite(WriteOp::Put(PlanValueItem(op.name, op.value, op.ttl, table_.clock()),
                              AsReadWithChecks(key, current, merged_checks)));
        return 1;
      case Type::kDelete:
        AddWrite(WriteOp::Delete(key, AsReadWithChecks(key, current, merged_checks)));
        return current ? 1 : 0;
      case Type::kAdd: return BuildAdd(i, key, current, AsReadWithChecks(key, current, merged_checks));
      case Type::kSAdd:
      case Type::kSRem: return AddPlan(PlanSetChangeAsRead(op));
      case Type::kLPush:
      case Type::kRPush:
        return AddPlan(PlanListPush(op.name, current, op.type == Type::kLPush ? End::kFront : End::kBack, op.items));
      case Type::kCheck: break;
    }
    return 1;
  }

  // "Still as read", plus the user's checks on that key, which ride on the
  // write to it (DynamoDB refuses two actions on one item).
  Condition AsReadWithChecks(const Key& key, const std::optional<Item>& current, std::set<size_t>& merged_checks) {
    auto it = checks_by_item_.find(Id(key));
    if (it == checks_by_item_.end()) return AsRead(current);
    merged_checks.insert(it->second.begin(), it->second.end());
    return Condition::AllOf({AsRead(current), ChecksOn(Id(key))});
  }

  Result<int64_t> BuildAdd(size_t i, const Key& key, const std::optional<Item>& current, Condition as_read) {
    const TxnOp& op = ops_[i];
    if (current && !IsCounter(current)) {
      return Status::WrongType(DescribeTxnOp(i, op) + ": key " + Quote(op.name) + " holds a value, not a counter");
    }
    int64_t old = current ? current->number.value_or(0) : 0;
    int64_t now;
    if (__builtin_add_overflow(old, op.by, &now)) {
      return Status::OutOfRange(DescribeTxnOp(i, op) + ": counter " + Quote(op.name) + " would overflow 64 bits");
    }
    AddWrite(WriteOp::Update(key, {Action::Set(Attr::kKind, std::string(layout::kKindCounter)),
                                   Action::Set(Attr::kNumber, now)},
                             std::move(as_read)));
    return now;
  }

  WritePlan PlanSetChangeAsRead(const TxnOp& op) const {
    std::set<std::string> distinct(op.items.begin(), op.items.end());
    std::vector<std::string> members(distinct.begin(), distinct.end());
    std::vector<bool> present;
    for (const std::string& m : members) present.push_back(Read(layout::SetMemberKey(op.name, m)).has_value());
    return PlanSetChange(op.name, Read(layout::SetHeaderKey(op.name)), members, present,
                         op.type == Type::kSAdd ? SetChange::kAdd : SetChange::kRemove);
  }

  int64_t AddPlan(WritePlan plan) {
    for (WriteOp& write : plan.writes) AddWrite(std::move(write));
    return plan.result;
  }

  // After a failed commit: if a check on the failed item fails on a fresh
  // read, that check is the answer; otherwise the item just changed.
  Status ExplainFailure(const Key& key) {
    auto it = checks_by_item_.find(Id(key));
    if (it == checks_by_item_.end()) return Status::Ok();
    auto fresh = table_.engine().BatchGet(table_.name(), {key});
    if (!fresh.ok()) return fresh.status();
    for (size_t c : it->second) {
      if (!CheckHolds(ops_[c], (*fresh)[0])) {
        return Status::ConditionFailed(DescribeTxnOp(c, ops_[c]) + " failed: " + CheckText(ops_[c]) +
                                       "; nothing was changed");
      }
    }
    return Status::Ok();
  }

  const Table& table_;
  const std::vector<TxnOp>& ops_;
  std::map<std::string, std::optional<Item>> read_;
  std::map<std::string, std::vector<size_t>> checks_by_item_;
  std::vector<WriteOp> writes_;
  Fences fences_;  // every operation's, each once
};

}  // namespace

const char* TxnOpName(const TxnOp& op) {
  switch (op.type) {
    case Type::kSet: return "set";
    case Type::kDelete: return "delete";
    case Type::kAdd: return op.by < 0 ? "dec" : "inc";
    case Type::kSAdd: return "sadd";
    case Type::kSRem: return "srem";
    case Type::kLPush: return "lpush";
    case Type::kRPush: return "rpush";
    case Type::kCheck: return "check";
  }
  return "?";
}

std::string DescribeTxnOp(size_t index, const TxnOp& op) {
  return "operation " + std::to_string(index) + " (" + TxnOpName(op) + ")";
}

Result<TxnResult> Transactions::Apply(const std::vector<TxnOp>& ops) {
  TxnRunner runner(table_, ops);
  KVSTORE_RETURN_IF_ERROR(runner.Validate());
  return RetryOnConflict<TxnResult>(table_.clock(), [] { return std::string("the transaction"); },
                                   [&] { return runner.Attempt(); });
}

}  // namespace kvstore
