// Where each primitive keeps its items: the partition and sort keys and the
// kind tag. The one place that knows the data model (see ARCHITECTURE.md).
#ifndef KVSTORE_PRIMITIVES_LAYOUT_H_
#define KVSTORE_PRIMITIVES_LAYOUT_H_

#include <string>
#include <string_view>

#include "storage/engine.h"

namespace kvstore::layout {

// Keys and counters share one partition, so that a listing by prefix is one
// range read of the sort key.
inline constexpr std::string_view kKeysPartition = "k";

inline constexpr std::string_view kKindValue = "kv";
inline constexpr std::string_view kKindCounter = "counter";

inline storage::Key KeyOf(std::string_view key) {
  return storage::Key{std::string(kKeysPartition), std::string(key)};
}

// A name quoted for a message, cut short when long.
std::string Quote(std::string_view name);

}  // namespace kvstore::layout

#endif  // KVSTORE_PRIMITIVES_LAYOUT_H_
