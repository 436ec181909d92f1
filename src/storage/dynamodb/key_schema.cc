#include "storage/dynamodb/key_schema.h"

#include <charconv>

namespace kvstore::storage::dynamodb {
namespace {

constexpr std::string_view kLayout1Attr = "pk";
constexpr std::string_view kLayout2Prefix = "pk.v2.s";

std::string AttributeType(const nlohmann::json& table, const std::string& attr) {
  for (const nlohmann::json& d : table.value("AttributeDefinitions", nlohmann::json::array())) {
    if (d.value("AttributeName", "") == attr) return d.value("AttributeType", "");
  }
  return "";
}

// The layout a partition key attribute's name stands for.
std::optional<TableLayout> LayoutOfName(std::string_view name) {
  if (name == kLayout1Attr) return TableLayout{.version = 1, .shards = 1};
  if (name.substr(0, kLayout2Prefix.size()) != kLayout2Prefix) return std::nullopt;
  std::string_view digits = name.substr(kLayout2Prefix.size());
  int shards = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), shards);
  if (ec != std::errc() || end != digits.data() + digits.size() || shards < 1 || shards > kMaxShards) {
    return std::nullopt;
  }
  return TableLayout{.version = 2, .shards = shards};
}

}  // namespace

std::string PartitionAttr(const TableLayout& layout) {
  if (layout.version == 1) return std::string(kLayout1Attr);
  return std::string(kLayout2Prefix) + std::to_string(layout.shards);
}

nlohmann::json KeySchemaJson(const TableLayout& layout) {
  const std::string partition = PartitionAttr(layout);
  return {{"AttributeDefinitions", {{{"AttributeName", partition}, {"AttributeType", "S"}},
                                    {{"AttributeName", kSortAttr}, {"AttributeType", "S"}}}},
          {"KeySchema", {{{"AttributeName", partition}, {"KeyType", "HASH"}}, {{"AttributeName", kSortAttr}, {"KeyType", "RANGE"}}}}};
}

std::optional<TableLayout> LayoutOfTable(const nlohmann::json& table) {
  if (!table.is_object()) return std::nullopt;
  nlohmann::json keys = table.value("KeySchema", nlohmann::json::array());
  if (keys.size() != 2 || keys[0].value("KeyType", "") != "HASH" || keys[1].value("KeyType", "") != "RANGE") {
    return std::nullopt;
  }
  std::string partition = keys[0].value("AttributeName", "");
  if (keys[1].value("AttributeName", "") != kSortAttr || AttributeType(table, partition) != "S" ||
      AttributeType(table, kSortAttr) != "S") {
    return std::nullopt;
  }
  return LayoutOfName(partition);
}

bool IsSpreadPartition(std::string_view partition) { return partition.find('/') == std::string_view::npos; }

std::string ShardPartition(std::string_view partition, int shard) {
  return std::string(partition) + "#" + std::to_string(shard);
}

std::string StoredPartition(const Key& key, const TableLayout& layout) {
  if (layout.shards <= 1 || !IsSpreadPartition(key.partition)) return key.partition;
  return ShardPartition(key.partition, ShardOf(key.sort, layout.shards));
}

std::string LogicalPartition(std::string_view stored, const TableLayout& layout) {
  if (layout.shards <= 1 || !IsSpreadPartition(stored)) return std::string(stored);
  size_t hash = stored.rfind('#');
  return std::string(hash == std::string_view::npos ? stored : stored.substr(0, hash));
}

}  // namespace kvstore::storage::dynamodb
