// Watch and wait: learn of changes to a key, or to every key with a prefix,
// and block until a key is in a given state (the barrier a CI job needs).
//
// A watch compares what it reads now with what it read last and reports the
// difference: every change shows, but several changes to one key between
// two reads show as one (its latest state). The latest state of every
// watched key is never missed. Changes made before Start are not reported.
//
// When it reads: on the embedded store, as soon as any process writes the
// store (the store's change notification; no polling loop), and when a
// watched key's TTL runs out; on DynamoDB, which cannot notify, every
// poll_interval (each read one strongly consistent GetItem or Query page).
//
// Keys and counters only (the keys partition). Watches are not safe to share
// between threads; any number may watch one store.
// Errors common to all calls: InvalidArgument, UnknownTable, IoError.
#ifndef KVSTORE_WATCH_H_
#define KVSTORE_WATCH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/kv.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

inline constexpr Millis kDefaultPollInterval{1000};

struct Change {
  enum class Type {
    kPut,     // the key was written (created or changed): `entry` is its new state
    kDelete,  // the key was deleted: `entry` is its last state seen
    kExpire,  // the key's TTL ran out: `entry` is its last state seen
  };
  Type type = Type::kPut;
  Entry entry;
  int64_t version = 0;  // kPut: the item's version (grows with every write); else 0
};

struct WatchOptions {
  // Watch this key, or (with `prefix`) every key starting with it.
  std::string key{};
  bool prefix = false;
  // How often to read on a store that cannot report writes (DynamoDB); also
  // the longest the embedded store goes without reading. Default 1 s.
  Millis poll_interval = kDefaultPollInterval;
};

class Watch {
 public:
  // Reads the watched keys as they are now: the state changes are reported
  // against. The watch reads the store through `table`, whose Store must
  // outlive it.
  static Result<std::unique_ptr<Watch>> Start(Table table, WatchOptions options);
  ~Watch();

  // The changes since the last call (or Start), in key order, waiting up to
  // `timeout` for there to be any; empty when there were none.
  Result<std::vector<Change>> Next(Millis timeout);

 private:
  class State;
  explicit Watch(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

struct WaitCondition {
  enum class Kind {
    kExists,   // the key exists
    kMissing,  // the key does not exist
    kValue,    // the key holds exactly `value` (a counter: its number in decimal)
  };
  Kind kind = Kind::kExists;
  std::string value{};
};

// Blocks until `key` meets `condition` (true) or `timeout` passes (false).
// Checks at once, then at every change, as a watch does.
Result<bool> WaitFor(const Table& table, std::string_view key, const WaitCondition& condition, Millis timeout,
                     Millis poll_interval = kDefaultPollInterval);

}  // namespace kvstore

#endif  // KVSTORE_WATCH_H_
