// Sharded counters: a counter declared with N shards takes increments on N
// items, so that on DynamoDB its writes spread over partitions instead of
// meeting one item's limit (docs/scale.md).
//
// The counter's own item (layout::KeyOf) stays where it was and declares the
// shards: `count` = N, `owner` = a generation drawn at random when it was
// declared. Shard i lives at layout::CounterShardKey(name, generation, i) and
// carries the generation too, so that a declaration never overwrites
// another's shards. The counter's value is its own number plus the numbers of
// the shards of its generation; an increment on the counter's own item (a
// fenced one, one with a TTL, one from a process that does not know of the
// shards yet) therefore still counts.
//
// Why a generation: `set`, `del`, an expiry or an import may replace the
// counter's own item at any time, without touching its shards (a batch
// write cannot carry a condition). Shards of another generation are then
// left over and count for nothing. A writer that added to a shard reads the
// counter's item back in the same request that sums the shards: if the item
// no longer declares that generation, the increment landed in a left-over
// and is made again on the counter's own item, so no acknowledged increment
// is ever lost.
#ifndef KVSTORE_PRIMITIVES_COUNTER_SHARDS_H_
#define KVSTORE_PRIMITIVES_COUNTER_SHARDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kvstore/status.h"
#include "kvstore/store.h"
#include "storage/engine.h"

namespace kvstore::counter_shards {

// At most this many: the counter's item and all its shards are read in one
// BatchGetItem (100 keys).
inline constexpr int kMaxShards = 64;

struct Plan {
  int shards = 0;
  std::string generation;
  bool operator==(const Plan&) const = default;
};

// The shards a counter's own item declares, if any.
std::optional<Plan> PlanOf(const storage::Item& counter);

// What this process, or another on this machine, last learnt of a
// counter's shards (Engine::KeepHint). A hint: a wrong one costs one more
// write, never a wrong value.
std::optional<Plan> Remembered(const Table& table, std::string_view name);
void Remember(const Table& table, std::string_view name, const Plan& plan);
void Forget(const Table& table, std::string_view name);

// The value of a counter whose own item is `counter`: its number, plus its
// shards' when it declares some (one BatchGet). OutOfRange when the sum does
// not fit in 64 bits.
Result<int64_t> ValueOf(const Table& table, const storage::Item& counter);

// Adds delta to a random shard of `plan`, then reads the counter's item
// back (with every shard when `with_value`, in the same request) and
// returns the counter's value (0 without `with_value`). Empty when the plan
// no longer holds: the add counted for nothing, and the caller adds on the
// counter's own item instead.
Result<std::optional<int64_t>> AddToShard(const Table& table, std::string_view name, const Plan& plan, int64_t delta,
                                          bool with_value);

// Deletes the shards of `plan`, a generation that is not (or no longer) the
// counter's: a writer still remembering it finds them gone and adds on the
// counter's item instead.
Status RemoveShards(const Table& table, std::string_view name, const Plan& plan);

// Spreads the counter over `shards` shards (2..kMaxShards); its value so
// far stays on its own item. A missing counter is made at 0. The count is
// fixed while the counter lives: declaring the same count again is a no-op,
// another count is refused (InvalidArgument). WrongType for a plain value.
Status Declare(const Table& table, std::string_view name, int shards);

}  // namespace kvstore::counter_shards

#endif  // KVSTORE_PRIMITIVES_COUNTER_SHARDS_H_
