// Locks: a lease per lock name (lease.h), plus waiting with capped backoff.
#include "kvstore/lock.h"

#include "primitives/backoff.h"
#include "primitives/layout.h"
#include "primitives/lease.h"
#include "storage/limits.h"

namespace kvstore {
namespace {

LockInfo InfoOf(std::string_view name, const lease::State& state) {
  LockInfo info;
  info.name = std::string(name);
  info.held = state.holder.has_value();
  info.owner = state.holder.value_or("");
  info.token = state.number;
  if (info.held) info.expires_at_ms = state.expires_at_ms;
  return info;
}

Status Validate(std::string_view name, std::string_view owner) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("lock name", name));
  return storage::ValidateName("owner", owner);
}

Status NotHeldBy(std::string_view name, std::string_view owner, const lease::State& state) {
  std::string who = state.holder ? "it is held by " + Quote(*state.holder) : "it is not held";
  return Status::ConditionFailed("lock " + Quote(name) + " is not held by " + Quote(owner) +
                                 "; " + who);
}

}  // namespace

Result<AcquireResult> Locks::Acquire(std::string_view name, std::string_view owner, const AcquireOptions& options) {
  KVSTORE_RETURN_IF_ERROR(Validate(name, owner));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", options.ttl));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateWait("wait", options.wait));
  Backoff backoff(table_, options.wait);
  lease::ExpiryWatch watch(table_.clock());
  while (true) {
    auto taken =
        lease::Take(table_, layout::LockKey(name), layout::kKindLock, owner, options.ttl, watch.RunOutVersion());
    if (!taken.ok()) return taken.status();
    if (!taken->done) watch.Saw(taken->state);
    if (taken->done || !backoff.Pause()) {
      return AcquireResult{.acquired = taken->done, .lock = InfoOf(name, taken->state)};
    }
  }
}

Status Locks::Release(std::string_view name, std::string_view owner) {
  KVSTORE_RETURN_IF_ERROR(Validate(name, owner));
  auto released = lease::Release(table_, layout::LockKey(name), owner);
  if (!released.ok()) return released.status();
  return released->done ? Status::Ok() : NotHeldBy(name, owner, released->state);
}

Result<LockInfo> Locks::Extend(std::string_view name, std::string_view owner, Millis ttl) {
  KVSTORE_RETURN_IF_ERROR(Validate(name, owner));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", ttl));
  auto extended = lease::Extend(table_, layout::LockKey(name), owner, ttl);
  if (!extended.ok()) return extended.status();
  if (!extended->done) return NotHeldBy(name, owner, extended->state);
  return InfoOf(name, extended->state);
}

Result<LockInfo> Locks::Check(std::string_view name) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("lock name", name));
  auto state = lease::Read(table_, layout::LockKey(name));
  if (!state.ok()) return state.status();
  return InfoOf(name, *state);
}

std::unique_ptr<RenewableLease> Locks::HeldLease(std::string_view name, std::string_view owner) const {
  return std::make_unique<lease::HeldByOwner<Locks>>(table_, name, owner);
}

Result<std::unique_ptr<LeaseKeeper>> Locks::Hold(std::string_view name, std::string_view owner,
                                                 const AcquireOptions& options, LeaseKeeperOptions keep) {
  auto acquired = Acquire(name, owner, options);
  if (!acquired.ok()) return acquired.status();
  if (!acquired->acquired) {
    return Status::ConditionFailed("lock " + Quote(name) + " is held by " + Quote(acquired->lock.owner));
  }
  keep.ttl = options.ttl;
  return std::make_unique<LeaseKeeper>(HeldLease(name, owner), acquired->lock.expires_at_ms.value_or(0),
                                       acquired->lock.token, table_.clock(), std::move(keep));
}

}  // namespace kvstore
