// Lists: sequences of byte values (up to 256 KiB each) with Redis's push,
// pop and index rules. Push and pop cost the same on a list of ten or of ten
// million: each element is keyed by its index and the list's header holds the
// first index and the length, so no other element is read or rewritten.
//
// Each push or pop is atomic for up to 99 values (one transaction; larger
// pushes are applied in chunks of 99). Safe from many threads and processes
// at once: concurrent pushers and poppers lose and duplicate nothing. List
// names do not clash with keys. Errors common to all calls:
// InvalidArgument, UnknownTable, IoError.
#ifndef KVSTORE_LIST_H_
#define KVSTORE_LIST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

enum class End { kFront, kBack };

struct PushValuesOptions {
  // A list this push creates expires this long after (with all its values);
  // an existing list keeps its expiry (Expire changes it). Must be > 0.
  // Default: never expires.
  std::optional<Millis> ttl{};
};

class Lists {
 public:
  explicit Lists(Table table) : table_(std::move(table)) {}

  // Pushes the values one by one at `end` (so lpush a b c leaves c first, as
  // Redis does); returns the new length.
  Result<size_t> Push(std::string_view list, End end, const std::vector<std::string>& values,
                      const PushValuesOptions& options = {});

  // Removes and returns up to `count` values from `end`, nearest first.
  // NotFound when the list is empty.
  Result<std::vector<std::string>> Pop(std::string_view list, End end, size_t count = 1);

  // Values from index start to stop inclusive; negative indices count from
  // the end (-1 is the last); out-of-range indices are clamped.
  Result<std::vector<std::string>> Range(std::string_view list, int64_t start, int64_t stop);

  // The number of values: one read.
  Result<size_t> Length(std::string_view list);

  // Time to live of the whole list: the time left, or nullopt when it
  // never expires. NotFound when there is no such list.
  Result<std::optional<Millis>> Ttl(std::string_view list);
  // Makes the list (every one of its items) expire `ttl` from now, or never
  // (Persist). One write per item, not atomic; NotFound when there is no
  // such list (nothing written).
  Status Expire(std::string_view list, Millis ttl);
  Status Persist(std::string_view list);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_LIST_H_
