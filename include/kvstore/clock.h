// Clock: the one source of "now" for everything that depends on time (TTL,
// leases, visibility). Tests inject a ManualClock and move time by hand
// instead of sleeping.
#ifndef KVSTORE_CLOCK_H_
#define KVSTORE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace kvstore {

using Millis = std::chrono::milliseconds;
// A moment on the monotonic clock by which a call must be done (Store::SetDeadline).
using Deadline = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Must be safe to call from any thread.
  virtual int64_t NowMillis() const = 0;
  // Milliseconds on a clock that never jumps (only differences mean
  // anything): how a lease waiter times what it has watched, immune to the
  // wall clock being set.
  virtual int64_t ElapsedMillis() const = 0;
  // Waits this long (used by --wait loops). A ManualClock advances itself
  // instead, so waiting logic runs instantly in tests.
  virtual void SleepFor(Millis duration) const = 0;
  // Whether SleepFor really waits. True for real clocks: a waiter may then
  // wake early when the store changes. A ManualClock only simulates waiting,
  // so waiters must sleep on it alone.
  virtual bool WaitsInRealTime() const { return true; }
};

// Wall-clock time (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override;
  int64_t ElapsedMillis() const override;
  void SleepFor(Millis duration) const override;
  // A process-wide instance.
  static std::shared_ptr<Clock> Shared();
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_millis = 1'700'000'000'000) : now_(start_millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  int64_t ElapsedMillis() const override { return now_.load(); }
  void SleepFor(Millis duration) const override { now_ += duration.count(); }
  bool WaitsInRealTime() const override { return false; }
  void Advance(Millis by) { now_ += by.count(); }
  void Set(int64_t millis) { now_ = millis; }

 private:
  mutable std::atomic<int64_t> now_;
};

}  // namespace kvstore

#endif  // KVSTORE_CLOCK_H_
