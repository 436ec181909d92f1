// The limits of DESIGN.md, the same on both stores (chosen so that DynamoDB
// can hold them). Every call that takes a name, a value or a duration checks
// it against these and answers InvalidArgument naming what was too long, too
// short or malformed; nothing is written then.
#ifndef KVSTORE_LIMITS_H_
#define KVSTORE_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace kvstore {

// Table names: 3 to 255 characters of A-Z a-z 0-9 _ - .
inline constexpr size_t kMinTableName = 3;
inline constexpr size_t kMaxTableName = 255;
// DynamoDB's table prefix: leaves room for a table name within DynamoDB's 255.
inline constexpr size_t kMaxTablePrefix = 200;
// Keys, counter/lock/queue/set/list/group names, members, owners,
// candidates: 1 to this many bytes of UTF-8 without NUL.
inline constexpr size_t kMaxName = 512;
// Values, payloads, list elements: up to this many bytes, any bytes.
inline constexpr size_t kMaxValue = 256 * 1024;
// Operations in one transaction, and item writes one transaction may make
// (DynamoDB's TransactWriteItems takes 100).
inline constexpr size_t kMaxTxnOps = 100;
// Members or values one set or list call changes atomically (one
// transaction, less the set's or list's header): larger sadd/srem/lpush/rpush
// calls apply in chunks of this many; lpop/rpop take at most this many.
inline constexpr size_t kMaxAtomicValues = kMaxTxnOps - 1;
// The longest duration accepted anywhere (a TTL, a wait, a delay): 10 years.
inline constexpr int64_t kMaxDurationMillis = int64_t{10} * 365 * 24 * 3600 * 1000;

}  // namespace kvstore

#endif  // KVSTORE_LIMITS_H_
