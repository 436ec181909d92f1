// Times as text, as AWS writes them in credentials: ISO 8601 in UTC.
#ifndef KVSTORE_UTIL_TIME_TEXT_H_
#define KVSTORE_UTIL_TIME_TEXT_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace kvstore {

// Milliseconds since the epoch of "2026-12-01T20:00:00Z" (fractional
// seconds, "+00:00" and a trailing "UTC" accepted); nullopt when malformed.
std::optional<int64_t> ParseIso8601(std::string_view text);

}  // namespace kvstore

#endif  // KVSTORE_UTIL_TIME_TEXT_H_
