// What a store did for this process so far, for -v / --stats.
#ifndef KVSTORE_STORE_STATS_H_
#define KVSTORE_STORE_STATS_H_

#include <string>

namespace kvstore {

struct StoreStats {
  std::string backend;          // the engine: "sqlite" or "dynamodb"
  bool counts_requests = false; // the engine sends requests, counted below (DynamoDB)
  int requests = 0;             // requests sent
  int retries = 0;              // of which retries
  double read_units = 0;        // capacity consumed as the store reported it
  double write_units = 0;
};

}  // namespace kvstore

#endif  // KVSTORE_STORE_STATS_H_
