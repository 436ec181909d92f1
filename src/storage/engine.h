// The storage interface: a handful of item operations shaped like DynamoDB's
// item API, which every engine (sqlite/, later dynamodb/) implements and every
// primitive (src/primitives) is written against. Nothing here knows SQL or
// HTTP.
//
// Items are addressed by (table, partition, sort) and carry a fixed set of
// optional attributes (Attr). Expiry is the engine's business: an item whose
// expires_at has passed (by the engine's Clock) is absent for every operation
// -- reads skip it, conditions see it as missing, writes replace it -- whether
// or not it has been physically removed yet.
//
// Contract for every call:
//   - UnknownTable when the table does not exist; IoError when the store fails.
//   - A condition that is not met is an expected outcome, not an error: the
//     write reports applied = false and changes nothing.
//   - Each single-item write is atomic with respect to every other process.
//   - Names and sizes are validated above (limits.h); engines trust them.
#ifndef KVSTORE_STORAGE_ENGINE_H_
#define KVSTORE_STORAGE_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/limits.h"
#include "kvstore/maintenance.h"
#include "kvstore/options.h"
#include "kvstore/status.h"
#include "kvstore/store_stats.h"

namespace kvstore::storage {

struct Key {
  std::string partition;
  std::string sort;
};

// The attributes an item may carry. Each engine maps them to its own columns
// or attribute names; primitives give them meaning.
enum class Attr {
  kKind,       // string: what the item is ("kv", "counter", ...)
  kValue,      // bytes: the payload
  kNumber,     // int64: counter value, fencing token, list index...
  kOwner,      // string: lock owner, leader, receipt...
  kDeadline,   // int64 ms since epoch: lease end, visible-at...
  kCount,      // int64: receive count, term...
  kExpiresAt,  // int64 ms since epoch: the item vanishes at this time
  kVersion,    // int64: set by the engine, 1 on creation, +1 on every write
};
inline constexpr Attr kAllAttrs[] = {Attr::kKind,     Attr::kValue, Attr::kNumber,
                                     Attr::kOwner,    Attr::kDeadline, Attr::kCount,
                                     Attr::kExpiresAt, Attr::kVersion};

// An attribute's value: absent, a number, or a string of bytes.
using AttrValue = std::variant<std::monostate, int64_t, std::string>;

struct Item {
  Key key;
  std::optional<std::string> kind;
  std::optional<std::string> value;
  std::optional<int64_t> number;
  std::optional<std::string> owner;
  std::optional<int64_t> deadline;
  std::optional<int64_t> count;
  std::optional<int64_t> expires_at;
  int64_t version = 0;  // ignored on input; engines set it

  AttrValue Get(Attr attr) const;
  void Set(Attr attr, const AttrValue& v);
};

// A condition on the current item, evaluated atomically with the write it
// guards. An absent (or expired) item has no attributes: a comparison with a
// missing attribute is false, except kNe, which is true.
enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct Condition {
  enum class Kind { kAlways, kExists, kNotExists, kCompare, kAttrExists, kAttrNotExists, kAnd, kOr };
  Kind kind = Kind::kAlways;
  Attr attr = Attr::kValue;
  CompareOp op = CompareOp::kEq;
  AttrValue operand;
  std::vector<Condition> children;

  static Condition Always() { return {}; }
  static Condition Exists();
  static Condition NotExists();
  static Condition Compare(Attr attr, CompareOp op, AttrValue operand);
  static Condition Equals(Attr attr, AttrValue operand) { return Compare(attr, CompareOp::kEq, std::move(operand)); }
  static Condition AttrExists(Attr attr);
  static Condition AttrNotExists(Attr attr);
  static Condition AllOf(std::vector<Condition> children);
  static Condition AnyOf(std::vector<Condition> children);

  bool IsAlways() const { return kind == Kind::kAlways; }
  // The condition's value when the item is absent or expired.
  bool HoldsWhenAbsent() const;
  // Its value on a live item: a store's refusal of a write whose condition
  // holds on the item it returned is no answer at all (see DynamoDB's engine).
  bool HoldsFor(const Item& item) const;
};

// One change an update makes to an item. An update has at most one action
// per attribute.
struct Action {
  enum class Op {
    kSet,     // attr = value
    kAdd,     // number attr += value (a missing attr counts as 0)
    kRemove,  // attr becomes absent
    kSetIfAbsent,  // attr = value only when the attr is absent (a new item's TTL)
  };
  Op op = Op::kSet;
  Attr attr = Attr::kValue;
  AttrValue value;

