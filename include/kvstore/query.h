// Query: what a table holds -- keys, counters, locks, queues, leader groups,
// sets and lists -- by type, name prefix and time to live.
//
// Cost: each type's names live in one partition (keys and counters share
// one), so a query reads the names of the types it asks for, in name order,
// never the members, elements or messages inside them; queues add three
// index counts each for their size. Filters on time to live are applied to
// what is read, so `--expiring-within` on a table of a million keys reads a
// million keys: narrow it with --type and --prefix. Read-only; safe from many
// threads and processes. Errors: InvalidArgument, UnknownTable, IoError.
#ifndef KVSTORE_QUERY_H_
#define KVSTORE_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

enum class ItemType { kKv, kCounter, kLock, kQueue, kLeader, kSet, kList };

// "kv", "counter", "lock", "queue", "leader", "set", "list".
const char* ItemTypeName(ItemType type);
std::optional<ItemType> ParseItemType(std::string_view name);

struct QueryOptions {
  // Only this type. Default: every type.
  std::optional<ItemType> type{};
  // Only names starting with these bytes.
  std::string prefix{};
  // Only things that go away by themselves within this long (a key's TTL, a
  // held lock's or leader's lease).
  std::optional<Millis> expiring_within{};
  // Only things with no time to live.
  bool no_ttl = false;
  // At most this many rows; 0: no limit.
  size_t limit = 0;
};

struct QueryRow {
  ItemType type = ItemType::kKv;
  std::string name;
  // kv: value bytes; counter: 8; set: members; list: values; queue: messages
  // (visible + in flight + delayed); lock, leader: 1 when held, else 0.
  size_t size = 0;
  std::optional<int64_t> expires_at_ms{};
};

class Inspector {
 public:
  explicit Inspector(Table table) : table_(std::move(table)) {}

  // Rows grouped by type (in the order of ItemType), names in byte order.
  Result<std::vector<QueryRow>> Query(const QueryOptions& options = {});

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_QUERY_H_
