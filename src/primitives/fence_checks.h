// Fences (kvstore/fence.h) over the storage interface: each fence is a check
// of a lease item, committed in one Transact with the writes it guards.
#ifndef KVSTORE_PRIMITIVES_FENCE_CHECKS_H_
#define KVSTORE_PRIMITIVES_FENCE_CHECKS_H_

#include <vector>

#include "kvstore/fence.h"
#include "kvstore/status.h"
#include "kvstore/store.h"
#include "storage/engine.h"

namespace kvstore::fence {

// Names valid, tokens positive, one token per lock or group (a write cannot
// pass two different tokens of one lock: that is a caller's mistake).
Status Validate(const Fences& fences);

// Fences named more than once kept once, so that no item is checked twice in
// one transaction (DynamoDB refuses that). Call after Validate.
Fences Distinct(const Fences& fences);

// One check per fence, each on its lease item, as of the table clock's now.
std::vector<storage::WriteOp> Checks(const Table& table, const Fences& fences);

// Commits `writes` (their conditions still apply) behind the fences' checks,
// all in one transaction. A lost fence is ConditionFailed naming it, read
// back to say who holds it now; a write's own failed condition is an outcome
// whose failed_index counts within `writes`.
Result<storage::TransactOutcome> Commit(const Table& table, const Fences& fences,
                                        std::vector<storage::WriteOp> writes);

// One Put or Delete, answered as the engine's Put or Delete would be, with
// no fences an engine call as before. Fenced, it is a transaction, which
// returns no items: a delete also requires the item to exist (an applied one
// then reports an item holding only its key), and a refused write reads the
// item afterwards to report it.
Result<storage::WriteOutcome> Write(const Table& table, const Fences& fences, storage::WriteOp write);

// The ConditionFailed for a fence that did not hold, read back to say what
// holds instead; the read's own failure if it fails.
Status Lost(const Table& table, const Fence& fence);

}  // namespace kvstore::fence

#endif  // KVSTORE_PRIMITIVES_FENCE_CHECKS_H_
