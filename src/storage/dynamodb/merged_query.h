// One Query over a partition that the layout spreads over several shards
// (key_schema.h): each shard is read in sort-key order and the pages merged,
// so a listing stays in byte order and reads in proportion to what it
// returns -- a few items past it per shard, not the shards' whole ranges.
// Pure logic over a fetch function, so it is tested without a server.
#ifndef KVSTORE_STORAGE_DYNAMODB_MERGED_QUERY_H_
#define KVSTORE_STORAGE_DYNAMODB_MERGED_QUERY_H_

#include <functional>
#include <vector>

#include "kvstore/status.h"
#include "storage/engine.h"

namespace kvstore::storage::dynamodb {

// Reads one page of each (shard, request) asked for -- in parallel, when it
// can -- and answers in the same order.
using ShardFetch = std::function<Result<std::vector<QueryPage>>(const std::vector<std::pair<int, QueryRequest>>&)>;

// The first request.limit items of the merged shards 0..shards-1, in
// request's order, with continue_from set when more may follow.
Result<QueryPage> MergedQuery(const QueryRequest& request, int shards, const ShardFetch& fetch);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_MERGED_QUERY_H_
