// Batches over BatchGet and BatchWrite, in chunks a DynamoDB request takes.
#include "kvstore/batch.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "primitives/kv_entry.h"
#include "primitives/layout.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {

using storage::kBatchGetKeys;

// Writes handed to the engine at once: one SQLite transaction; the DynamoDB
// engine sends them kBatchWriteOps (25) per BatchWriteItem.
constexpr size_t kWriteChunk = 500;

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
      if (!item) {
        entries.push_back(std::nullopt);
        continue;
      }
      auto entry = kv_entry::EntryOf(table_, *item);
      if (!entry.ok()) return entry.status();
      entries.push_back(std::move(*entry));
    }
  }
  if (keys.empty()) {
    // Still report a missing table, as every other call does.
    auto none = table_.engine().BatchGet(table_.name(), {});
    if (!none.ok()) return none.status();
  }
  return entries;
}

Status Batch::Check(const BatchEntry& entry) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("key", entry.key));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateValue("value", entry.value));
  if (entry.ttl) KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", *entry.ttl));
  return Status::Ok();
}

Result<size_t> Batch::SetMany(const std::vector<BatchEntry>& entries,
                              const std::function<std::string(size_t)>& describe) {
  auto name = [&](size_t i) { return describe ? describe(i) : "entry " + std::to_string(i); };
  for (size_t i = 0; i < entries.size(); ++i) {
    Status st = Check(entries[i]);
    if (!st.ok()) return Status::InvalidArgument(name(i) + ": " + st.message());
  }
  int64_t now = table_.clock().NowMillis();
  std::vector<storage::WriteOp> chunk;
  std::unordered_set<std::string_view> keys;  // in `chunk`
  auto flush = [&] {
    Status st = chunk.empty() ? Status::Ok() : table_.engine().BatchWrite(table_.name(), chunk);
    chunk.clear();
    keys.clear();
    return st;
  };
  for (const BatchEntry& entry : entries) {
    // DynamoDB refuses a batch naming one key twice: a key seen again goes
    // in the next batch, so the last entry for it wins, in input order.
    if (chunk.size() == kWriteChunk || !keys.insert(entry.key).second) {
      KVSTORE_RETURN_IF_ERROR(flush());
      keys.insert(entry.key);
    }
    storage::Item item;
    item.key = layout::KeyOf(entry.key);
    item.kind = std::string(layout::kKindValue);
    item.value = entry.value;
    if (entry.ttl) item.expires_at = now + entry.ttl->count();
    chunk.push_back(storage::WriteOp::Put(std::move(item)));
  }
  KVSTORE_RETURN_IF_ERROR(flush());
  return entries.size();
}

}  // namespace kvstore
