#include "util/time_text.h"

#include <charconv>

namespace kvstore {
namespace {

// Days from 1970-01-01 to year-month-day (proleptic Gregorian; H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool Number(std::string_view text, size_t at, size_t digits, int64_t* out) {
  if (at + digits > text.size()) return false;
  auto [end, error] = std::from_chars(text.data() + at, text.data() + at + digits, *out);
  return error == std::errc() && end == text.data() + at + digits;
}

}  // namespace

std::optional<int64_t> ParseIso8601(std::string_view text) {
  int64_t year, month, day, hour, minute, second;
  if (!Number(text, 0, 4, &year) || text.size() < 19 || text[4] != '-' || !Number(text, 5, 2, &month) ||
      text[7] != '-' || !Number(text, 8, 2, &day) || (text[10] != 'T' && text[10] != ' ') ||
      !Number(text, 11, 2, &hour) || text[13] != ':' || !Number(text, 14, 2, &minute) || text[16] != ':' ||
      !Number(text, 17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::string_view rest = text.substr(19);
  int64_t millis = 0;
  if (rest.starts_with('.')) {
    size_t digits = 1;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    for (size_t i = 1; i < 4; ++i) millis = millis * 10 + (i < digits ? rest[i] - '0' : 0);
    rest.remove_prefix(digits);
  }
  if (rest != "Z" && rest != "+00:00" && rest != "UTC" && rest != "") return std::nullopt;
  return ((DaysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60'000 + second * 1000 + millis;
}

}  // namespace kvstore
