// A lease: one item that at most one holder owns until a deadline, with a
// number that grows by one every time the lease changes hands. Locks (token)
// and leader election (term) are both leases; each adds its own words.
//
// Layout: partition `partition`, sort key = the name; owner = holder,
// deadline = lease end (ms, by the holder's clock), count = the lease's length
// (ms), number = last token issued. Releasing removes the owner but keeps the
// item, so the number never goes back. The item never expires.
//
// When has a lease run out? Two tests, either enough (see ARCHITECTURE.md,
// "Clocks"): by this process's wall clock, once the deadline is more than the
// table's max_clock_skew past; or by observation, once this process has seen
// the item's version stay the same for the lease's whole length, timed on its
// own steady clock -- the holder neither renewed nor released for a full
// lease, whatever anyone's clock says (amazon-dynamodb-lock-client's rule).
#ifndef KVSTORE_PRIMITIVES_LEASE_H_
#define KVSTORE_PRIMITIVES_LEASE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/lease_keeper.h"
#include "kvstore/status.h"
#include "kvstore/store.h"
#include "storage/engine.h"

namespace kvstore::lease {

struct State {
  std::optional<std::string> holder;  // empty when free (never taken, released or expired)
  int64_t number = 0;                 // the last token/term issued; 0 if never taken
  int64_t expires_at_ms = 0;          // when the holder's lease ends (0 when free)
  int64_t version = 0;                // the item's version: changes with every write
  Millis length{0};                   // the holder's lease length (0: unknown)
};

// Watches a lease another process holds, on this process's steady clock, and
// says when it has stayed unchanged for its whole length.
class ExpiryWatch {
 public:
  explicit ExpiryWatch(const Clock& clock) : clock_(clock) {}
  // Records the lease as just read (held by someone else).
  void Saw(const State& state);
  // The version to take the lease over from, once it has run out unchanged.
  std::optional<int64_t> RunOutVersion() const;

 private:
  const Clock& clock_;
  std::optional<int64_t> version_;
  Millis length_{0};
  int64_t first_seen_ = 0;
};

struct Outcome {
  bool done = false;  // the lease was taken / extended / released
  State state;        // the lease as it is now (after the write, or as found)
};

// Take, Extend and Release settle a write whose answer was lost (the engine
// says IoError; on DynamoDB it does not resend such a write) by reading the
// lease back: done if the lease shows the write, else the engine's error.

// One conditional write: take a free or run-out lease (number + 1), or extend
// it with the same number if `holder` already holds it. `run_out_version`
// (from an ExpiryWatch) also lets it take the lease if the item is still at
// that version.
Result<Outcome> Take(const Table& table, const storage::Key& key, std::string_view kind,
                     std::string_view holder, Millis ttl, std::optional<int64_t> run_out_version = {});
// Extends the lease if `holder` holds it now.
Result<Outcome> Extend(const Table& table, const storage::Key& key, std::string_view holder, Millis ttl);
// Gives up the lease if `holder` holds it now; the number is kept.
Result<Outcome> Release(const Table& table, const storage::Key& key, std::string_view holder);
// The lease as it is now.
Result<State> Read(const Table& table, const storage::Key& key);

// A time that has passed on every clock sharing the store: a lease whose
// deadline is at or before it has run out for everyone.
int64_t SurelyPast(const Table& table);

// The lease `owner` holds on `name`, renewed and released through the
// primitive's own Extend and Release (Locks, Semaphores): what their
// HeldLease / HeldSlot hand a LeaseKeeper.
template <typename Primitive>
class HeldByOwner final : public RenewableLease {
 public:
  HeldByOwner(Table table, std::string_view name, std::string_view owner)
      : table_(std::move(table)), name_(name), owner_(owner) {}
  Status Renew(Millis ttl) override { return Primitive(table_).Extend(name_, owner_, ttl).status(); }
  Status Release() override { return Primitive(table_).Release(name_, owner_); }

 private:
  Table table_;
  std::string name_;
  std::string owner_;
};

// "Held, with this number, and not run out by `now`": what a fenced write
// checks (fence.h). Stricter than the holder's own view by the clock skew
// between them, never looser: a write is refused rather than let through late.
storage::Condition HeldWithNumber(int64_t number, int64_t now);

}  // namespace kvstore::lease

#endif  // KVSTORE_PRIMITIVES_LEASE_H_
