#include "primitives/collection_expiry.h"

#include <algorithm>

#include "kvstore/list.h"
#include "kvstore/set.h"
#include "primitives/layout.h"
#include "storage/limits.h"
#include "util/quote.h"

namespace kvstore {

using storage::Action;
using storage::Attr;
using storage::Condition;

namespace {

constexpr size_t kPage = 500;

Action ExpiryAction(std::optional<int64_t> expires_at) {
  return expires_at ? Action::Set(Attr::kExpiresAt, *expires_at) : Action::Remove(Attr::kExpiresAt);
}

}  // namespace

Result<std::optional<Millis>> CollectionTtl(const Table& table, const CollectionRef& ref) {
  auto header = table.engine().Get(table.name(), ref.header);
  if (header.status().Is(Status::Code::kNotFound)) return Status::NotFound(ref.description + " not found");
  if (!header.ok()) return header.status();
  if (!header->expires_at) return std::optional<Millis>();
  return std::optional<Millis>(Millis(std::max<int64_t>(*header->expires_at - table.clock().NowMillis(), 0)));
}

// The header first: from then on every part added copies the new expiry.
Status SetCollectionExpiry(const Table& table, const CollectionRef& ref, std::optional<int64_t> expires_at) {
  storage::Engine& engine = table.engine();
  auto header = engine.Update(table.name(), ref.header, {ExpiryAction(expires_at)}, Condition::Exists());
  if (!header.ok()) return header.status();
  if (!header->applied) return Status::NotFound(ref.description + " not found");
  storage::QueryRequest request{.partition = ref.parts_partition, .limit = kPage};
  while (true) {
    auto page = engine.Query(table.name(), request);
    if (!page.ok()) return page.status();
    for (const storage::Item& part : page->items) {
      // A part removed meanwhile stays removed.
      auto done = engine.Update(table.name(), part.key, {ExpiryAction(expires_at)}, Condition::Exists());
      if (!done.ok()) return done.status();
    }
    if (!page->continue_from) return Status::Ok();
    request.after = page->continue_from;
  }
}

namespace {

CollectionRef SetRef(std::string_view set) {
  return {"set " + Quote(set), layout::SetHeaderKey(set), layout::SetPartition(set)};
}

CollectionRef ListRef(std::string_view list) {
  return {"list " + Quote(list), layout::ListHeaderKey(list), layout::ListPartition(list)};
}

Status Expire(const Table& table, const CollectionRef& ref, Millis ttl) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", ttl));
  return SetCollectionExpiry(table, ref, table.clock().NowMillis() + ttl.count());
}

}  // namespace

Result<std::optional<Millis>> Sets::Ttl(std::string_view set) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("set name", set));
  return CollectionTtl(table_, SetRef(set));
}

Status Sets::Expire(std::string_view set, Millis ttl) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("set name", set));
  return kvstore::Expire(table_, SetRef(set), ttl);
}

Status Sets::Persist(std::string_view set) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("set name", set));
  return SetCollectionExpiry(table_, SetRef(set), std::nullopt);
}

Result<std::optional<Millis>> Lists::Ttl(std::string_view list) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("list name", list));
  return CollectionTtl(table_, ListRef(list));
}

Status Lists::Expire(std::string_view list, Millis ttl) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("list name", list));
  return kvstore::Expire(table_, ListRef(list), ttl);
}

Status Lists::Persist(std::string_view list) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("list name", list));
  return SetCollectionExpiry(table_, ListRef(list), std::nullopt);
}

}  // namespace kvstore
