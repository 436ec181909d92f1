// Batches: many keys read or written in few round trips.
//
// GetMany reads up to any number of keys, 100 per store request. SetMany
// validates every entry first -- one bad entry and nothing is written --
// then writes them 25 per request on DynamoDB (BatchWriteItem's size), 500 per
// transaction on the embedded store; each request or transaction is applied
// whole, the batch as a whole is not atomic (use a transaction for that). Safe from many threads and processes at once.
// Errors: InvalidArgument (naming the entry), UnknownTable, IoError.
#ifndef KVSTORE_BATCH_H_
#define KVSTORE_BATCH_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/kv.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

struct BatchEntry {
  std::string key;
  std::string value;
  std::optional<Millis> ttl{};  // expire this long after the write; default never
};

class Batch {
 public:
  explicit Batch(Table table) : table_(std::move(table)) {}

  // One result per key, in order; empty where the key is missing.
  Result<std::vector<std::optional<Entry>>> GetMany(const std::vector<std::string>& keys);

  // Writes every entry (replacing what the keys held); returns how many.
  // `describe(i)` names entry i in error messages ("line 3").
  Result<size_t> SetMany(const std::vector<BatchEntry>& entries,
                         const std::function<std::string(size_t)>& describe = nullptr);

  // What SetMany checks of each entry before writing any: a valid key,
  // value and ttl. For callers that check a long input before writing it.
  static Status Check(const BatchEntry& entry);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_BATCH_H_
