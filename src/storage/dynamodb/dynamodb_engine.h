// The DynamoDB engine: the storage interface on Amazon DynamoDB (or any
// endpoint that speaks its JSON protocol, such as DynamoDB Local). One
// kvstore table is one DynamoDB table keyed by pk (partition) and sk (sort).
#ifndef KVSTORE_STORAGE_DYNAMODB_DYNAMODB_ENGINE_H_
#define KVSTORE_STORAGE_DYNAMODB_DYNAMODB_ENGINE_H_

#include <memory>
#include <string>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "storage/dynamodb/aws_config.h"
#include "storage/engine.h"

namespace kvstore::storage::dynamodb {

// Connects lazily; https:// loads libssl at the first request (IoError when it is missing).
Result<std::unique_ptr<Engine>> OpenDynamoDbEngine(AwsConfig config, std::shared_ptr<Clock> clock);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_DYNAMODB_ENGINE_H_
