// One listing over several partitions read in sort-key order -- the shards
// of a partition DynamoDB's layout spreads (dynamodb/key_schema.h), a
// layout-2 queue's shards -- merged so that it stays in byte order and reads
// in proportion to what it returns: a few items past it per shard, not the
// shards' whole ranges. Pure logic over a fetch function, tested without a
// server.
#ifndef KVSTORE_STORAGE_MERGED_QUERY_H_
#define KVSTORE_STORAGE_MERGED_QUERY_H_

#include <functional>
#include <vector>

#include "kvstore/status.h"
#include "storage/engine.h"

namespace kvstore::storage {

// Reads one page of each (shard, request) asked for -- in parallel, when it
// can -- and answers in the same order.
using ShardFetch = std::function<Result<std::vector<QueryPage>>(const std::vector<std::pair<int, QueryRequest>>&)>;

// The first request.limit items of the merged shards 0..shards-1, in
// request's order, with continue_from set when more may follow.
Result<QueryPage> MergedQuery(const QueryRequest& request, int shards, const ShardFetch& fetch);

}  // namespace kvstore::storage

#endif  // KVSTORE_STORAGE_MERGED_QUERY_H_
