// The checks of DESIGN.md's limits (the numbers are public: kvstore/limits.h),
// made once above the engines so that both stores accept exactly the same
// input. Each check names what it checked ("key",
// "counter name", ...) in its InvalidArgument message.
#ifndef KVSTORE_STORAGE_LIMITS_H_
#define KVSTORE_STORAGE_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/limits.h"
#include "kvstore/options.h"
#include "kvstore/status.h"

namespace kvstore::storage {

// 3 to 255 characters of A-Z a-z 0-9 _ - .
Status ValidateTableName(std::string_view name);
// A new table's layout: 1 or 2, shards 1 to kMaxShards, and only 1 in layout 1.
Status ValidateLayout(const CreateTableOptions& options);
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

}  // namespace kvstore::storage

#endif  // KVSTORE_STORAGE_LIMITS_H_
