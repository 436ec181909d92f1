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
  Result<int64_t> Add(std::string_view name, int64_t delta, const AddOptions& options = {});

  // The current value; 0 for a missing counter. WrongType for a plain value.
  Result<int64_t> Get(std::string_view name);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_COUNTER_H_
