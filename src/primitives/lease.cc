// Leases over the storage interface: every operation is one conditional
// update, so it is atomic on any engine.
#include "primitives/lease.h"

namespace kvstore::lease {

using storage::Action;
using storage::Attr;
using storage::CompareOp;
using storage::Condition;

namespace {

State StateOf(const std::optional<storage::Item>& item, int64_t surely_past) {
  State state;
  if (!item) return state;
  state.number = item->number.value_or(0);
  state.version = item->version;
  if (item->owner && item->deadline.value_or(0) > surely_past) {
    state.holder = item->owner;
    state.expires_at_ms = *item->deadline;
    state.length = Millis(item->count.value_or(0));
  }
  return state;
}

// Nobody holds the lease: never taken, released, or run out for everyone.
Condition IsFree(int64_t surely_past) {
  return Condition::AnyOf({Condition::NotExists(), Condition::AttrNotExists(Attr::kOwner),
                           Condition::Compare(Attr::kDeadline, CompareOp::kLe, surely_past)});
}

Condition HeldBy(std::string_view holder, int64_t now) {
  return Condition::AllOf({Condition::Equals(Attr::kOwner, std::string(holder)),
                           Condition::Compare(Attr::kDeadline, CompareOp::kGt, now)});
}

// Still ours in the store, but past its end by our own clock: nobody else can
// have taken it meanwhile, so we may take it again (with a new number, as the
// lease lapsed).
Condition OursButLapsed(std::string_view holder, int64_t now) {
  return Condition::AllOf({Condition::Equals(Attr::kOwner, std::string(holder)),
                           Condition::Compare(Attr::kDeadline, CompareOp::kLe, now)});
}

// A write whose answer never came (on DynamoDB: the connection broke, or a
// 500 came, after the request was sent) may or may not have been applied,
// and the engine does not send it again. A lease records who holds it and
// until when, so one read settles which: a lock taken by a caller who never
// heard so would otherwise sit unused until its TTL ran out.
// `shows_our_write(state)` tells from the lease as read back.
template <typename ShowsOurWrite>
Result<Outcome> Write(const Table& table, const storage::Key& key, const std::vector<Action>& actions,
                      const Condition& condition, ShowsOurWrite shows_our_write) {
  auto written = table.engine().Update(table.name(), key, actions, condition);
  if (written.ok()) return Outcome{.done = written->applied, .state = StateOf(written->item, SurelyPast(table))};
  if (!written.status().Is(Status::Code::kIoError)) return written.status();
  auto state = Read(table, key);
  if (!state.ok() || !shows_our_write(*state)) return written.status();
  return Outcome{.done = true, .state = std::move(*state)};
}

// A take or renewal: a write that leaves `holder` holding the lease until
// `deadline` (read back, exactly that pair shows it was applied). It counts
// as done only if the lease is still held when the answer arrives: one that
// ran out by our clock while the answer travelled (a TTL shorter than the
// round trip, seen under ASan on DynamoDB Local) is not ours to use. Without
// that, leader-elect said "is_leader" with no leader.
Result<Outcome> Hold(const Table& table, const storage::Key& key, const std::vector<Action>& actions,
                     const Condition& condition, std::string_view holder, int64_t deadline) {
  auto held = Write(table, key, actions, condition, [&](const State& state) {
    return state.holder == holder && state.expires_at_ms == deadline;
  });
  if (held.ok() && held->done && held->state.holder != holder) held->done = false;
  return held;
}

}  // namespace

int64_t SurelyPast(const Table& table) { return table.clock().NowMillis() - table.max_clock_skew().count(); }

void ExpiryWatch::Saw(const State& state) {
  if (state.version == version_ && state.length == length_) return;
  version_ = state.version;
  length_ = state.length;
  first_seen_ = clock_.ElapsedMillis();
}

std::optional<int64_t> ExpiryWatch::RunOutVersion() const {
  if (!version_ || length_.count() <= 0) return std::nullopt;
  if (clock_.ElapsedMillis() - first_seen_ < length_.count()) return std::nullopt;
  return version_;
}

Result<Outcome> Take(const Table& table, const storage::Key& key, std::string_view kind,
                     std::string_view holder, Millis ttl, std::optional<int64_t> run_out_version) {
  int64_t now = table.clock().NowMillis();
  std::vector<Condition> takeable = {IsFree(SurelyPast(table)), OursButLapsed(holder, now)};
  if (run_out_version) takeable.push_back(Condition::Compare(Attr::kVersion, CompareOp::kEq, *run_out_version));
  int64_t deadline = now + ttl.count();
  auto taken = Hold(table, key,
                    {Action::Set(Attr::kKind, std::string(kind)), Action::Set(Attr::kOwner, std::string(holder)),
                     Action::Set(Attr::kDeadline, deadline), Action::Set(Attr::kCount, ttl.count()),
                     Action::Add(Attr::kNumber, 1)},
                    Condition::AnyOf(std::move(takeable)), holder, deadline);
  if (!taken.ok() || taken->done || taken->state.holder != holder) return taken;
  // Already ours: renew the lease and keep the number, so a retried take
  // (say, after a lost reply) does not look like a new holder.
  return Extend(table, key, holder, ttl);
}

Result<Outcome> Extend(const Table& table, const storage::Key& key, std::string_view holder, Millis ttl) {
  int64_t now = table.clock().NowMillis();
  int64_t deadline = now + ttl.count();
  return Hold(table, key, {Action::Set(Attr::kDeadline, deadline), Action::Set(Attr::kCount, ttl.count())},
              HeldBy(holder, now), holder, deadline);
}

Result<Outcome> Release(const Table& table, const storage::Key& key, std::string_view holder) {
  int64_t now = table.clock().NowMillis();
  return Write(table, key, {Action::Remove(Attr::kOwner), Action::Remove(Attr::kDeadline)}, HeldBy(holder, now),
               [&](const State& state) { return state.holder != holder; });
}

Condition HeldWithNumber(int64_t number, int64_t now) {
  return Condition::AllOf({Condition::Equals(Attr::kNumber, number), Condition::AttrExists(Attr::kOwner),
                           Condition::Compare(Attr::kDeadline, CompareOp::kGt, now)});
}

Result<State> Read(const Table& table, const storage::Key& key) {
  auto item = table.engine().Get(table.name(), key);
  if (item.ok()) return StateOf(*item, SurelyPast(table));
  if (item.status().Is(Status::Code::kNotFound)) return State{};
  return item.status();
}

}  // namespace kvstore::lease
