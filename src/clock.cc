#include "kvstore/clock.h"

#include <thread>

namespace kvstore {

int64_t SystemClock::NowMillis() const {
  using std::chrono::duration_cast;
  return duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t SystemClock::ElapsedMillis() const {
  using std::chrono::duration_cast;
  return duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void SystemClock::SleepFor(Millis duration) const { std::this_thread::sleep_for(duration); }

std::shared_ptr<Clock> SystemClock::Shared() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SystemClock>();
  return clock;
}

}  // namespace kvstore
