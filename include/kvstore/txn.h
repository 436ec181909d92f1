// Transactions: up to 100 operations on keys, counters, sets and lists,
// applied atomically -- all or none -- with checks that write nothing.
//
// The whole transaction is validated before anything is written. A check
// that fails (or a counter that would overflow) leaves every item as it was.
// Operations are applied as of one moment: checks see the state before the
// transaction. Two operations may not change the same key, set or list (a
// DynamoDB transaction cannot touch an item twice); a check may name an item
// that another operation changes.
//
// Safe from many threads and processes at once. Errors: InvalidArgument
// (with the operation's index and field), WrongType, OutOfRange,
// UnknownTable, IoError; ConditionFailed naming the check that failed.
#ifndef KVSTORE_TXN_H_
#define KVSTORE_TXN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/fence.h"
#include "kvstore/limits.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

struct TxnOp {
  enum class Type {
    kSet,     // name = key, value, ttl
    kDelete,  // name = key
    kAdd,     // name = counter, by (inc; dec is a negative by)
    kSAdd,    // name = set, items = members
    kSRem,    // name = set, items = members
    kLPush,   // name = list, items = values
    kRPush,   // name = list, items = values
    kCheck,   // name = key or counter, check
  };
  enum class Check {
    kExists,     // the key exists
    kNotExists,  // the key does not exist
    kEquals,     // the key holds exactly `value`
    kCompare,    // the counter (0 when missing) compares with `number` by `compare`
  };
  enum class Compare { kEq, kNe, kLt, kLe, kGt, kGe };

  Type type = Type::kSet;
  std::string name{};
  std::string value{};
  std::optional<Millis> ttl{};
  int64_t by = 1;
  std::vector<std::string> items{};
  Check check = Check::kExists;
  Compare compare = Compare::kEq;
  int64_t number = 0;
  // The whole transaction applies only while every fence of every operation
  // holds (fence.h); a lost one is ConditionFailed naming it. Each fence
  // takes one of the transaction's 100 item operations. Default: none.
  Fences fences{};
};

// One number per operation: set 1; delete 1 if the key existed, else 0; add
// the counter's new value; sadd/srem how many members changed; lpush/rpush
// the list's new length; check 1.
struct TxnResult {
  std::vector<int64_t> results;
};

class Transactions {
 public:
  explicit Transactions(Table table) : table_(std::move(table)) {}

  Result<TxnResult> Apply(const std::vector<TxnOp>& ops);

 private:
  Table table_;
};

// "set", "inc", "dec" (an add with a negative by), "sadd", ... "check".
const char* TxnOpName(const TxnOp& op);

// "operation 3 (inc)": how messages name an operation (0-based index).
std::string DescribeTxnOp(size_t index, const TxnOp& op);

}  // namespace kvstore

#endif  // KVSTORE_TXN_H_
