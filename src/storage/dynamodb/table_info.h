// What `kvstore info` says of a DynamoDB table: DescribeTable's status,
// billing mode and its item count and size estimates (DynamoDB refreshes them
// about every six hours), and DescribeTimeToLive's status. Two reads of the
// control plane, no item read: counting by type would scan the table.
#ifndef KVSTORE_STORAGE_DYNAMODB_TABLE_INFO_H_
#define KVSTORE_STORAGE_DYNAMODB_TABLE_INFO_H_

#include <string>

#include "kvstore/maintenance.h"
#include "storage/dynamodb/dynamo_client.h"

namespace kvstore::storage::dynamodb {

// The table DynamoDB calls `full_name`, reported as `name`. UnknownTable when
// there is none.
Result<TableInfo> DescribeTableInfo(DynamoClient& client, const std::string& full_name, const std::string& name);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_TABLE_INFO_H_
