// LeaseKeeper: keeps a lease alive while its holder works, the way
// `kvstore lock-run`, etcd's sessions and consul's lock do. A lease (a lock
// now; semaphore slots and leadership implement the same interface) lasts a
// TTL unless renewed; the keeper renews it on its own thread every TTL/3,
// tells its owner at once when the lease is lost, and releases it when the
// keeper is destroyed.
//
//   auto kept = kvstore::Locks(table).Hold("deploy", "me", {.ttl = 30s});
//   if (!kept.ok()) ... (ConditionFailed: held by someone else) ...
//   ... work, passing (*kept)->token() to whatever the lock protects,
//       and stopping when (*kept)->lost() ...
//   // the lock is released when *kept goes out of scope
//
// Losing a lease: a renewal the store refuses (another holder took the lease
// after it ran out, or someone released it) loses it at once. A store that
// fails or does not answer is tried again until the lease would have run
// out, counted on the steady clock from the moment the last successful
// renewal was *sent*: a hung request or a wall clock being set cannot stretch
// the lease past what the store granted. Once lost, the keeper stops renewing
// and calls `on_lost` once; a holder must then stop acting on the lease, as
// someone else may hold it.
//
// Thread safety: lost(), lost_reason(), token() and Release() may be called
// from any thread while the keeper renews. `on_lost` runs on the keeper's
// thread; it may call Release() but must not destroy the keeper. The Store
// the lease's table came from must outlive the keeper.
#ifndef KVSTORE_LEASE_KEEPER_H_
#define KVSTORE_LEASE_KEEPER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "kvstore/clock.h"
#include "kvstore/status.h"

namespace kvstore {

// A lease its holder can renew and give up: what a LeaseKeeper keeps.
// Implementations: Locks::HeldLease (lock.h).
class RenewableLease {
 public:
  virtual ~RenewableLease() = default;
  // Restarts the lease for `ttl` from now. ConditionFailed when the holder
  // no longer holds it (lost); IoError when the store failed.
  virtual Status Renew(Millis ttl) = 0;
  // Gives the lease up. ConditionFailed when the holder no longer held it.
  virtual Status Release() = 0;
};

struct LeaseKeeperOptions {
  // The length of each renewal. Default 30 s.
  Millis ttl{30'000};
  // How often to renew. Default (0): a third of the TTL, so two renewals in
  // a row may fail before the lease runs out.
  Millis renew_every{0};
  // Called once, on the keeper's thread, when the lease is lost, with the
  // reason. Default: nothing (poll lost()).
  std::function<void(const Status& why)> on_lost{};
};

class LeaseKeeper {
 public:
  // Keeps `lease`, which the caller holds now until `expires_at_ms` (the
  // store's deadline, wall clock) with fencing token `token`. Starts
  // renewing at once. `clock` must outlive the keeper.
  LeaseKeeper(std::unique_ptr<RenewableLease> lease, int64_t expires_at_ms, int64_t token, const Clock& clock,
              LeaseKeeperOptions options = {});
  // Stops renewing and releases the lease (errors ignored: call Release()
  // first to see them).
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // The fencing token the lease was taken with.
  int64_t token() const { return token_; }
  // True once the lease is lost; then lost_reason() says why.
  bool lost() const;
  Status lost_reason() const;

  // Stops renewing and gives the lease up. Ok also when it was given up
  // before. Once the lease was lost: lost_reason() (ConditionFailed, or
  // IoError when the store stopped answering), however often it is called.
  // IoError when the release itself failed (the lease then runs out at its
  // TTL).
  Status Release();

 private:
  class Renewer;  // the renewal thread and what it shares with the caller
  std::unique_ptr<Renewer> renewer_;
  const int64_t token_;
};

}  // namespace kvstore

#endif  // KVSTORE_LEASE_KEEPER_H_
