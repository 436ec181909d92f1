#include "storage/merged_query.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <string>

namespace kvstore::storage {
namespace {

struct Cursor {
  std::deque<Item> items;
  std::optional<std::string> resume;  // where the shard's next page starts
  bool done = false;
};

// The request for a shard's next page: `chunk` items past its last one.
QueryRequest NextPage(const QueryRequest& request, const Cursor& cursor, size_t chunk) {
  QueryRequest next = request;
  next.limit = chunk;
  if (cursor.resume) (request.descending ? next.before : next.after) = cursor.resume;
  return next;
}

// Refills every shard that has run dry but may have more, in one round.
Status Refill(const QueryRequest& request, std::vector<Cursor>& cursors, size_t chunk, const ShardFetch& fetch) {
  std::vector<std::pair<int, QueryRequest>> wanted;
  for (size_t i = 0; i < cursors.size(); ++i) {
    if (cursors[i].items.empty() && !cursors[i].done) wanted.emplace_back(static_cast<int>(i), NextPage(request, cursors[i], chunk));
  }
  if (wanted.empty()) return Status::Ok();
  auto pages = fetch(wanted);
  if (!pages.ok()) return pages.status();
  for (size_t j = 0; j < wanted.size(); ++j) {
    Cursor& cursor = cursors[static_cast<size_t>(wanted[j].first)];
    QueryPage& page = (*pages)[j];
    for (Item& item : page.items) cursor.items.push_back(std::move(item));
    cursor.resume = page.continue_from;
    cursor.done = !page.continue_from;
  }
  return Status::Ok();
}

// The cursor whose next item comes first in the request's order, or null.
Cursor* Front(std::vector<Cursor>& cursors, bool descending) {
  Cursor* best = nullptr;
  for (Cursor& cursor : cursors) {
    if (cursor.items.empty()) continue;
    const std::string& sort = cursor.items.front().key.sort;
    if (!best || (descending ? sort > best->items.front().key.sort : sort < best->items.front().key.sort)) best = &cursor;
  }
  return best;
}

}  // namespace

Result<QueryPage> MergedQuery(const QueryRequest& request, int shards, const ShardFetch& fetch) {
  std::vector<Cursor> cursors(static_cast<size_t>(std::max(shards, 1)));
  const size_t limit = std::max<size_t>(request.limit, 1);
  QueryPage merged;
  while (merged.items.size() < limit) {
    // An even share of what is still wanted, and one more: most listings
    // take one round, and none reads far past what it returns.
    size_t chunk = (limit - merged.items.size()) / cursors.size() + 1;
    KVSTORE_RETURN_IF_ERROR(Refill(request, cursors, chunk, fetch));
    Cursor* front = Front(cursors, request.descending);
    if (!front) return merged;
    merged.items.push_back(std::move(front->items.front()));
    front->items.pop_front();
  }
  bool more = std::any_of(cursors.begin(), cursors.end(), [](const Cursor& c) { return !c.items.empty() || !c.done; });
  if (more) merged.continue_from = merged.items.back().key.sort;
  return merged;
}

}  // namespace kvstore::storage
