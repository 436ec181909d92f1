// The limits of DESIGN.md, checked once above the engines so that both stores
// accept exactly the same input. Each check names what it checked ("key",
// "counter name", ...) in its InvalidArgument message.
#ifndef KVSTORE_STORAGE_LIMITS_H_
#define KVSTORE_STORAGE_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/status.h"

namespace kvstore::storage {

inline constexpr size_t kMinTableName = 3;
inline constexpr size_t kMaxTableName = 255;
// Leaves room for a table name after it within DynamoDB's 255.
inline constexpr size_t kMaxTablePrefix = 200;
inline constexpr size_t kMaxName = 512;           // keys, member, owner... (bytes)
inline constexpr size_t kMaxValue = 256 * 1024;   // values, payloads (bytes)
// Longest duration accepted anywhere (--ttl, --wait...): 10 years.
inline constexpr int64_t kMaxDurationMillis = int64_t{10} * 365 * 24 * 3600 * 1000;

// 3 to 255 characters of A-Z a-z 0-9 _ - .
Status ValidateTableName(std::string_view name);
// DynamoDB table prefix: up to 200 characters of the table-name alphabet.
Status ValidateTablePrefix(std::string_view prefix);
// 1 to 512 bytes of valid UTF-8 without NUL. `what` names it in the message.
Status ValidateName(std::string_view what, std::string_view name);
// At most 256 KiB of any bytes.
Status ValidateValue(std::string_view what, std::string_view value);
// A TTL or lease: more than 0 and at most kMaxDurationMillis.
Status ValidateTtl(std::string_view what, Millis ttl);

// A wait or delay: 0 (none) up to kMaxDurationMillis.
Status ValidateWait(std::string_view what, Millis wait);

bool IsValidUtf8(std::string_view s);

}  // namespace kvstore::storage

#endif  // KVSTORE_STORAGE_LIMITS_H_
