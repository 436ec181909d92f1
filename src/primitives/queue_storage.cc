// The table's queues and messages as stored (queue_ops.h), for export,
// import and query: the one place besides the two queue files that knows
// where each layout keeps them.
#include <map>
#include <set>

#include "primitives/for_each_item.h"
#include "primitives/queue_ops.h"
#include "storage/merged_query.h"
#include "util/shard_hash.h"

namespace kvstore::queue_internal {

using storage::Item;

namespace {

// Layout 2 names its queues nowhere but in their messages' sort keys: one
// read per queue and shard finds them, skipping each queue's messages.
Status AddNamesInShard(const Table& table, int shard, const std::string& prefix, std::set<std::string>& names) {
  storage::QueryRequest request{.partition = layout::QueueShardPartition(shard), .prefix = prefix, .limit = 1};
  while (true) {
    auto page = table.engine().Query(table.name(), request);
    if (!page.ok()) return page.status();
    if (page->items.empty()) return Status::Ok();
    const std::string& sort = page->items.front().key.sort;
    std::string name = sort.substr(0, sort.find('\0'));
    names.insert(name);
    request.after = name + '\x01';  // past every "name\0..."
  }
}

}  // namespace

bool HasHeader(const TableLayout& layout, std::string_view queue) {
  return layout.version == 1 || layout::IsStrictFifo(queue);
}

Result<std::vector<QueueName>> ListQueues(const Table& table, const std::string& prefix) {
  auto layout = table.Layout();
  if (!layout.ok()) return layout.status();
  std::set<std::string> names;
  std::map<std::string, int64_t> last_ids;
  KVSTORE_RETURN_IF_ERROR(ForEachItem(table, {.partition = std::string(layout::kQueueHeadersPartition), .prefix = prefix},
                                         [&](const Item& header) {
                                           names.insert(header.key.sort);
                                           last_ids[header.key.sort] = header.number.value_or(0);
                                           return Status::Ok();
                                         }));
  if (layout->version >= 2) {
    for (int shard = 0; shard < layout->shards; ++shard) KVSTORE_RETURN_IF_ERROR(AddNamesInShard(table, shard, prefix, names));
  }
  std::vector<QueueName> queues;
  for (const std::string& name : names) queues.push_back({name, last_ids.count(name) ? last_ids[name] : 0});
  return queues;
}

Status ForEachMessage(const Table& table, std::string_view queue, const std::function<Status(const Item&)>& each) {
  auto layout = table.Layout();
  if (!layout.ok()) return layout.status();
  if (layout->version == 1) {
    for (const std::string& partition :
         {layout::ReadyPartition(queue), layout::InFlightPartition(queue), layout::DelayedPartition(queue)}) {
      KVSTORE_RETURN_IF_ERROR(ForEachItem(table, {.partition = partition}, each));
    }
    return Status::Ok();
  }
  // Shards merged by sort key: an order that does not depend on which
  // shard holds which message (an export of the same queue is the same).
  auto fetch = [&](const std::vector<std::pair<int, storage::QueryRequest>>& wanted) -> Result<std::vector<storage::QueryPage>> {
    std::vector<storage::QueryPage> pages;
    for (auto [shard, request] : wanted) {
      request.partition = layout::QueueShardPartition(shard);
      auto page = table.engine().Query(table.name(), request);
      if (!page.ok()) return page.status();
      pages.push_back(std::move(*page));
    }
    return pages;
  };
  storage::QueryRequest request{.prefix = layout::MessagePrefix(queue), .limit = kItemsPerPage};
  while (true) {
    auto page = storage::MergedQuery(request, layout->shards, fetch);
    if (!page.ok()) return page.status();
    for (const Item& item : page->items) KVSTORE_RETURN_IF_ERROR(each(item));
    if (!page->continue_from) return Status::Ok();
    request.after = page->continue_from;
  }
}

Item StoredMessage(const TableLayout& layout, std::string_view queue, int64_t priority, int64_t id, std::string payload,
                   int64_t receive_count, std::optional<int64_t> visible_at) {
  Item item;
  item.kind = std::string(layout::kKindMessage);
  item.value = std::move(payload);
  item.number = priority;
  item.count = receive_count;
  item.deadline = visible_at;
  std::string order = layout::OrderKey(priority, id);
  if (layout.version >= 2) {
    // Where a re-import of the same message lands again: by its id.
    std::string shard_of = layout::IsStrictFifo(queue) ? std::string(queue) : layout::Hex64(static_cast<uint64_t>(id));
    item.key = {layout::QueueShardPartition(ShardOf(shard_of, layout.shards)), layout::MessagePrefix(queue) + order};
  } else if (visible_at) {
    item.key = {layout::DelayedPartition(queue), layout::TimeKey(*visible_at) + order};
  } else {
    item.key = {layout::ReadyPartition(queue), order};
  }
  return item;
}

}  // namespace kvstore::queue_internal
