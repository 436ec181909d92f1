// Where each primitive keeps its items: the partition and sort keys and the
// kind tag. The one place that knows the data model (see ARCHITECTURE.md).
#ifndef KVSTORE_PRIMITIVES_LAYOUT_H_
#define KVSTORE_PRIMITIVES_LAYOUT_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "storage/engine.h"
#include "util/quote.h"

namespace kvstore::layout {

// Keys and counters share one partition, so that a listing by prefix is one
// range read of the sort key.
inline constexpr std::string_view kKeysPartition = "k";

inline constexpr std::string_view kKindValue = "kv";
inline constexpr std::string_view kKindCounter = "counter";

// Sharded counters (counter_shards.cc): the counter's own item above
// declares how many shards it has (count) and their generation (owner); the
// shards live here, apart from keys so that listings never show them.
inline constexpr std::string_view kCounterShardsPartition = "c";
inline constexpr std::string_view kKindCounterShard = "counter-shard";

// Locks and leader groups: one lease item each (lease.h), in their own
// partitions so their names never clash with keys.
inline constexpr std::string_view kLocksPartition = "l";
inline constexpr std::string_view kLeadersPartition = "e";
inline constexpr std::string_view kKindLock = "lock";
inline constexpr std::string_view kKindLeader = "leader";

// Semaphores (semaphore.cc): one item each, listing its live holders.
inline constexpr std::string_view kSemaphoresPartition = "m";
inline constexpr std::string_view kKindSemaphore = "semaphore";

// Rate limits (rate_limit.cc): one bucket item each.
inline constexpr std::string_view kRateLimitsPartition = "r";
inline constexpr std::string_view kKindRateLimit = "ratelimit";

inline storage::Key KeyOf(std::string_view key) {
  return storage::Key{std::string(kKeysPartition), std::string(key)};
}

// A shard's sort key: the counter's name (never holding NUL), NUL, the
// generation, NUL, the shard's number. The generation in the key means a
// new declaration never overwrites another's shards.
inline storage::Key CounterShardKey(std::string_view counter, std::string_view generation, int shard) {
  std::string sort(counter);
  sort += '\0';
  sort += generation;
  sort += '\0';
  sort += std::to_string(shard);
  return storage::Key{std::string(kCounterShardsPartition), std::move(sort)};
}

inline storage::Key LockKey(std::string_view name) {
  return storage::Key{std::string(kLocksPartition), std::string(name)};
}

inline storage::Key LeaderKey(std::string_view group) {
  return storage::Key{std::string(kLeadersPartition), std::string(group)};
}

inline storage::Key SemaphoreKey(std::string_view name) {
  return storage::Key{std::string(kSemaphoresPartition), std::string(name)};
}

inline storage::Key RateLimitKey(std::string_view name) {
  return storage::Key{std::string(kRateLimitsPartition), std::string(name)};
}

// Queues (queue.cc): a header item per queue holds the last sequence
// number; messages live in three partitions per queue, by state.
inline constexpr std::string_view kQueueHeadersPartition = "qh";
inline constexpr std::string_view kKindQueue = "queue";
inline constexpr std::string_view kKindMessage = "msg";
inline std::string ReadyPartition(std::string_view queue) { return "qr/" + std::string(queue); }
inline std::string InFlightPartition(std::string_view queue) { return "qi/" + std::string(queue); }
inline std::string DelayedPartition(std::string_view queue) { return "qd/" + std::string(queue); }
inline storage::Key QueueHeaderKey(std::string_view queue) {
  return storage::Key{std::string(kQueueHeadersPartition), std::string(queue)};
}

// A message's sort key ends with its pop order: the priority key (the
// priority with the sign bit flipped, then inverted, so that higher
// priorities sort first) and the sequence, each 16 hex digits; in flight and
// delayed, the visible-at time comes first.
inline constexpr size_t kKeyDigits = 16;
inline constexpr size_t kOrderSize = 2 * kKeyDigits;
inline std::string Hex64(uint64_t v) {
  char buf[kKeyDigits + 1];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf, kKeyDigits);
}
inline std::optional<uint64_t> ParseHex(std::string_view s) {
  if (s.size() != kKeyDigits) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}
