// The public Entry for a key's stored item, shared by kv.cc and batch.cc.
#ifndef KVSTORE_PRIMITIVES_KV_ENTRY_H_
#define KVSTORE_PRIMITIVES_KV_ENTRY_H_

#include "kvstore/kv.h"
#include "kvstore/store.h"
#include "storage/engine.h"

namespace kvstore::kv_entry {

// A sharded counter's value needs its shards (counter_shards.h): one more
// read, for that item only.
Result<Entry> EntryOf(const Table& table, const storage::Item& item);

}  // namespace kvstore::kv_entry

#endif  // KVSTORE_PRIMITIVES_KV_ENTRY_H_
