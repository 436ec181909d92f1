// Retrying, written down once: which layer retries what, how long it pauses,
// and what it must never send twice. ARCHITECTURE.md ("Retries") says the
// same in prose. Each layer retries only what it alone can judge, so one
// failure is never retried at two layers on top of each other:
//
// 1. A request (storage/dynamodb/dynamo_client.cc, kRequestRetry, at most
//    kRequestAttempts tries; kThrottleRetry and kThrottledAttempts when
//    throttled): throttling,
//    5xx answers, refused or dropped connections. A request that may have reached DynamoDB (sent, then no
//    answer or a 500) is sent again only when repeating it is harmless:
//    reads, BatchWriteItem, conditional deletes, and TransactWriteItems
//    (its ClientRequestToken makes a repeat a no-op). An UpdateItem is not
//    (`inc` would count twice): the call fails with "may or may not have
//    been applied", and lease writes settle that by reading the lease back
//    (primitives/lease.cc). The socket transport itself never resends.
// 2. An engine round (storage/dynamodb/dynamodb_engine.cc, kEngineRound):
//    what DynamoDB answered but did not finish -- unprocessed batch items,
//    a transaction cancelled for a conflict or throttling -- and writes that
//    met an expired item the engine first removes. Bounded rounds.
// 3. The SQLite write lock (storage/sqlite/sqlite_db.cc, OnBusy): another
//    process holds it; short sleeps (20 us up to 1 ms) for up to 10 s. Not a
//    backoff: a lock is held for microseconds, and a longer sleep is idle time.
// 4. A conflict (primitives/retry.h, RetryOnConflict, kConflictRetry): an
//    optimistic read-then-write whose condition failed because another
//    writer got there first (sets, lists, transactions, queue delivery).
//    kConflictImmediateRetries immediate tries, then pauses, for up to 10 s.
// 5. A wait (primitives/backoff.h, Backoff, kWaitPoll): --wait loops polling
//    for a lock, a message or a slot, woken early by the store's ChangeWatch
//    where it has one. Not a failure at all: the caller asked to wait.
//
// Every pause is jittered the same way (JitteredPause): uniformly between
// half and one and a half of the current step, so contenders spread out and
// no pause is so short that it meets the same throttle again at once.
#ifndef KVSTORE_UTIL_RETRY_POLICY_H_
#define KVSTORE_UTIL_RETRY_POLICY_H_

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "util/random.h"

namespace kvstore {

struct BackoffSchedule {
  std::chrono::milliseconds first;  // the step before the first retry
  std::chrono::milliseconds cap;    // steps double up to this
};

inline constexpr BackoffSchedule kRequestRetry{std::chrono::milliseconds(50), std::chrono::milliseconds(2'000)};
inline constexpr int kRequestAttempts = 6;
// A throttled request pauses less between tries (at most 0.5 s, not 2 s) and
// tries for longer (~24 s of pauses, as AWS's SDKs do for DynamoDB). The low
// cap is for fairness: callers share a hot partition's capacity in
// proportion to how often they try, so with 2 s steps a caller that had
// waited long lost nearly every try to fresh ones, and with 32 callers on
// one item some starved past any budget (bench/scale.py, docs/scale.md).
inline constexpr BackoffSchedule kThrottleRetry{std::chrono::milliseconds(50), std::chrono::milliseconds(500)};
inline constexpr int kThrottledAttempts = 50;
inline constexpr BackoffSchedule kEngineRound{std::chrono::milliseconds(20), std::chrono::milliseconds(1'000)};
inline constexpr int kEngineRounds = 20;
inline constexpr BackoffSchedule kConflictRetry{std::chrono::milliseconds(2), std::chrono::milliseconds(50)};
// A lost race means the other writer has already committed, so a fresh read
// usually wins at once: pausing (a millisecond at least) on the embedded
// store, where a queue pop takes ~70 us, would idle contending poppers.
// Pauses start only when races keep being lost.
inline constexpr int kConflictImmediateRetries = 10;
inline constexpr BackoffSchedule kWaitPoll{std::chrono::milliseconds(2), std::chrono::milliseconds(50)};

// The step before retry number `retry` (0 for the first retry).
inline std::chrono::milliseconds BackoffStep(const BackoffSchedule& schedule, int retry) {
  int64_t step = schedule.first.count();
  for (int i = 0; i < retry && step < schedule.cap.count(); ++i) step *= 2;
  return std::chrono::milliseconds(std::min(step, static_cast<int64_t>(schedule.cap.count())));
}

// A pause of about `step`: uniformly within [step/2, 3*step/2], at least 1 ms.
inline std::chrono::milliseconds JitteredPause(std::chrono::milliseconds step) {
  int64_t s = std::max<int64_t>(step.count(), 1);
  int64_t pause = s / 2 + static_cast<int64_t>(RandomU64() % static_cast<uint64_t>(s + 1));
  return std::chrono::milliseconds(std::max<int64_t>(pause, 1));
}

// How long to pause before retry number `retry` (0 for the first): the
// schedule's step, jittered. What every layer sleeps.
inline std::chrono::milliseconds RetryPause(const BackoffSchedule& schedule, int retry) {
  return JitteredPause(BackoffStep(schedule, retry));
}

}  // namespace kvstore

#endif  // KVSTORE_UTIL_RETRY_POLICY_H_
