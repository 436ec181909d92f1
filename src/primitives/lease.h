// A lease: one item that at most one holder owns until a deadline, with a
// number that grows by one every time the lease changes hands. Locks (token)
// and leader election (term) are both leases; each adds its own words.
//
// Layout: partition `partition`, sort key = the name; owner = holder,
// deadline = lease end (ms), number = last token issued. Releasing removes the
// owner but keeps the item, so the number never goes back. The item never
// expires.
#ifndef KVSTORE_PRIMITIVES_LEASE_H_
#define KVSTORE_PRIMITIVES_LEASE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "kvstore/store.h"
#include "storage/engine.h"

namespace kvstore::lease {

struct State {
  std::optional<std::string> holder;  // empty when free (never taken, released or expired)
  int64_t number = 0;                 // the last token/term issued; 0 if never taken
  int64_t expires_at_ms = 0;          // when the holder's lease ends (0 when free)
};

struct Outcome {
  bool done = false;  // the lease was taken / extended / released
  State state;        // the lease as it is now (after the write, or as found)
};

// One conditional write: take a free or expired lease (number + 1), or extend
// it with the same number if `holder` already holds it.
Result<Outcome> Take(const Table& table, const storage::Key& key, std::string_view kind,
                     std::string_view holder, Millis ttl);
// Extends the lease if `holder` holds it now.
Result<Outcome> Extend(const Table& table, const storage::Key& key, std::string_view holder, Millis ttl);
// Gives up the lease if `holder` holds it now; the number is kept.
Result<Outcome> Release(const Table& table, const storage::Key& key, std::string_view holder);
// The lease as it is now.
Result<State> Read(const Table& table, const storage::Key& key);

}  // namespace kvstore::lease

#endif  // KVSTORE_PRIMITIVES_LEASE_H_
