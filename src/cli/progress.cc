#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace kvstore::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(200);

std::string Clock(double seconds) {
  auto total = static_cast<int64_t>(seconds + 0.5);
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(total / 60), static_cast<long long>(total % 60));
  }
  return buf;
}

}  // namespace

Progress::Progress(std::string what, std::string unit, bool wanted)
    : what_(std::move(what)),
      unit_(std::move(unit)),
      enabled_(wanted && isatty(STDERR_FILENO) == 1),
      started_(std::chrono::steady_clock::now()),
      last_drawn_(started_) {}

void Progress::Clear() {
  if (shown_) std::fputs("\r\033[K", stderr);
  shown_ = false;
}

void Progress::Update(int64_t done, double fraction) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_drawn_ < kRedrawEvery) return;
  last_drawn_ = now;
  double elapsed = std::chrono::duration<double>(now - started_).count();
  std::string line = what_ + ": " + std::to_string(done) + " " + unit_;
  if (elapsed > 0) line += ", " + std::to_string(static_cast<int64_t>(done / elapsed)) + "/s";
  if (fraction > 0 && fraction <= 1) line += ", " + Clock(elapsed / fraction - elapsed) + " left";
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  shown_ = true;
}

}  // namespace kvstore::cli
