// Every live item of a range, a page at a time, so memory stays flat however
// many there are: what export, import and the queue listings walk.
#ifndef KVSTORE_PRIMITIVES_FOR_EACH_ITEM_H_
#define KVSTORE_PRIMITIVES_FOR_EACH_ITEM_H_

#include <functional>

#include "kvstore/store.h"
#include "storage/engine.h"

namespace kvstore {

inline constexpr size_t kItemsPerPage = 1000;

// Calls `each` for every item `request` selects (its limit is the page size),
// stopping at the first error.
inline Status ForEachItem(const Table& table, storage::QueryRequest request,
                          const std::function<Status(const storage::Item&)>& each) {
  request.limit = kItemsPerPage;
  while (true) {
    auto page = table.engine().Query(table.name(), request);
    if (!page.ok()) return page.status();
    for (const storage::Item& item : page->items) KVSTORE_RETURN_IF_ERROR(each(item));
    if (!page->continue_from) return Status::Ok();
    request.after = page->continue_from;
  }
}

}  // namespace kvstore

#endif  // KVSTORE_PRIMITIVES_FOR_EACH_ITEM_H_
