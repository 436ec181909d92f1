// Counters: one conditional update per increment. The condition both checks
// the type and guards against 64-bit overflow, so a failed increment changes
// nothing on any engine. A sharded counter's increments go to its shards
// (counter_shards.h) once this process knows of them.
#include "kvstore/counter.h"

#include <limits>

#include "primitives/counter_shards.h"
#include "primitives/fence_checks.h"
#include "primitives/layout.h"
#include "primitives/retry.h"
#include "primitives/write_plans.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {

using storage::Attr;
using storage::CompareOp;
using storage::Condition;

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

Status NotACounter(std::string_view name) {
  return Status::WrongType("key " + Quote(name) + " holds a value, not a counter");
}

// The counter exists and adding delta stays within 64 bits.
Condition CanAdd(int64_t delta) {
  Condition is_counter = Condition::Equals(Attr::kKind, std::string(layout::kKindCounter));
  if (delta > 0) {
    return Condition::AllOf({is_counter, Condition::Compare(Attr::kNumber, CompareOp::kLe, kMax - delta)});
  }
  if (delta < 0) {
    return Condition::AllOf({is_counter, Condition::Compare(Attr::kNumber, CompareOp::kGe, kMin - delta)});
  }
  return is_counter;
}

// A counter's write: its kind, `number_change` (an add, or a set to a sum
// computed from a read) and, for a new window, its expiry.
std::vector<storage::Action> CounterWrite(storage::Action number_change, std::optional<int64_t> expires_at) {
  std::vector<storage::Action> actions = {storage::Action::Set(Attr::kKind, std::string(layout::kKindCounter)),
                                          std::move(number_change)};
  if (expires_at) actions.push_back(storage::Action::SetIfAbsent(Attr::kExpiresAt, *expires_at));
  return actions;
}

Status WouldOverflow(std::string_view name, int64_t left_at) {
  return Status::OutOfRange("counter " + Quote(name) + " would overflow 64 bits; it was left at " +
                            std::to_string(left_at));
}

// A fenced add is a transaction, which returns no item, so it cannot learn
// the sum from the store as a plain add does: it reads the counter and
// writes the sum on condition that the counter is still as read. Returns the
// counter's item as written.
Result<storage::Item> FencedAdd(const Table& table, std::string_view name, int64_t delta,
                                std::optional<int64_t> expires_at, const Fences& fences) {
  storage::Key key = layout::KeyOf(name);
  auto attempt = [&]() -> Result<std::optional<storage::Item>> {
    auto read = table.engine().BatchGet(table.name(), {key});
    if (!read.ok()) return read.status();
    const std::optional<storage::Item>& current = (*read)[0];
    if (current && current->kind != layout::kKindCounter) return NotACounter(name);
    int64_t old = current ? current->number.value_or(0) : 0;
    int64_t sum;
    if (__builtin_add_overflow(old, delta, &sum)) return WouldOverflow(name, old);
    auto write = CounterWrite(storage::Action::Set(Attr::kNumber, sum), expires_at);
    auto done = fence::Commit(table, fences, {storage::WriteOp::Update(key, std::move(write), AsRead(current))});
    if (!done.ok()) return done.status();
    if (!done->applied) return std::optional<storage::Item>();
    storage::Item written;
    if (current) written = *current;
    written.key = key;
    written.kind = std::string(layout::kKindCounter);
    written.number = sum;
    return std::optional<storage::Item>(std::move(written));
  };
  return RetryOnConflict<storage::Item>(table.clock(), [&] { return "changing counter " + Quote(name); }, attempt);
}

// Adds on the counter's own item (counter_shards.h: every add that does not
// go to a shard) and returns the item as written.
Result<storage::Item> AddOnItem(const Table& table, std::string_view name, int64_t delta,
                                std::optional<int64_t> expires_at, const Fences& fences) {
  if (!fences.empty()) return FencedAdd(table, name, delta, expires_at, fences);
  Condition condition = Condition::AnyOf({Condition::NotExists(), CanAdd(delta)});
  auto outcome = table.engine().Update(table.name(), layout::KeyOf(name),
                                       CounterWrite(storage::Action::Add(Attr::kNumber, delta), expires_at), condition);
  if (!outcome.ok()) return outcome.status();
  if (outcome->applied) return std::move(*outcome->item);
  if (outcome->item && outcome->item->kind != layout::kKindCounter) return NotACounter(name);
  return WouldOverflow(name, outcome->item ? outcome->item->number.value_or(0) : 0);
}

}  // namespace

// Adds on a shard when this process knows the counter has some, else on
// its item; the value only `with_value` (0 otherwise).
Result<int64_t> Counters::AddAndRead(std::string_view name, int64_t delta, const AddOptions& options, bool with_value) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("counter name", name));
  if (options.ttl) KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", *options.ttl));
  KVSTORE_RETURN_IF_ERROR(fence::Validate(options.fences));
  std::optional<int64_t> expires_at;
  if (options.ttl) expires_at = table_.clock().NowMillis() + options.ttl->count();
  // A TTL or a fence is about the counter's own item: such adds go there.
  std::optional<counter_shards::Plan> plan;
  if (!options.ttl && options.fences.empty()) plan = counter_shards::Remembered(table_, name);
  if (plan) {
    auto value = counter_shards::AddToShard(table_, name, *plan, delta, with_value);
    if (!value.ok() || *value) return value.ok() ? Result<int64_t>(**value) : value.status();
    counter_shards::Forget(table_, name);
  }
  auto written = AddOnItem(table_, name, delta, expires_at, options.fences);
  if (!written.ok()) return written.status();
  std::optional<counter_shards::Plan> learnt = counter_shards::PlanOf(*written);
  if (learnt) counter_shards::Remember(table_, name, *learnt);
  if (!with_value) return int64_t{0};
  return counter_shards::ValueOf(table_, *written);
}

Result<int64_t> Counters::Add(std::string_view name, int64_t delta, const AddOptions& options) {
  return AddAndRead(name, delta, options, /*with_value=*/true);
}

Status Counters::AddOnly(std::string_view name, int64_t delta, const AddOptions& options) {
  return AddAndRead(name, delta, options, /*with_value=*/false).status();
}

Result<int64_t> Counters::Get(std::string_view name) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("counter name", name));
  auto item = table_.engine().Get(table_.name(), layout::KeyOf(name));
  if (!item.ok()) return item.status().Is(Status::Code::kNotFound) ? Result<int64_t>(int64_t{0}) : item.status();
  if (item->kind != layout::kKindCounter) return NotACounter(name);
  return counter_shards::ValueOf(table_, *item);
}

Status Counters::Shard(std::string_view name, int shards) { return counter_shards::Declare(table_, name, shards); }

}  // namespace kvstore
