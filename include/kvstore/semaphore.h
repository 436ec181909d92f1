// Counting semaphores: at most `limit` holders at once, each holding a slot
// as a lease (a TTL unless extended), each with a fencing token.
//
// A semaphore is one item listing its live holders, its limit and the last
// token issued, so "never more than `limit` holders" is a property of one
// conditional write (the item as read, changed by one holder) on any store.
// A holder whose lease has run out by every clock sharing the store (more
// than the table's max_clock_skew past its deadline) holds nothing: a
// crashed holder's slot frees at its TTL. Tokens grow by one with every new
// holder, across the semaphore's whole life, so a resource can refuse a
// holder whose slot has silently passed.
//
// The limit is the semaphore's: callers that give another limit while any
// slot is held get InvalidArgument naming both, and nothing changes; once
// no slot is held, the next acquire sets the limit anew.
//
// Safe from many threads and processes at once; writes that race retry from
// a fresh read. Semaphore names and owners are 1 to 512 bytes of UTF-8;
// names do not clash with locks or keys. Limits are 1 to kMaxSemaphoreLimit.
// Errors common to all calls: InvalidArgument, UnknownTable, IoError.
#ifndef KVSTORE_SEMAPHORE_H_
#define KVSTORE_SEMAPHORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/lease_keeper.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

inline constexpr Millis kDefaultSemaphoreTtl{30'000};
// Every holder is listed in one item, which DynamoDB caps at 400 KB: 500
// owners of the longest name fit.
inline constexpr int64_t kMaxSemaphoreLimit = 500;

struct SemaphoreHolder {
  std::string owner;
  int64_t token = 0;
  int64_t expires_at_ms = 0;  // when this holder's lease ends
};

struct SemaphoreInfo {
  std::string name;
  int64_t limit = 0;                     // 0: no slot held and no limit set yet
  std::vector<SemaphoreHolder> holders;  // live holders, oldest token first
  int64_t last_token = 0;                // the last token issued (0: never)
  // Slots free now (limit - holders); for a semaphore with no limit set, 1.
  int64_t Free() const { return limit == 0 ? 1 : limit - static_cast<int64_t>(holders.size()); }
};

struct SemaphoreAcquireOptions {
  // How many holders the semaphore allows at once (1..kMaxSemaphoreLimit).
  // Required: no default.
  int64_t limit = 0;
  // How long the slot's lease lasts unless extended. Default 30 s.
  Millis ttl = kDefaultSemaphoreTtl;
  // How long to keep trying while every slot is held. Default 0: answer at
  // once. Waiters wake when the store changes (embedded) or back off.
  Millis wait = Millis(0);
};

struct SemaphoreAcquireResult {
  bool acquired = false;   // true: `owner` holds a slot, `token` is its token
  int64_t token = 0;
  int64_t expires_at_ms = 0;
  SemaphoreInfo semaphore;  // as it is after the call (who holds it when full)
};

class Semaphores {
 public:
  explicit Semaphores(Table table) : table_(std::move(table)) {}

  // Takes a free slot (a new token), or renews the slot `owner` already
  // holds (same token). acquired = false when every slot stays held for
  // options.wait; InvalidArgument when options.limit disagrees with the
  // limit of a semaphore whose slots are held.
  Result<SemaphoreAcquireResult> Acquire(std::string_view name, std::string_view owner,
                                         const SemaphoreAcquireOptions& options);

  // Gives `owner`'s slot up. ConditionFailed when `owner` holds no slot
  // (never did, released it, or its lease ran out); nothing changes then.
  Status Release(std::string_view name, std::string_view owner);

  // Restarts `owner`'s lease with `ttl` from now; returns its holder entry.
  // ConditionFailed when `owner` holds no slot: a run-out slot cannot be
  // extended (acquire again, for a new token).
  Result<SemaphoreHolder> Extend(std::string_view name, std::string_view owner, Millis ttl = kDefaultSemaphoreTtl);

  // The live holders and the limit. Read-only.
  Result<SemaphoreInfo> Check(std::string_view name);

  // Acquires a slot (as Acquire) and keeps it renewed on a thread of its own
  // until the keeper is destroyed or released (lease_keeper.h).
  // ConditionFailed when no slot is free within options.wait.
  Result<std::unique_ptr<LeaseKeeper>> Hold(std::string_view name, std::string_view owner,
                                            const SemaphoreAcquireOptions& options, LeaseKeeperOptions keep = {});

  // The slot `owner` holds, for a LeaseKeeper to adopt: Renew is Extend,
  // Release is Release.
  std::unique_ptr<RenewableLease> HeldSlot(std::string_view name, std::string_view owner) const;

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_SEMAPHORE_H_
