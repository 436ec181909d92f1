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
// are immediate, later ones back off; after 10 s of conflicts the store is
// too contended.
template <typename T, typename Attempt>
Result<T> RetryOnConflict(const Clock& clock, const std::string& what, Attempt attempt) {
  Backoff backoff(clock, Millis(10'000), kConflictRetry);
  for (int tries = 0;; ++tries) {
    Result<std::optional<T>> result = attempt();
    if (!result.ok()) return result.status();
    if (*result) return std::move(**result);
    if (tries >= kConflictImmediateRetries && !backoff.Pause()) {
      return Status::IoError(what + " kept conflicting with other writers for 10 s; try again");
    }
  }
}

}  // namespace kvstore

#endif  // KVSTORE_PRIMITIVES_RETRY_H_
