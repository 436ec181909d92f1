// Leases over the storage interface: every operation is one conditional
// update, so it is atomic on any engine.
#include "primitives/lease.h"

namespace kvstore::lease {

using storage::Action;
using storage::Attr;
using storage::CompareOp;
using storage::Condition;

namespace {

State StateOf(const std::optional<storage::Item>& item, int64_t now) {
  State state;
  if (!item) return state;
  state.number = item->number.value_or(0);
  if (item->owner && item->deadline.value_or(0) > now) {
    state.holder = item->owner;
    state.expires_at_ms = *item->deadline;
  }
  return state;
}

// Nobody holds the lease: never taken, released, or its deadline has passed.
Condition IsFree(int64_t now) {
  return Condition::AnyOf({Condition::NotExists(), Condition::AttrNotExists(Attr::kOwner),
                           Condition::Compare(Attr::kDeadline, CompareOp::kLe, now)});
}

Condition HeldBy(std::string_view holder, int64_t now) {
  return Condition::AllOf({Condition::Equals(Attr::kOwner, std::string(holder)),
                           Condition::Compare(Attr::kDeadline, CompareOp::kGt, now)});
}

Result<Outcome> Write(const Table& table, const storage::Key& key, const std::vector<Action>& actions,
                      const Condition& condition, int64_t now) {
  auto written = table.engine().Update(table.name(), key, actions, condition);
  if (!written.ok()) return written.status();
  return Outcome{.done = written->applied, .state = StateOf(written->item, now)};
}

}  // namespace

Result<Outcome> Take(const Table& table, const storage::Key& key, std::string_view kind,
                     std::string_view holder, Millis ttl) {
  int64_t now = table.clock().NowMillis();
  auto taken = Write(table, key,
                     {Action::Set(Attr::kKind, std::string(kind)), Action::Set(Attr::kOwner, std::string(holder)),
                      Action::Set(Attr::kDeadline, now + ttl.count()), Action::Add(Attr::kNumber, 1)},
                     IsFree(now), now);
  if (!taken.ok() || taken->done || taken->state.holder != holder) return taken;
  // Already ours: renew the lease and keep the number, so a retried take
  // (say, after a lost reply) does not look like a new holder.
  return Extend(table, key, holder, ttl);
}

Result<Outcome> Extend(const Table& table, const storage::Key& key, std::string_view holder, Millis ttl) {
  int64_t now = table.clock().NowMillis();
  return Write(table, key, {Action::Set(Attr::kDeadline, now + ttl.count())}, HeldBy(holder, now), now);
}

Result<Outcome> Release(const Table& table, const storage::Key& key, std::string_view holder) {
  int64_t now = table.clock().NowMillis();
  return Write(table, key, {Action::Remove(Attr::kOwner), Action::Remove(Attr::kDeadline)}, HeldBy(holder, now),
               now);
}

Result<State> Read(const Table& table, const storage::Key& key) {
  int64_t now = table.clock().NowMillis();
  auto item = table.engine().Get(table.name(), key);
  if (item.ok()) return StateOf(*item, now);
  if (item.status().Is(Status::Code::kNotFound)) return State{};
  return item.status();
}

}  // namespace kvstore::lease
