// Query: reads the partition where each type keeps its names (layout.h) and
// describes each item it finds.
#include "kvstore/query.h"

#include "kvstore/queue.h"
#include "primitives/layout.h"
#include "primitives/queue_ops.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {
namespace {

constexpr size_t kPage = 1000;
constexpr ItemType kAllTypes[] = {ItemType::kKv,     ItemType::kCounter, ItemType::kLock, ItemType::kQueue,
                                  ItemType::kLeader, ItemType::kSet,     ItemType::kList};

std::string_view PartitionOf(ItemType type) {
  switch (type) {
    case ItemType::kKv:
    case ItemType::kCounter: return layout::kKeysPartition;
    case ItemType::kLock: return layout::kLocksPartition;
    case ItemType::kLeader: return layout::kLeadersPartition;
    case ItemType::kQueue: return layout::kQueueHeadersPartition;
    case ItemType::kSet: return layout::kSetHeadersPartition;
    case ItemType::kList: return layout::kListHeadersPartition;
  }
  return layout::kKeysPartition;
}

class Describer {
 public:
  Describer(const Table& table, const QueryOptions& options) : table_(table), options_(options) {}

  // Adds the rows of one type; false once the limit is reached.
  Result<bool> AddType(ItemType type, std::vector<QueryRow>& rows) {
    if (type == ItemType::kQueue) return AddQueues(rows);
    storage::QueryRequest request{.partition = std::string(PartitionOf(type)), .prefix = options_.prefix, .limit = kPage};
    while (true) {
      auto page = table_.engine().Query(table_.name(), request);
      if (!page.ok()) return page.status();
      for (const storage::Item& item : page->items) {
        auto row = Describe(type, item);
        if (!row.ok()) return row.status();
        if (!*row || !Wanted(**row)) continue;
        rows.push_back(std::move(**row));
        if (options_.limit != 0 && rows.size() >= options_.limit) return false;
      }
      if (!page->continue_from) return true;
      request.after = page->continue_from;
    }
  }

 private:
  // Queues are found as their layout keeps them (queue_ops.h).
  Result<bool> AddQueues(std::vector<QueryRow>& rows) {
    auto queues = queue_internal::ListQueues(table_, options_.prefix);
    if (!queues.ok()) return queues.status();
    for (const queue_internal::QueueName& queue : *queues) {
      storage::Item item;
      item.key.sort = queue.name;
      auto row = Describe(ItemType::kQueue, item);
      if (!row.ok()) return row.status();
      if (!*row || !Wanted(**row)) continue;
      rows.push_back(std::move(**row));
      if (options_.limit != 0 && rows.size() >= options_.limit) return false;
    }
    return true;
  }

  bool Wanted(const QueryRow& row) const {
    if (options_.no_ttl && row.expires_at_ms) return false;
    if (options_.expiring_within) {
      int64_t horizon = table_.clock().NowMillis() + options_.expiring_within->count();
      if (!row.expires_at_ms || *row.expires_at_ms > horizon) return false;
    }
    return true;
  }

  // The row for an item, or empty when it is of another type (keys and
  // counters share a partition).
  Result<std::optional<QueryRow>> Describe(ItemType type, const storage::Item& item) const {
    QueryRow row{.type = type, .name = item.key.sort};
    int64_t now = table_.clock().NowMillis();
    switch (type) {
      case ItemType::kKv:
      case ItemType::kCounter: {
        bool counter = item.kind == layout::kKindCounter;
        if (counter != (type == ItemType::kCounter)) return std::optional<QueryRow>();
        row.size = counter ? sizeof(int64_t) : item.value.value_or("").size();
        row.expires_at_ms = item.expires_at;
        break;
      }
      case ItemType::kLock:
      case ItemType::kLeader: {
        bool held = item.owner && item.deadline.value_or(0) > now;
        row.size = held ? 1 : 0;
        if (held) row.expires_at_ms = item.deadline;
        break;
      }
      case ItemType::kSet: row.size = static_cast<size_t>(std::max<int64_t>(item.number.value_or(0), 0)); break;
      case ItemType::kList: row.size = static_cast<size_t>(std::max<int64_t>(item.count.value_or(0), 0)); break;
      case ItemType::kQueue: {
        auto size = Queues(table_).Size(item.key.sort);
        if (!size.ok()) return size.status();
        row.size = size->visible + size->in_flight + size->delayed;
        break;
      }
    }
    return std::optional<QueryRow>(std::move(row));
  }

  const Table& table_;
  const QueryOptions& options_;
};

}  // namespace

const char* ItemTypeName(ItemType type) {
  switch (type) {
    case ItemType::kKv: return "kv";
    case ItemType::kCounter: return "counter";
    case ItemType::kLock: return "lock";
    case ItemType::kQueue: return "queue";
    case ItemType::kLeader: return "leader";
    case ItemType::kSet: return "set";
    case ItemType::kList: return "list";
  }
  return "kv";
}

std::optional<ItemType> ParseItemType(std::string_view name) {
  for (ItemType type : kAllTypes) {
    if (name == ItemTypeName(type)) return type;
  }
  return std::nullopt;
}

Result<std::vector<QueryRow>> Inspector::Query(const QueryOptions& options) {
  if (options.prefix.size() > kMaxName) return Status::InvalidArgument("prefix is longer than 512 bytes");
  if (options.no_ttl && options.expiring_within) {
    return Status::InvalidArgument("--no-ttl and --expiring-within cannot be used together");
  }
  if (options.expiring_within) KVSTORE_RETURN_IF_ERROR(storage::ValidateWait("expiring-within", *options.expiring_within));
  std::vector<QueryRow> rows;
  Describer describer(table_, options);
  for (ItemType type : kAllTypes) {
    if (options.type && *options.type != type) continue;
    auto more = describer.AddType(type, rows);
    if (!more.ok()) return more.status();
    if (!*more) break;
  }
  return rows;
}

}  // namespace kvstore
