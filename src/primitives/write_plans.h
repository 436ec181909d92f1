// Write plans: the item writes one change to a key, a set or a list makes,
// computed from what was read. Each type plans its writes in exactly one
// function, called both by its own command (set.cc, list.cc, kv.cc) and by
// the transaction runner (txn.cc), so that `sadd` and a transaction's sadd
// can never store a set differently.
//
// A plan is only the writes: the caller reads first, commits the writes in
// one Transact (or Put), and retries from a fresh read when a condition
// fails because another writer got there first.
#ifndef KVSTORE_PRIMITIVES_WRITE_PLANS_H_
#define KVSTORE_PRIMITIVES_WRITE_PLANS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/limits.h"
#include "kvstore/list.h"
#include "storage/engine.h"

namespace kvstore {

struct WritePlan {
  std::vector<storage::WriteOp> writes;
  int64_t result = 0;  // what the command reports: members changed, the list's new length
};

// A plain key's item holding `value` (kv.cc: set; txn.cc: set). With a TTL
// it expires `ttl` from the clock's now.
storage::Item PlanValueItem(std::string_view key, std::string value, std::optional<Millis> ttl, const Clock& clock);

enum class SetChange { kAdd, kRemove };

// Adds or removes `members` (distinct, at most kMaxAtomicValues) of `set`,
// whose header was read as `header` (empty: no set yet; a removal need not
// read it); `present[i]` says
// whether members[i] was read present. Every member gets a write (put if
// absent / delete if present) or a check that it is still as read, so the
// number changed (`result`) is exact at commit, and the header counts the
// change. Header last.
//
// Expiry: a set's members carry its header's expires_at, so that they go
// together. New members copy the header's; the header's write is
// conditioned on the expiry it was read with. A set this plan creates gets
// `new_set_expires_at` (ms since the epoch; none: never expires).
WritePlan PlanSetChange(std::string_view set, const std::optional<storage::Item>& header,
                        const std::vector<std::string>& members, const std::vector<bool>& present, SetChange change,
                        std::optional<int64_t> new_set_expires_at = std::nullopt);

// Pushes `values` (at most kMaxAtomicValues) at one end of `list`, whose header
// was read as `header` (empty: no header yet). The header write comes first,
// on condition it is still as read, so two pushers never take one index;
// `result` is the new length. Elements carry the header's expires_at, as set
// members do; a list this plan creates gets `new_list_expires_at`.
WritePlan PlanListPush(std::string_view list, const std::optional<storage::Item>& header, End end,
                       const std::vector<std::string>& values,
                       std::optional<int64_t> new_list_expires_at = std::nullopt);

// "Still as read": the version we saw, or still absent. The condition of
// every read-then-write (optimistic) plan.
inline storage::Condition AsRead(const std::optional<storage::Item>& item) {
  return item ? storage::Condition::Equals(storage::Attr::kVersion, item->version) : storage::Condition::NotExists();
}

// The expiry the parts of a set or list carry: the header's, or for a
// collection not made yet, `for_new`.
inline std::optional<int64_t> PartsExpiry(const std::optional<storage::Item>& header, std::optional<int64_t> for_new) {
  return header ? header->expires_at : for_new;
}

}  // namespace kvstore

#endif  // KVSTORE_PRIMITIVES_WRITE_PLANS_H_
