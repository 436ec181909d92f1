#include "cli/args.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "kvstore/limits.h"

namespace kvstore::cli {
namespace {

std::string Shown(std::string_view text) {
  return text.size() <= 40 ? std::string(text) : std::string(text.substr(0, 40)) + "...";
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<Millis> ParseSeconds(std::string_view flag, std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(std::string(flag) + " '" + Shown(text) + "' " + why);
  };
  if (text.starts_with('-')) return bad("must not be negative");
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  bool has_dot = dot != std::string_view::npos;
  bool digits_ok = has_dot ? (AllDigits(whole) || whole.empty()) && (AllDigits(frac) || frac.empty()) &&
                                 !(whole.empty() && frac.empty())
                           : AllDigits(whole);
  if (!digits_ok) {
    return bad("is not a number of seconds (examples: 30, 0.5)");
  }
  constexpr int64_t kMaxSeconds = kMaxDurationMillis / 1000;
  if (whole.size() > 10) return bad("is too long; the limit is 10 years");
  int64_t seconds = 0;
  if (!whole.empty()) std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (seconds > kMaxSeconds) return bad("is too long; the limit is 10 years");
  int64_t millis = seconds * 1000;
  // Fraction: first three digits are milliseconds; any further non-zero digit rounds up.
  for (size_t i = 0; i < 3; ++i) {
    millis += (i < frac.size() ? frac[i] - '0' : 0) * (i == 0 ? 100 : i == 1 ? 10 : 1);
  }
  if (frac.size() > 3 && frac.substr(3).find_first_not_of('0') != std::string_view::npos) ++millis;
  if (millis > kMaxDurationMillis) return bad("is too long; the limit is 10 years");
  return Millis(millis);
}

Result<std::optional<Millis>> OptionalSeconds(std::string_view flag, std::string_view text) {
  if (text.empty()) return std::optional<Millis>();
  auto parsed = ParseSeconds(flag, text);
  if (!parsed.ok()) return parsed.status();
  return std::optional<Millis>(*parsed);
}

Result<Millis> SecondsOr(std::string_view flag, std::string_view text, Millis fallback) {
  if (text.empty()) return fallback;
  return ParseSeconds(flag, text);
}

Result<int64_t> ParseInt64(std::string_view flag, std::string_view text) {
  int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return Status::InvalidArgument(std::string(flag) + " '" + Shown(text) + "' is not a whole number");
  }
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument(std::string(flag) + " '" + Shown(text) +
                                   "' does not fit in a signed 64-bit integer");
  }
  return value;
}

Result<size_t> ParseCount(std::string_view flag, std::string_view text, size_t max) {
  if (!AllDigits(text)) {
    return Status::InvalidArgument(std::string(flag) + " '" + Shown(text) + "' is not a whole number >= 0");
  }
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value > max) {
    return Status::InvalidArgument(std::string(flag) + " '" + Shown(text) + "' is over the limit of " +
                                   std::to_string(max));
  }
  return value;
}

Result<size_t> CountOr(std::string_view flag, std::string_view text, size_t max, size_t fallback) {
  if (text.empty()) return fallback;
  return ParseCount(flag, text, max);
}

Result<std::string> ValueOrStdin(std::string_view what, const std::string& arg, size_t max_bytes) {
  if (arg != "-") return arg;
  std::string data;
  char buffer[65536];
  while (true) {
    ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::InvalidArgument("cannot read the " + std::string(what) + " from stdin: " +
                                     std::strerror(errno));
    }
    data.append(buffer, static_cast<size_t>(n));
    if (data.size() > max_bytes) {
      return Status::InvalidArgument(std::string(what) + " on stdin is over the limit of " +
                                     std::to_string(max_bytes) + " bytes");
    }
  }
  return data;
}

}  // namespace kvstore::cli
