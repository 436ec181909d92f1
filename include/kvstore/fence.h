// Fenced writes: a write that applies only while a lock (or a leader group)
// is still held with the token (term) the writer was given.
//
// A lease can pass without its holder knowing (a pause, a slow network): the
// holder then writes as if it still held it, racing the next holder. A fence
// makes the store refuse such a write. Each fence is checked in the same
// atomic write as the change it guards (one SQLite transaction; a
// ConditionCheck in the same DynamoDB TransactWriteItems), so there is no
// moment between the check and the write.
//
// A fence holds while the lock (leader group) has a holder whose lease has
// not run out by this process's clock and whose token (term) is `token`.
// Writes given fences answer ConditionFailed naming the first lost fence and
// change nothing; a fenced write costs a transaction (on DynamoDB twice the
// write units of the plain write, plus one read unit per fence).
#ifndef KVSTORE_FENCE_H_
#define KVSTORE_FENCE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/status.h"

namespace kvstore {

struct Fence {
  enum class Holder {
    kLock,    // `name` is a lock (lock.h); `token` its fencing token
    kLeader,  // `name` is a leader group (leader.h); `token` its term
  };
  Holder holder = Holder::kLock;
  std::string name{};
  int64_t token = 0;
};

// Every fence a write must pass. Empty: an unfenced write.
using Fences = std::vector<Fence>;

// Parses "NAME:TOKEN" (the CLI's --if-lock and --if-leader, transaction
// files' if_lock and if_leader): NAME is everything before the last colon,
// TOKEN a positive integer. InvalidArgument saying what is wrong otherwise.
Result<Fence> ParseFence(Fence::Holder holder, std::string_view text);

// "lock 'deploy' token 7", "leader group 'db' term 3": how messages name a fence.
std::string DescribeFence(const Fence& fence);

}  // namespace kvstore

#endif  // KVSTORE_FENCE_H_
