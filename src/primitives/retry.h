// Optimistic concurrency: read, then write on the condition that what was
// read is unchanged; on a conflict, read again. Used where one operation
// spans several items (sets, lists, transactions) and where poppers race for
// one message (queue delivery). Layer 4 of util/retry_policy.h.
#ifndef KVSTORE_PRIMITIVES_RETRY_H_
#define KVSTORE_PRIMITIVES_RETRY_H_

#include <optional>
#include <string>

#include "kvstore/status.h"
#include "primitives/backoff.h"

namespace kvstore {

// Runs attempt() until it returns a value (done) or an error. An empty
// optional means "lost a race, try again": the first kConflictImmediateRetries
// are immediate, later ones back off; after 10 s of pauses the store is too
// contended, and describe() ("changing set 's'") names what gave up. Nothing
// is built or timed until a race is lost: this runs on every pop and sadd.
template <typename T, typename Describe, typename Attempt>
Result<T> RetryOnConflict(const Clock& clock, Describe describe, Attempt attempt) {
  std::optional<Backoff> backoff;
  for (int tries = 0;; ++tries) {
    Result<std::optional<T>> result = attempt();
    if (!result.ok()) return result.status();
    if (*result) return std::move(**result);
    if (tries < kConflictImmediateRetries) continue;
    if (!backoff) backoff.emplace(clock, Millis(10'000), kConflictRetry);
    if (!backoff->Pause()) {
      return Status::IoError(describe() + " kept conflicting with other writers for 10 s; try again");
    }
  }
}

}  // namespace kvstore

#endif  // KVSTORE_PRIMITIVES_RETRY_H_