  static Action Set(Attr attr, AttrValue value) { return {Op::kSet, attr, std::move(value)}; }
  static Action Add(Attr attr, int64_t delta) { return {Op::kAdd, attr, delta}; }
  static Action Remove(Attr attr) { return {Op::kRemove, attr, {}}; }
  static Action SetIfAbsent(Attr attr, AttrValue value) { return {Op::kSetIfAbsent, attr, std::move(value)}; }
};

// The outcome of a conditional single-item write.
struct WriteOutcome {
  bool applied = false;
  // applied: the item as written (for delete, the live item that was removed,
  //          if there was one).
  // not applied: the current live item, when there is one.
  std::optional<Item> item;
};

struct QueryRequest {
  std::string partition{};
  std::string prefix{};                  // only sort keys starting with this
  std::optional<std::string> after{};    // only sort keys > this
  std::optional<std::string> before{};   // only sort keys < this
  size_t limit = 100;                    // at most this many live items (> 0)
  bool descending = false;
};

struct QueryPage {
  std::vector<Item> items;  // live items in sort-key order
  // Set when more items may follow: pass as `after` (or `before` when
  // descending) to continue.
  std::optional<std::string> continue_from;
};

// One write of a transaction or batch.
struct WriteOp {
  enum class Type {
    kPut,     // replace the item with `item` if `condition` holds
    kUpdate,  // apply `actions` to the item at `key` if `condition` holds
    kDelete,  // delete the item at `key` if `condition` holds
    kCheck,   // write nothing; fail the transaction unless `condition` holds
  };
  Type type = Type::kPut;
  Key key;  // for kUpdate, kDelete, kCheck (kPut uses item.key)
  Item item;
  std::vector<Action> actions;
  Condition condition;

  static WriteOp Put(Item item, Condition condition = {});
  static WriteOp Update(Key key, std::vector<Action> actions, Condition condition = {});
  static WriteOp Delete(Key key, Condition condition = {});
  static WriteOp Check(Key key, Condition condition);

 private:
  static WriteOp OnKey(Type type, Key key, std::vector<Action> actions, Condition condition);
};

struct TransactOutcome {
  bool applied = false;
  // When not applied: the index of the first operation whose condition failed.
  size_t failed_index = 0;
};

// The sizes of DynamoDB's BatchGetItem and BatchWriteItem: a caller that
// hands BatchGet / BatchWrite at most this many costs one request per call.
inline constexpr size_t kBatchGetKeys = 100;
inline constexpr size_t kBatchWriteOps = 25;

// The attribute's name in the stored item: the SQLite column and the
// DynamoDB attribute are spelled the same.
const char* AttrName(Attr attr);

// " = ", " <> ", " < "...: the operator as both SQL and DynamoDB spell it.
const char* OperatorText(CompareOp op);

// The smallest string greater than every string starting with prefix, or
// empty when there is none: the exclusive end of a prefix range.
std::string PrefixEnd(std::string prefix);

// The item that `actions` make from nothing: what Update creates when the
// item is absent (for engines that cannot say so in one statement).
Item ApplyToAbsent(const Key& key, const std::vector<Action>& actions);

// The UnknownTable every engine reports for a table never created (or
// dropped): "table 'NAME' does not exist". What to do about it is the
// caller's to say.
Status NoSuchTable(const std::string& table);

// Lets a waiter (--wait) sleep until the store may have changed instead of
// polling blindly. Wake-ups may be spurious; the waiter simply tries again.
class ChangeWatch {
 public:
  virtual ~ChangeWatch() = default;
  // Returns after `timeout` (false), or sooner once the store may have been
  // written since the watch was made or last returned (true). A write that
  // woke it may not be readable yet for a moment (SQLite appends to its log
  // before it updates the index that makes the write visible, and only the
  // log notifies): a reader that finds nothing new reads again shortly.
  virtual bool Wait(Millis timeout) = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // A watch on writes to the store by any process, or null when the engine
  // cannot tell (the waiter then sleeps its backoff). A write between a try
  // and the watch's making is not reported: try once more after making it.
  virtual std::unique_ptr<ChangeWatch> WatchChanges() { return nullptr; }

