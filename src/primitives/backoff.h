// Waiting with capped exponential backoff and jitter, on a Clock (a
// ManualClock makes it instant in tests), woken early by the store's
// ChangeWatch where it has one. Used by every --wait loop (layer 5 of
// util/retry_policy.h) and between conflict retries (layer 4).
#ifndef KVSTORE_PRIMITIVES_BACKOFF_H_
#define KVSTORE_PRIMITIVES_BACKOFF_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "kvstore/clock.h"
#include "kvstore/store.h"
#include "storage/engine.h"
#include "util/retry_policy.h"

namespace kvstore {

class Backoff {
 public:
  // Gives up `wait` from now. Pauses (kWaitPoll) start near 2 ms and double up to 50 ms:
  // the cap keeps a waiter from sleeping through a change it cannot be told
  // of (a lease running out) for long. On a store that reports writes, a
  // pause also ends as soon as another process writes, so a waiter takes a
  // released lock or a pushed message at once.
  Backoff(const Table& table, Millis wait)
      : clock_(table.clock()),
        schedule_(kWaitPoll),
        give_up_at_(clock_.NowMillis() + wait.count()),
        engine_(wait.count() > 0 && clock_.WaitsInRealTime() ? &table.engine() : nullptr) {}

  // Sleeps on the clock alone (retrying after a conflict, which needs no
  // wake-up: the conflicting write has already happened).
  Backoff(const Clock& clock, Millis wait, const BackoffSchedule& schedule)
      : clock_(clock), schedule_(schedule), give_up_at_(clock.NowMillis() + wait.count()) {}

  // Sleeps before the next try; false (without sleeping) once time is up.
  bool Pause() {
    int64_t left = give_up_at_ - clock_.NowMillis();
    if (left <= 0) return false;
    if (engine_) {
      // The watch is made on the first pause, not before the first try: most
      // waits never pause, and a watch costs a waiter ~15 ms at exit (closing
      // an inotify instance waits for the kernel's SRCU grace period). A
      // write between the try and the watch is caught by trying once more,
      // at once.
      watch_ = std::exchange(engine_, nullptr)->WatchChanges();
      if (watch_) return true;
    }
    Millis pause(std::min(left, RetryPause(schedule_, pauses_++).count()));
    if (watch_) {
      watch_->Wait(pause);
    } else {
      clock_.SleepFor(pause);
    }
    return true;
  }

 private:
  const Clock& clock_;
  const BackoffSchedule schedule_;
  int64_t give_up_at_;
  storage::Engine* engine_ = nullptr;  // to make watch_ from, until the first pause
  std::unique_ptr<storage::ChangeWatch> watch_{};
  int pauses_ = 0;
};

}  // namespace kvstore

#endif  // KVSTORE_PRIMITIVES_BACKOFF_H_
