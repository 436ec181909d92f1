#include "storage/dynamodb/table_info.h"

#include "storage/engine.h"

namespace kvstore::storage::dynamodb {
Result<TableInfo> DescribeTableInfo(DynamoClient& client, const std::string& full_name, const std::string& name) {
  auto described = client.Call("DescribeTable", {{"TableName", full_name}}, Repeat::kSafe);
  if (!described.ok()) return described.status();
  if (described->error) {
    if (described->error->type == "ResourceNotFoundException") return NoSuchTable(name);
    return described->error->Failure("describing table " + full_name);
  }
  const Json& table = described->body["Table"];
  TableInfo info{.name = name,
                 .items = table.value("ItemCount", int64_t{0}),
                 .bytes = table.value("TableSizeBytes", int64_t{0}),
                 .estimated = true,
                 .status = table.value("TableStatus", ""),
                 // Tables made before on-demand billing existed carry no summary.
                 .billing_mode = table.value("BillingModeSummary", Json::object()).value("BillingMode", "PROVISIONED")};
  auto ttl = client.Call("DescribeTimeToLive", {{"TableName", full_name}}, Repeat::kSafe);
  if (!ttl.ok()) return ttl.status();
  if (ttl->error) return ttl->error->Failure("describing time to live of " + full_name);
  info.ttl_status = ttl->body.value("TimeToLiveDescription", Json::object()).value("TimeToLiveStatus", "");
  return info;
}

}  // namespace kvstore::storage::dynamodb
