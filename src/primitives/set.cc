// Sets: members are the sort keys of the set's partition; the header item
// counts them. Adding is one transaction (PlanSetChange): put each new member
// on condition it does not exist, check that the others are still there, add
// the number put to the header. If another writer got there first the
// transaction fails whole and is retried from a fresh read.
#include "kvstore/set.h"

#include <algorithm>
#include <optional>
#include <set>

#include "primitives/layout.h"
#include "primitives/retry.h"
#include "primitives/write_plans.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {

using storage::Action;
using storage::Attr;
using storage::Condition;
using storage::WriteOp;

namespace {

Status Validate(std::string_view set, const std::vector<std::string>& members) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("set name", set));
  if (members.empty()) return Status::InvalidArgument("give at least one member");
  for (const std::string& m : members) KVSTORE_RETURN_IF_ERROR(storage::ValidateName("member", m));
  return Status::Ok();
}

std::vector<std::string> Distinct(const std::vector<std::string>& members) {
  std::set<std::string> unique(members.begin(), members.end());
  return {unique.begin(), unique.end()};
}

// Adds or removes one chunk of distinct members atomically; returns how many
// changed.
Result<size_t> ChangeChunk(const Table& table, std::string_view set, const std::vector<std::string>& chunk,
                           SetChange change, std::optional<Millis> ttl) {
  return RetryOnConflict<size_t>(table.clock(), [&] { return "changing set " + Quote(set); }, [&]() -> Result<std::optional<size_t>> {
    // An add reads the header too, for the expiry new members copy.
    const bool add = change == SetChange::kAdd;
    std::vector<storage::Key> keys;
    if (add) keys.push_back(layout::SetHeaderKey(set));
    for (const std::string& m : chunk) keys.push_back(layout::SetMemberKey(set, m));
    auto read = table.engine().BatchGet(table.name(), keys);
    if (!read.ok()) return read.status();
    std::vector<bool> present;
    for (size_t i = add ? 1 : 0; i < read->size(); ++i) present.push_back((*read)[i].has_value());
    std::optional<int64_t> expires_at;
    if (ttl) expires_at = table.clock().NowMillis() + ttl->count();
    WritePlan plan = PlanSetChange(set, add ? (*read)[0] : std::nullopt, chunk, present, change, expires_at);
    if (plan.result == 0) return std::optional<size_t>(0);  // nothing to change: no write at all
    auto done = table.engine().Transact(table.name(), plan.writes);
    if (!done.ok()) return done.status();
    if (!done->applied) return std::optional<size_t>();  // someone else changed a member: read again
    return std::optional<size_t>(static_cast<size_t>(plan.result));
  });
}

Result<size_t> Change(const Table& table, std::string_view set, const std::vector<std::string>& members,
                      SetChange change, std::optional<Millis> ttl = std::nullopt) {
  KVSTORE_RETURN_IF_ERROR(Validate(set, members));
  if (ttl) KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", *ttl));
  std::vector<std::string> distinct = Distinct(members);
  size_t changed = 0;
  for (size_t start = 0; start < distinct.size(); start += kMaxAtomicValues) {
    std::vector<std::string> chunk(distinct.begin() + start,
                                   distinct.begin() + std::min(distinct.size(), start + kMaxAtomicValues));
    auto n = ChangeChunk(table, set, chunk, change, ttl);
    if (!n.ok()) return n.status();
    changed += *n;
  }
  return changed;
}

}  // namespace

WritePlan PlanSetChange(std::string_view set, const std::optional<storage::Item>& header,
                        const std::vector<std::string>& members, const std::vector<bool>& present, SetChange change,
                        std::optional<int64_t> new_set_expires_at) {
  const bool add = change == SetChange::kAdd;
  std::optional<int64_t> expires_at = PartsExpiry(header, new_set_expires_at);
  WritePlan plan;
  for (size_t i = 0; i < members.size(); ++i) {
    storage::Key key = layout::SetMemberKey(set, members[i]);
    if (add && !present[i]) {
      storage::Item member;
      member.key = std::move(key);
      member.kind = std::string(layout::kKindMember);
      member.expires_at = expires_at;
      plan.writes.push_back(WriteOp::Put(std::move(member), Condition::NotExists()));
      ++plan.result;
    } else if (!add && present[i]) {
      plan.writes.push_back(WriteOp::Delete(std::move(key), Condition::Exists()));
      ++plan.result;
    } else {
      // Unchanged, but only while it stays as read: else the count is wrong.
      plan.writes.push_back(WriteOp::Check(std::move(key), present[i] ? Condition::Exists() : Condition::NotExists()));
    }
  }
  // The members' expiry is the header's only while the header keeps the
  // expiry it was read with (an expire between read and commit: read again).
  // (A removal adds no member: it needs neither.)
  std::vector<Action> actions = {Action::Set(Attr::kKind, std::string(layout::kKindSet)),
                                 Action::Add(Attr::kNumber, add ? plan.result : -plan.result)};
  Condition same_expiry;
  if (add) {
    if (!header && expires_at) actions.push_back(Action::Set(Attr::kExpiresAt, *expires_at));
    same_expiry = header && header->expires_at ? Condition::Equals(Attr::kExpiresAt, *header->expires_at)
                                               : Condition::AttrNotExists(Attr::kExpiresAt);
  }
  plan.writes.push_back(WriteOp::Update(layout::SetHeaderKey(set), std::move(actions), std::move(same_expiry)));
  return plan;
}

Result<size_t> Sets::Add(std::string_view set, const std::vector<std::string>& members, const AddMembersOptions& options) {
  return Change(table_, set, members, SetChange::kAdd, options.ttl);
}

Result<size_t> Sets::Remove(std::string_view set, const std::vector<std::string>& members) {
  return Change(table_, set, members, SetChange::kRemove);
}

Status Sets::Contains(std::string_view set, std::string_view member) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("set name", set));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("member", member));
  auto item = table_.engine().Get(table_.name(), layout::SetMemberKey(set, member));
  if (item.ok()) return Status::Ok();
  if (item.status().Is(Status::Code::kNotFound)) {
    return Status::NotFound(Quote(member) + " is not a member of set " + Quote(set));
  }
  return item.status();
}

Result<std::vector<std::string>> Sets::Members(std::string_view set) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("set name", set));
  std::vector<std::string> members;
  storage::QueryRequest request{.partition = layout::SetPartition(set), .limit = 1000};
  while (true) {
    auto page = table_.engine().Query(table_.name(), request);
    if (!page.ok()) return page.status();
    for (const storage::Item& item : page->items) members.push_back(item.key.sort);
    if (!page->continue_from) return members;
    request.after = page->continue_from;
  }
}

Result<size_t> Sets::Count(std::string_view set) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("set name", set));
  auto header = table_.engine().Get(table_.name(), layout::SetHeaderKey(set));
  if (header.ok()) return static_cast<size_t>(std::max<int64_t>(header->number.value_or(0), 0));
  if (header.status().Is(Status::Code::kNotFound)) return size_t{0};
  return header.status();
}

}  // namespace kvstore
