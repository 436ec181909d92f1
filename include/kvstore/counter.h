// Counters: signed 64-bit atomic counters, living in the same namespace as
// plain keys (kv.h). A missing counter reads 0 and is created by its first
// increment.
//
// Every call is one atomic write or read, safe from many threads and
// processes at once. Errors common to all calls: InvalidArgument (bad name),
// UnknownTable, IoError.
#ifndef KVSTORE_COUNTER_H_
#define KVSTORE_COUNTER_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/fence.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

struct AddOptions {
  // Expire the counter this long from now if it has no expiry yet (a new
  // counter, or one without); an expiry it has is never pushed back. That is
  // Redis's INCR + EXPIRE NX: a fixed window from the first hit, so a busy
  // counter still resets. Must be > 0. Default: the expiry is left as it is.
  std::optional<Millis> ttl{};
  // Apply only while every fence holds (fence.h): ConditionFailed naming
  // the lost one otherwise. Default: none.
  Fences fences{};
};

class Counters {
 public:
  explicit Counters(Table table) : table_(std::move(table)) {}

  // Adds delta (which may be negative) and returns the new value.
  // WrongType when the name holds a plain value; OutOfRange when the result
  // would not fit in 64 bits. Either way nothing changes.
  //
  // On a sharded counter (Shard below) the add goes to one shard at random
  // and the value returned is read right after: it counts every add that
  // finished before this one began, and this one, but two adds at once may
  // return the same value (use an unsharded counter to hand out unique
  // numbers). An add with a ttl or fences goes to the counter's own item.
  // Each shard stays within +-2^63/128; OutOfRange past that.
  Result<int64_t> Add(std::string_view name, int64_t delta, const AddOptions& options = {});

  // Add without the new value: the same write, but a sharded counter then
  // reads back only its own item (to be sure the add counted), not every
  // shard. For counters busier than their shards' reads would allow.
  Status AddOnly(std::string_view name, int64_t delta, const AddOptions& options = {});

  // The current value; 0 for a missing counter. WrongType for a plain value.
  // Exact on a sharded counter too: every add acknowledged before the call
  // began is counted.
  Result<int64_t> Get(std::string_view name);

  // Spreads the counter's adds over `shards` items (2 to 64), for a counter
  // busier than one item takes (on DynamoDB about 1,000 writes a second; see
  // docs/scale.md). Its value is kept; a missing counter is made at 0. The
  // count is fixed while the counter lives: the same count again changes
  // nothing, another is InvalidArgument. A sharded add or read costs two
  // requests (the write or the counter's item, then one read of its shards).
  // WrongType for a plain value. `set`, `del` or an expiry end the counter
  // and its shards with it.
  Status Shard(std::string_view name, int shards);

 private:
  Result<int64_t> AddAndRead(std::string_view name, int64_t delta, const AddOptions& options, bool with_value);

  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_COUNTER_H_
