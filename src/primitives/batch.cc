// Batches over BatchGet and BatchWrite, in chunks a DynamoDB request takes.
#include "kvstore/batch.h"

#include <algorithm>

#include "primitives/kv_entry.h"
#include "primitives/layout.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {

using storage::kBatchGetKeys;
using storage::kBatchWriteOps;

Result<std::vector<std::optional<Entry>>> Batch::GetMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) KVSTORE_RETURN_IF_ERROR(storage::ValidateName("key", key));
  std::vector<std::optional<Entry>> entries;
  entries.reserve(keys.size());
  for (size_t start = 0; start < keys.size(); start += kBatchGetKeys) {
    std::vector<storage::Key> chunk;
    for (size_t i = start; i < std::min(keys.size(), start + kBatchGetKeys); ++i) chunk.push_back(layout::KeyOf(keys[i]));
    auto items = table_.engine().BatchGet(table_.name(), chunk);
    if (!items.ok()) return items.status();
    for (const std::optional<storage::Item>& item : *items) {
      entries.push_back(item ? std::optional<Entry>(kv_entry::EntryOf(*item)) : std::nullopt);
    }
  }
  if (keys.empty()) {
    // Still report a missing table, as every other call does.
    auto none = table_.engine().BatchGet(table_.name(), {});
    if (!none.ok()) return none.status();
  }
  return entries;
}

Result<size_t> Batch::SetMany(const std::vector<BatchEntry>& entries,
                              const std::function<std::string(size_t)>& describe) {
  auto name = [&](size_t i) { return describe ? describe(i) : "entry " + std::to_string(i); };
  for (size_t i = 0; i < entries.size(); ++i) {
    Status st = storage::ValidateName("key", entries[i].key);
    if (st.ok()) st = storage::ValidateValue("value", entries[i].value);
    if (st.ok() && entries[i].ttl) st = storage::ValidateTtl("ttl", *entries[i].ttl);
    if (!st.ok()) return Status::InvalidArgument(name(i) + ": " + st.message());
  }
  int64_t now = table_.clock().NowMillis();
  for (size_t start = 0; start < entries.size(); start += kBatchWriteOps) {
    std::vector<storage::WriteOp> chunk;
    for (size_t i = start; i < std::min(entries.size(), start + kBatchWriteOps); ++i) {
      storage::Item item;
      item.key = layout::KeyOf(entries[i].key);
      item.kind = std::string(layout::kKindValue);
      item.value = entries[i].value;
      if (entries[i].ttl) item.expires_at = now + entries[i].ttl->count();
      chunk.push_back(storage::WriteOp::Put(std::move(item)));
    }
    KVSTORE_RETURN_IF_ERROR(table_.engine().BatchWrite(table_.name(), chunk));
  }
  return entries.size();
}

}  // namespace kvstore
