// Locks: leased mutual exclusion with fencing tokens.
//
// A lock is held by one owner until its lease (TTL) runs out; after that it is
// free for anyone. Every successful acquisition by a new holder returns a
// fencing token strictly greater than every token issued before for that lock
// (across releases and expiries), so a resource can refuse a holder whose
// lease has silently passed. Only the owner can extend or release.
//
// Each call is one atomic conditional write (Acquire may retry while it
// waits), safe from many threads and processes at once. Lock names and owners
// are 1 to 512 bytes of UTF-8. Lock names do not clash with keys.
// Errors common to all calls: InvalidArgument, UnknownTable, IoError.
#ifndef KVSTORE_LOCK_H_
#define KVSTORE_LOCK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/lease_keeper.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

inline constexpr Millis kDefaultLockTtl{30'000};

struct LockInfo {
  std::string name;
  bool held = false;
  std::string owner{};                 // the holder, when held
  int64_t token = 0;                   // the holder's token; when free, the last issued (0: never)
  std::optional<int64_t> expires_at_ms{};  // when the lease ends, when held
};

struct AcquireOptions {
  // How long the lease lasts unless extended. Default 30 s.
  Millis ttl = kDefaultLockTtl;
  // How long to keep trying while another owner holds the lock. Default 0:
  // answer at once. Retries back off from 2 ms to at most 50 ms, with jitter.
  Millis wait = Millis(0);
};

struct AcquireResult {
  bool acquired = false;  // true: `lock` is ours; false: `lock` shows the holder
  LockInfo lock;
};

class Locks {
 public:
  explicit Locks(Table table) : table_(std::move(table)) {}

  // Takes the lock if it is free or its lease has passed (new token), or
  // renews it if `owner` already holds it (same token).
  Result<AcquireResult> Acquire(std::string_view name, std::string_view owner, const AcquireOptions& options = {});

  // Frees the lock. ConditionFailed when `owner` does not hold it (another
  // owner does, it is free, or the lease has passed); nothing changes then.
  Status Release(std::string_view name, std::string_view owner);

  // Restarts the lease with `ttl` from now. ConditionFailed when `owner` does
  // not hold it; an expired lease cannot be extended.
  Result<LockInfo> Extend(std::string_view name, std::string_view owner, Millis ttl = kDefaultLockTtl);

  // Who holds the lock, if anyone. Read-only.
  Result<LockInfo> Check(std::string_view name);

  // Acquires the lock (as Acquire) and keeps it renewed on a thread of its
  // own until the keeper is destroyed or released (lease_keeper.h).
  // ConditionFailed naming the holder when it is not acquired within
  // options.wait; `keep.ttl` is taken from options.ttl.
  Result<std::unique_ptr<LeaseKeeper>> Hold(std::string_view name, std::string_view owner,
                                            const AcquireOptions& options = {}, LeaseKeeperOptions keep = {});

  // The lease `owner` holds on lock `name`, for a LeaseKeeper to adopt:
  // Renew is Extend, Release is Release.
  std::unique_ptr<RenewableLease> HeldLease(std::string_view name, std::string_view owner) const;

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_LOCK_H_
