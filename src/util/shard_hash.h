// FNV-1a, 64 bits: which shard a name belongs to (ShardHash(name) % shards),
// for DynamoDB's spread partitions and strict-FIFO queues. Part of stored
// layouts (docs/scale.md): it must never change.
#ifndef KVSTORE_UTIL_SHARD_HASH_H_
#define KVSTORE_UTIL_SHARD_HASH_H_

#include <cstdint>
#include <string_view>

namespace kvstore {

inline uint64_t ShardHash(std::string_view name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

inline int ShardOf(std::string_view name, int shards) {
  return static_cast<int>(ShardHash(name) % static_cast<uint64_t>(shards));
}

}  // namespace kvstore

#endif  // KVSTORE_UTIL_SHARD_HASH_H_
