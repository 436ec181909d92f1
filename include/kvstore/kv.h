// KeyValue: keys holding byte values, with optional TTL and conditional writes.
//
// Keys and counters (counter.h) share one namespace per table, as in Redis: a
// key holds either a plain value or a counter. Keys are 1 to 512 bytes of
// UTF-8 without NUL; values are up to 256 KiB of any bytes. An expired key is
// gone for every call at once.
//
// Every call is atomic and safe from many threads and processes at once.
// Errors common to all calls: InvalidArgument (bad key, value or option),
// UnknownTable, IoError.
#ifndef KVSTORE_KV_H_
#define KVSTORE_KV_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/fence.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

// What a key holds.
enum class KeyKind { kValue, kCounter };

struct Entry {
  std::string key;
  KeyKind kind = KeyKind::kValue;
  // The value bytes; for a counter, its number in decimal (as Redis GET does).
  std::string value;
  // When the key expires, in ms since the epoch; empty when it never does.
  std::optional<int64_t> expires_at_ms{};
};

struct SetOptions {
  // Expire the key this long after the write. Must be > 0. Default: never.
  std::optional<Millis> ttl{};
  // Write only if the key does not exist. Default: write regardless.
  bool if_not_exists = false;
  // Write only if the key currently holds exactly this value.
  std::optional<std::string> if_value{};
  // Apply only while every fence holds (fence.h): ConditionFailed naming
  // the lost one otherwise. Default: none.
  Fences fences{};
};

struct DeleteOptions {
  // Delete only if the key currently holds exactly this value.
  std::optional<std::string> if_value{};
  // Apply only while every fence holds (fence.h): ConditionFailed naming
  // the lost one otherwise. Default: none.
  Fences fences{};
};

struct ListOptions {
  // Only keys starting with these bytes. Default: all keys.
  std::string prefix{};
  // Only keys after this one (exclusive): pass the last key of a page to get
  // the next page. Default: from the start.
  std::optional<std::string> after{};
  // At most this many keys; 0 means no limit.
  size_t limit = 0;
};

class KeyValue {
 public:
  explicit KeyValue(Table table) : table_(std::move(table)) {}

  // Stores value under key, replacing any value, counter or TTL it had.
  // ConditionFailed when if_not_exists/if_value is not met (nothing written).
  Status Set(std::string_view key, std::string_view value, const SetOptions& options = {});

  // NotFound when the key is missing or expired.
  Result<Entry> Get(std::string_view key);

  // Ok when the key exists, NotFound when not.
  Status Exists(std::string_view key);

  // Ok when a key was deleted; NotFound when it did not exist;
  // ConditionFailed when options.if_value did not match (nothing deleted).
  Status Delete(std::string_view key, const DeleteOptions& options = {});

  // Keys in byte order with what they hold. Reads in proportion to what it
  // returns, whatever the size of the table.
  Result<std::vector<Entry>> List(const ListOptions& options = {});

  // Time to live of a key or counter: the time left, or nullopt when it
  // never expires. NotFound when it does not exist.
  Result<std::optional<Millis>> Ttl(std::string_view key);
  // Makes a key or counter expire `ttl` from now (> 0), or never (Persist).
  // NotFound when it does not exist (nothing written), as Redis answers 0.
  Status Expire(std::string_view key, Millis ttl);
  Status Persist(std::string_view key);

  // Sets a plain value (expiring `ttl` from now, if given) and returns what
  // the key held before: its value, a counter's number in decimal, or
  // nullopt when it did not exist. Atomic: no other write lands between the
  // read and the write.
  Result<std::optional<std::string>> GetSet(std::string_view key, std::string_view value,
                                            std::optional<Millis> ttl = std::nullopt);

  // Deletes every key and counter whose name starts with `prefix` (which
  // may be empty: all of them), a page of 500 at a time, each page one
  // request batch; returns how many. Not atomic: a key written meanwhile may
  // or may not be deleted. `progress(deleted)` is called after each page.
  Result<int64_t> DeletePrefix(std::string_view prefix,
                               const std::function<void(int64_t)>& progress = nullptr);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_KV_H_
