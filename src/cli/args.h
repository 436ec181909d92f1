// Parsing of command-line values into typed ones, each failure an
// InvalidArgument that names the flag.
#ifndef KVSTORE_CLI_ARGS_H_
#define KVSTORE_CLI_ARGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/status.h"

namespace kvstore::cli {

// Seconds with an optional fraction ("30", "0.5"), rounded up to whole
// milliseconds. Rejects signs, exponents, junk and values over 10 years.
Result<Millis> ParseSeconds(std::string_view flag, std::string_view text);

// ParseSeconds for an optional flag: `fallback` when the text is empty.
Result<Millis> SecondsOr(std::string_view flag, std::string_view text, Millis fallback);
// ParseSeconds for an optional flag with no default (--ttl): nullopt when
// the text is empty.
Result<std::optional<Millis>> OptionalSeconds(std::string_view flag, std::string_view text);

// A signed 64-bit decimal integer, nothing else.
Result<int64_t> ParseInt64(std::string_view flag, std::string_view text);

// For an optional count flag: `fallback` when the text is empty.
Result<size_t> CountOr(std::string_view flag, std::string_view text, size_t max, size_t fallback);

// A count: a decimal integer from 0 to max.
Result<size_t> ParseCount(std::string_view flag, std::string_view text, size_t max);

// The argument itself, or all of stdin when it is "-" (binary safe). Fails
// once more than max_bytes have been read.
Result<std::string> ValueOrStdin(std::string_view what, const std::string& arg, size_t max_bytes);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_ARGS_H_