inline std::string PriorityKey(int64_t priority) { return Hex64(~(static_cast<uint64_t>(priority) ^ (1ULL << 63))); }
inline std::string OrderKey(int64_t priority, int64_t seq) {
  return PriorityKey(priority) + Hex64(static_cast<uint64_t>(seq));
}
inline std::string TimeKey(int64_t millis) { return Hex64(static_cast<uint64_t>(std::max<int64_t>(millis, 0))); }
// The (pop-order) suffix of a message's sort key in any partition.
inline std::string_view OrderOf(std::string_view sort) { return sort.substr(sort.size() - kOrderSize); }
// The sequence (the message id) at the end of a message's sort key; 0 for a
// key that is not one.
inline int64_t MessageSequence(std::string_view sort) {
  if (sort.size() < kKeyDigits) return 0;
  return static_cast<int64_t>(ParseHex(sort.substr(sort.size() - kKeyDigits)).value_or(0));
}

// Layout-2 queues (queue_sharded.cc): every message is one item in a shard
// partition q/<shard> shared by the table's queues, sorted by queue name,
// NUL (names have none), then the message's order key (priority key + id).
// A strict-FIFO queue (named *.fifo) keeps a header with its last sequence,
// as layout-1 queues do.
inline std::string QueueShardPartition(int shard) { return "q/" + std::to_string(shard); }
inline std::string MessagePrefix(std::string_view queue) { return std::string(queue) + std::string(1, '\0'); }
inline storage::Key MessageKey(std::string_view queue, int shard, int64_t priority, int64_t id) {
  return {QueueShardPartition(shard), MessagePrefix(queue) + OrderKey(priority, id)};
}
inline bool IsStrictFifo(std::string_view queue) {
  constexpr std::string_view kSuffix = ".fifo";
  return queue.size() > kSuffix.size() && queue.substr(queue.size() - kSuffix.size()) == kSuffix;
}

// Sets (set.cc): a header per set holds the member count; members are the
// sort keys of the set's own partition.
inline constexpr std::string_view kSetHeadersPartition = "sh";
inline constexpr std::string_view kKindSet = "set";
inline constexpr std::string_view kKindMember = "member";
inline std::string SetPartition(std::string_view set) { return "s/" + std::string(set); }
inline storage::Key SetHeaderKey(std::string_view set) {
  return storage::Key{std::string(kSetHeadersPartition), std::string(set)};
}
inline storage::Key SetMemberKey(std::string_view set, std::string_view member) {
  return storage::Key{SetPartition(set), std::string(member)};
}

// Lists (list.cc): a header per list holds the index of the first element
// (number) and the length (count); elements are keyed by their index.
inline constexpr std::string_view kListHeadersPartition = "lh";
inline constexpr std::string_view kKindList = "list";
inline constexpr std::string_view kKindElement = "element";
inline std::string ListPartition(std::string_view list) { return "L/" + std::string(list); }
inline storage::Key ListHeaderKey(std::string_view list) {
  return storage::Key{std::string(kListHeadersPartition), std::string(list)};
}
// An element's sort key: signed indices in byte order (sign bit flipped, hex).
inline std::string ListIndexKey(int64_t index) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(static_cast<uint64_t>(index) ^ (1ULL << 63)));
  return std::string(buf, 16);
}
// An element's `owner` is a token drawn when it is written: indices are
// reused (a pop then a push at the same end) and every element has version
// 1, so the token is what tells a pop that the element it read is still
// the one there.
inline std::string NewElementToken(uint64_t random) { return Hex64(random); }

// The index a ListIndexKey names, or nothing for another sort key.
inline std::optional<int64_t> ListIndexOf(std::string_view key) {
  if (key.size() != 16) return std::nullopt;
  uint64_t bits = 0;
  for (char c : key) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    bits = bits << 4 | static_cast<uint64_t>(digit);
  }
  return static_cast<int64_t>(bits ^ (1ULL << 63));
}
inline storage::Key ListElementKey(std::string_view list, int64_t index) {
  return storage::Key{ListPartition(list), ListIndexKey(index)};
}

// What `kvstore info` calls the items of each kind; nullptr for a kind no
// primitive writes.
inline const char* TypeNameOfKind(std::string_view kind) {
  struct Name {
    std::string_view kind;
    const char* type;
  };
  static constexpr Name kNames[] = {
      {kKindValue, "keys"},           {kKindCounter, "counters"},     {kKindCounterShard, "counter shards"},     {kKindLock, "locks"},
      {kKindLeader, "leaders"},       {kKindSemaphore, "semaphores"}, {kKindRateLimit, "rate limits"}, {kKindQueue, "queues"},
      {kKindMessage, "queue messages"}, {kKindSet, "sets"},           {kKindMember, "set members"},
      {kKindList, "lists"},           {kKindElement, "list elements"}};
  for (const Name& name : kNames) {
    if (name.kind == kind) return name.type;
  }
  return nullptr;
}

}  // namespace kvstore::layout

#endif  // KVSTORE_PRIMITIVES_LAYOUT_H_
