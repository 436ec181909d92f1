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
  // Items another tool wrote that kvstore cannot read (a number where it
  // keeps bytes, say): listings skip them rather than fail.
  int unreadable_items = 0;
  std::string first_unreadable{};  // why the first one was skipped
  // DynamoDB: where the AWS credentials came from ("environment", "profile
  // 'dev'", "instance metadata (...)"), never the credentials themselves.
  std::string credentials_source{};
};

}  // namespace kvstore

#endif  // KVSTORE_STORE_STATS_H_
