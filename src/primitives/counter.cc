// Counters: one conditional update per increment. The condition both checks
// the type and guards against 64-bit overflow, so a failed increment changes
// nothing on any engine.
#include "kvstore/counter.h"

#include <limits>

#include "primitives/layout.h"
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

}  // namespace

Result<int64_t> Counters::Add(std::string_view name, int64_t delta, const AddOptions& options) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("counter name", name));
  if (options.ttl) KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", *options.ttl));
  std::vector<storage::Action> actions = {
      storage::Action::Set(Attr::kKind, std::string(layout::kKindCounter)),
      storage::Action::Add(Attr::kNumber, delta),
  };
  if (options.ttl) {
    actions.push_back(storage::Action::SetIfAbsent(Attr::kExpiresAt, table_.clock().NowMillis() + options.ttl->count()));
  }
  Condition condition = Condition::AnyOf({Condition::NotExists(), CanAdd(delta)});
  auto outcome = table_.engine().Update(table_.name(), layout::KeyOf(name), actions, condition);
  if (!outcome.ok()) return outcome.status();
  if (outcome->applied) return outcome->item->number.value_or(0);
  if (outcome->item && outcome->item->kind != layout::kKindCounter) return NotACounter(name);
  return Status::OutOfRange("counter " + Quote(name) + " would overflow 64 bits; it was left at " +
                            std::to_string(outcome->item ? outcome->item->number.value_or(0) : 0));
}

Result<int64_t> Counters::Get(std::string_view name) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("counter name", name));
  auto item = table_.engine().Get(table_.name(), layout::KeyOf(name));
  if (!item.ok()) return item.status().Is(Status::Code::kNotFound) ? Result<int64_t>(int64_t{0}) : item.status();
  if (item->kind != layout::kKindCounter) return NotACounter(name);
  return item->number.value_or(0);
}

}  // namespace kvstore
