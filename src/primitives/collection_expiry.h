// Time to live of a set or a list: the header's expires_at, which every
// member or element carries too (write_plans.h), so that the engine's expiry
// removes the whole collection at once.
#ifndef KVSTORE_PRIMITIVES_COLLECTION_EXPIRY_H_
#define KVSTORE_PRIMITIVES_COLLECTION_EXPIRY_H_

#include <optional>
#include <string>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "kvstore/store.h"
#include "storage/engine.h"

namespace kvstore {

// What a collection is called in messages ("set 'tags'") and where it lives.
struct CollectionRef {
  std::string description;
  storage::Key header;
  std::string parts_partition;
};

// The time left, nullopt when it never expires; NotFound when it does not exist.
Result<std::optional<Millis>> CollectionTtl(const Table& table, const CollectionRef& ref);

// Sets (or with nullopt removes) the expiry of the header, then of every
// part, a page at a time, one conditional write each: O(size), not atomic
// (a part added meanwhile copies the header's new expiry). NotFound when the
// collection does not exist (nothing written).
Status SetCollectionExpiry(const Table& table, const CollectionRef& ref, std::optional<int64_t> expires_at);

}  // namespace kvstore

#endif  // KVSTORE_PRIMITIVES_COLLECTION_EXPIRY_H_