  // A small fact about a table that a primitive wants this machine to keep
  // across processes (a sharded counter's shards: counter_shards.h), or to
  // forget (no value). Only a hint: a primitive acts correctly on a wrong or
  // missing one, so keeping it may fail silently. The DynamoDB engine keeps
  // hints in its disk cache, beside tables' layouts; by default none is kept
  // (the embedded store gains nothing from them).
  virtual std::optional<std::string> RecallHint(const std::string& /*table*/, const std::string& /*key*/) {
    return std::nullopt;
  }
  virtual void KeepHint(const std::string& /*table*/, const std::string& /*key*/,
                        const std::optional<std::string>& /*value*/) {}

  // Requests and capacity used so far (-v); see kvstore::StoreStats.
  virtual StoreStats Stats() const = 0;

  // See Store::SetDeadline. Engines whose calls never wait long ignore it.
  virtual void SetDeadline(std::optional<Deadline> /*deadline*/) {}

  // Unset options.layout and options.shards take the engine's defaults
  // (validated above: limits.h ValidateLayout).
  virtual Status CreateTable(const std::string& table, const CreateTableOptions& options) = 0;
  virtual Status DropTable(const std::string& table, const DropTableOptions& options) = 0;
  virtual Result<std::vector<std::string>> ListTables() = 0;

  // The table's layout (kvstore/options.h), fixed when it was made. Cheap:
  // known without a request after the first call for the table.
  virtual Result<TableLayout> Layout(const std::string& table) = 0;

  // The live item, or NotFound.
  virtual Result<Item> Get(const std::string& table, const Key& key) = 0;
  // One entry per key, in order; empty where the item is absent.
  virtual Result<std::vector<std::optional<Item>>> BatchGet(const std::string& table,
                                                            const std::vector<Key>& keys) = 0;

  // Replaces the whole item (every attribute not given becomes absent).
  virtual Result<WriteOutcome> Put(const std::string& table, const Item& item,
                                   const Condition& condition) = 0;
  // Puts `item` whatever is there and returns the live item it replaced, if
  // any, atomically (getset). The default reads, then puts on condition the
  // item is as read, until that holds; DynamoDB does it in one UpdateItem.
  virtual Result<std::optional<Item>> Exchange(const std::string& table, const Item& item);
  // Applies actions to the item, creating it when absent (DynamoDB UpdateItem).
  virtual Result<WriteOutcome> Update(const std::string& table, const Key& key,
                                      const std::vector<Action>& actions,
                                      const Condition& condition) = 0;
  // Deletes the item. Applied with no item when there was nothing to delete
  // and the condition holds for an absent item.
  virtual Result<WriteOutcome> Delete(const std::string& table, const Key& key,
                                      const Condition& condition) = 0;

  // Live items of one partition in sort-key order; reads in proportion to
  // what it returns.
  virtual Result<QueryPage> Query(const std::string& table, const QueryRequest& request) = 0;

  // How many of the live items Query would return with no limit satisfy
  // each filter, counted in one pass. Cheap on the embedded store (one SQL
  // statement over an index range); on DynamoDB it reads the range once,
  // every attribute but the payload when a filter needs them.
  virtual Result<std::vector<size_t>> CountEach(const std::string& table, const QueryRequest& request,
                                                const std::vector<Condition>& filters) = 0;
  // How many live items Query would return with no limit.
  Result<size_t> Count(const std::string& table, const QueryRequest& request) {
    auto counts = CountEach(table, request, {Condition::Always()});
    if (!counts.ok()) return counts.status();
    return counts->front();
  }

  // Up to kMaxTxnOps (kvstore/limits.h) writes on distinct keys, all or none.
  virtual Result<TransactOutcome> Transact(const std::string& table,
                                           const std::vector<WriteOp>& ops) = 0;

  // Many unconditional puts and deletes (conditions are ignored). Not atomic
  // as a whole; each op is applied exactly once when Ok is returned.
  virtual Status BatchWrite(const std::string& table, const std::vector<WriteOp>& ops) = 0;

  // The store and its tables (kvstore/maintenance.h), or just `table`
  // (UnknownTable when missing). Types are counted by the items' raw kind;
  // the Store names them.
  virtual Result<StoreInfo> Info(const std::optional<std::string>& table) = 0;

  // The embedded store's upkeep (kvstore/maintenance.h). Engines without a
  // file of their own answer InvalidArgument saying what to use instead.
  virtual Status Backup(const std::string& dest, const BackupOptions& options);
  virtual Result<CheckpointReport> Checkpoint();
  virtual Result<VacuumReport> Vacuum(const ProgressCallback& progress);
  virtual Result<CheckReport> Check();
};

}  // namespace kvstore::storage

#endif  // KVSTORE_STORAGE_ENGINE_H_
