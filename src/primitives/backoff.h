// Waiting with capped exponential backoff and jitter, on a Clock (a
// ManualClock makes it instant in tests), woken early by the store's
// ChangeWatch where it has one. Used by every --wait loop.
#ifndef KVSTORE_PRIMITIVES_BACKOFF_H_
#define KVSTORE_PRIMITIVES_BACKOFF_H_

#include <algorithm>
#include <cstdint>
#include <memory>

#include "kvstore/clock.h"
#include "kvstore/store.h"
#include "storage/engine.h"
#include "util/random.h"

namespace kvstore {

class Backoff {
 public:
  // Gives up `wait` from now. Pauses start near 2 ms and double up to 50 ms:
  // the cap keeps a waiter from sleeping through a change it cannot be told
  // of (a lease running out) for long. On a store that reports writes, a
  // pause also ends as soon as another process writes, so a waiter takes a
  // released lock or a pushed message at once.
  Backoff(const Table& table, Millis wait)
      : clock_(table.clock()),
        give_up_at_(clock_.NowMillis() + wait.count()),
        watch_(wait.count() > 0 && clock_.WaitsInRealTime() ? table.engine().WatchChanges() : nullptr) {}

  // Sleeps on the clock alone (retrying after a conflict, which needs no
  // wake-up: the conflicting write has already happened).
  Backoff(const Clock& clock, Millis wait) : clock_(clock), give_up_at_(clock.NowMillis() + wait.count()) {}

  // Sleeps before the next try; false (without sleeping) once time is up.
  bool Pause() {
    int64_t left = give_up_at_ - clock_.NowMillis();
    if (left <= 0) return false;
    // Jitter (half to one and a half of the step) spreads waiters out.
    int64_t step = next_.count();
    int64_t jittered = step / 2 + static_cast<int64_t>(RandomU64() % static_cast<uint64_t>(step + 1));
    Millis pause(std::max<int64_t>(std::min(left, jittered), 1));
    if (watch_) {
      watch_->Wait(pause);
    } else {
      clock_.SleepFor(pause);
    }
    next_ = std::min(next_ * 2, kMax);
    return true;
  }

 private:
  static constexpr Millis kFirst{2};
  static constexpr Millis kMax{50};

  const Clock& clock_;
  int64_t give_up_at_;
  std::unique_ptr<storage::ChangeWatch> watch_{};
  Millis next_ = kFirst;
};

}  // namespace kvstore

#endif  // KVSTORE_PRIMITIVES_BACKOFF_H_
