// Leader election: a lease per group (lease.h); the lease number is the term.
#include "kvstore/leader.h"

#include "primitives/layout.h"
#include "primitives/lease.h"
#include "storage/limits.h"

namespace kvstore {
namespace {

LeaderInfo InfoOf(std::string_view group, const lease::State& state) {
  LeaderInfo info;
  info.group = std::string(group);
  info.leader = state.holder;
  info.term = state.number;
  if (state.holder) info.expires_at_ms = state.expires_at_ms;
  return info;
}

Status Validate(std::string_view group, std::string_view candidate) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("group name", group));
  return storage::ValidateName("candidate", candidate);
}

Status NotLeader(std::string_view group, std::string_view candidate, const lease::State& state) {
  std::string who = state.holder ? "the leader is " + Quote(*state.holder) : "it has no leader";
  return Status::ConditionFailed(Quote(candidate) + " is not the leader of group " + Quote(group) +
                                 "; " + who);
}

}  // namespace

Result<CampaignResult> Elections::Campaign(std::string_view group, std::string_view candidate, Millis ttl) {
  KVSTORE_RETURN_IF_ERROR(Validate(group, candidate));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", ttl));
  auto taken = lease::Take(table_, layout::LeaderKey(group), layout::kKindLeader, candidate, ttl);
  if (!taken.ok()) return taken.status();
  return CampaignResult{.elected = taken->done, .group = InfoOf(group, taken->state)};
}

Result<LeaderInfo> Elections::Heartbeat(std::string_view group, std::string_view candidate, Millis ttl) {
  KVSTORE_RETURN_IF_ERROR(Validate(group, candidate));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", ttl));
  auto extended = lease::Extend(table_, layout::LeaderKey(group), candidate, ttl);
  if (!extended.ok()) return extended.status();
  if (!extended->done) return NotLeader(group, candidate, extended->state);
  return InfoOf(group, extended->state);
}

Status Elections::Resign(std::string_view group, std::string_view candidate) {
  KVSTORE_RETURN_IF_ERROR(Validate(group, candidate));
  auto released = lease::Release(table_, layout::LeaderKey(group), candidate);
  if (!released.ok()) return released.status();
  return released->done ? Status::Ok() : NotLeader(group, candidate, released->state);
}

Result<LeaderInfo> Elections::Check(std::string_view group) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("group name", group));
  auto state = lease::Read(table_, layout::LeaderKey(group));
  if (!state.ok()) return state.status();
  return InfoOf(group, *state);
}

}  // namespace kvstore
