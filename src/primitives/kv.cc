// Plain keys: set/get/exists/delete/list over the keys partition.
#include "kvstore/kv.h"

#include <algorithm>

#include "primitives/counter_shards.h"
#include "primitives/fence_checks.h"
#include "primitives/kv_entry.h"
#include "primitives/layout.h"
#include "primitives/write_plans.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {

using storage::Attr;
using storage::Condition;

namespace kv_entry {

Result<Entry> EntryOf(const Table& table, const storage::Item& item) {
  Entry e;
  e.key = item.key.sort;
  e.kind = item.kind == layout::kKindCounter ? KeyKind::kCounter : KeyKind::kValue;
  if (e.kind == KeyKind::kCounter) {
    auto number = counter_shards::ValueOf(table, item);
    if (!number.ok()) return number.status();
    e.value = std::to_string(*number);
  } else {
    e.value = item.value.value_or("");
  }
  e.expires_at_ms = item.expires_at;
  return e;
}

}  // namespace kv_entry

namespace {

using kv_entry::EntryOf;

constexpr size_t kListPage = 1000;

Condition HoldsValue(const std::string& value) {
  return Condition::AllOf({Condition::Equals(Attr::kKind, std::string(layout::kKindValue)),
                           Condition::Equals(Attr::kValue, value)});
}

Status KeyNotFound(std::string_view key) { return Status::NotFound("key " + Quote(key) + " not found"); }

}  // namespace

storage::Item PlanValueItem(std::string_view key, std::string value, std::optional<Millis> ttl, const Clock& clock) {
  storage::Item item;
  item.key = layout::KeyOf(key);
  item.kind = std::string(layout::kKindValue);
  item.value = std::move(value);
  if (ttl) item.expires_at = clock.NowMillis() + ttl->count();
  return item;
}

Status KeyValue::Set(std::string_view key, std::string_view value, const SetOptions& options) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("key", key));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateValue("value", value));
  if (options.ttl) KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", *options.ttl));
  KVSTORE_RETURN_IF_ERROR(fence::Validate(options.fences));
  if (options.if_not_exists && options.if_value) {
    return Status::InvalidArgument("if-not-exists and if-value cannot be used together");
  }
  storage::Item item = PlanValueItem(key, std::string(value), options.ttl, table_.clock());
  Condition condition;
  if (options.if_not_exists) condition = Condition::NotExists();
  if (options.if_value) condition = HoldsValue(*options.if_value);

  auto outcome = fence::Write(table_, options.fences, storage::WriteOp::Put(std::move(item), condition));
  if (!outcome.ok()) return outcome.status();
  if (outcome->applied) return Status::Ok();
  if (options.if_not_exists) return Status::ConditionFailed("key " + Quote(key) + " already exists");
  if (!outcome->item) return KeyNotFound(key);
  return Status::ConditionFailed("key " + Quote(key) + " does not hold the expected value");
}

Result<Entry> KeyValue::Get(std::string_view key) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("key", key));
  auto item = table_.engine().Get(table_.name(), layout::KeyOf(key));
  if (!item.ok()) return item.status().Is(Status::Code::kNotFound) ? KeyNotFound(key) : item.status();
  return EntryOf(table_, *item);
}

Status KeyValue::Exists(std::string_view key) { return Get(key).status(); }

Status KeyValue::Delete(std::string_view key, const DeleteOptions& options) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("key", key));
  KVSTORE_RETURN_IF_ERROR(fence::Validate(options.fences));
  Condition condition = options.if_value ? HoldsValue(*options.if_value) : Condition::Always();
  auto outcome = fence::Write(table_, options.fences, storage::WriteOp::Delete(layout::KeyOf(key), condition));
  if (!outcome.ok()) return outcome.status();
  if (!outcome->item) return KeyNotFound(key);
  if (!outcome->applied) {
    return Status::ConditionFailed("key " + Quote(key) + " does not hold the expected value");
  }
  // A sharded counter's shards go with it (a failure leaves them over,
  // counting for nothing: the delete itself is done).
  if (auto plan = counter_shards::PlanOf(*outcome->item)) counter_shards::RemoveShards(table_, key, *plan);
  return Status::Ok();
}

Result<std::vector<Entry>> KeyValue::List(const ListOptions& options) {
  if (!options.prefix.empty() && options.prefix.size() > kMaxName) {
    return Status::InvalidArgument("prefix is longer than the 512-byte key limit");
  }
  storage::QueryRequest request;
  request.partition = std::string(layout::kKeysPartition);
  request.prefix = options.prefix;
  request.after = options.after;
  std::vector<Entry> entries;
  while (true) {
    size_t wanted = options.limit == 0 ? kListPage : std::min(kListPage, options.limit - entries.size());
    request.limit = wanted;
    auto page = table_.engine().Query(table_.name(), request);
    if (!page.ok()) return page.status();
    for (const storage::Item& item : page->items) {
      auto entry = EntryOf(table_, item);
      if (!entry.ok()) return entry.status();
      entries.push_back(std::move(*entry));
    }
    bool full = options.limit != 0 && entries.size() >= options.limit;
    if (full || !page->continue_from) break;
    request.after = page->continue_from;
  }
  return entries;
}

}  // namespace kvstore
