// The public Entry for a key's stored item, shared by kv.cc and batch.cc.
#ifndef KVSTORE_PRIMITIVES_KV_ENTRY_H_
#define KVSTORE_PRIMITIVES_KV_ENTRY_H_

#include "kvstore/kv.h"
#include "storage/engine.h"

namespace kvstore::kv_entry {

Entry EntryOf(const storage::Item& item);

}  // namespace kvstore::kv_entry

#endif  // KVSTORE_PRIMITIVES_KV_ENTRY_H_
