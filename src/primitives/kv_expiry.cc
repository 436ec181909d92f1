// Keys' time to live and the read-modify-writes on keys: ttl, expire,
// persist, getset, and delete by prefix. Keys and counters alike (they share
// the keys partition).
#include <algorithm>

#include "kvstore/kv.h"
#include "primitives/counter_shards.h"
#include "primitives/layout.h"
#include "primitives/write_plans.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {

using storage::Attr;
using storage::Condition;

namespace {

// Keys deleted per request batch by DeletePrefix: bounded, so a prefix of a
// million keys never holds a million in memory or one transaction open.
constexpr size_t kDeletePage = 500;

Status KeyNotFound(std::string_view key) { return Status::NotFound("key " + Quote(key) + " not found"); }

// The write applies to the key as it exists (NotFound otherwise).
Status UpdateExisting(const Table& table, std::string_view key, storage::Action action) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("key", key));
  auto outcome = table.engine().Update(table.name(), layout::KeyOf(key), {std::move(action)}, Condition::Exists());
  if (!outcome.ok()) return outcome.status();
  return outcome->applied ? Status::Ok() : KeyNotFound(key);
}

}  // namespace

Result<std::optional<Millis>> KeyValue::Ttl(std::string_view key) {
  auto entry = Get(key);
  if (!entry.ok()) return entry.status();
  if (!entry->expires_at_ms) return std::optional<Millis>();
  return std::optional<Millis>(Millis(std::max<int64_t>(*entry->expires_at_ms - table_.clock().NowMillis(), 0)));
}

Status KeyValue::Expire(std::string_view key, Millis ttl) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", ttl));
  return UpdateExisting(table_, key, storage::Action::Set(Attr::kExpiresAt, table_.clock().NowMillis() + ttl.count()));
}

Status KeyValue::Persist(std::string_view key) {
  return UpdateExisting(table_, key, storage::Action::Remove(Attr::kExpiresAt));
}

// One atomic exchange (Engine::Exchange): on DynamoDB one request.
Result<std::optional<std::string>> KeyValue::GetSet(std::string_view key, std::string_view value,
                                                    std::optional<Millis> ttl) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("key", key));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateValue("value", value));
  if (ttl) KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", *ttl));
  using Old = std::optional<std::string>;
  auto old = table_.engine().Exchange(table_.name(), PlanValueItem(key, std::string(value), ttl, table_.clock()));
  if (!old.ok()) return old.status();
  if (!*old) return Old();
  if ((*old)->kind != layout::kKindCounter) return Old((*old)->value.value_or(""));
  auto number = counter_shards::ValueOf(table_, **old);  // the shards outlive the replaced item
  if (!number.ok()) return number.status();
  return Old(std::to_string(*number));
}

Result<int64_t> KeyValue::DeletePrefix(std::string_view prefix, const std::function<void(int64_t)>& progress) {
  if (prefix.size() > kMaxName) return Status::InvalidArgument("prefix is longer than the 512-byte key limit");
  storage::QueryRequest request{.partition = std::string(layout::kKeysPartition), .prefix = std::string(prefix),
                                .limit = kDeletePage};
  int64_t deleted = 0;
  while (true) {
    auto page = table_.engine().Query(table_.name(), request);
    if (!page.ok()) return page.status();
    std::vector<storage::WriteOp> deletes;
    for (const storage::Item& item : page->items) deletes.push_back(storage::WriteOp::Delete(item.key));
    if (!deletes.empty()) KVSTORE_RETURN_IF_ERROR(table_.engine().BatchWrite(table_.name(), deletes));
    deleted += static_cast<int64_t>(deletes.size());
    if (progress) progress(deleted);
    if (!page->continue_from) return deleted;
    request.after = page->continue_from;
  }
}

}  // namespace kvstore
