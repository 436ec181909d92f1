// Where a table's items live in DynamoDB: the key attributes' names and the
// spreading of named objects over partition key values (docs/scale.md).
//
// A table's layout is written into its key schema: the partition key
// attribute is "pk" in layout 1 and "pk.v2.sN" in layout 2 with N shards.
// Every request names the key attributes, and DynamoDB refuses a key that
// does not match the schema before it touches anything, so no process can
// read or write a table in a layout it wrongly believed the table to have.
//
// Sharding: a partition whose name has no '/' ("k", "l", "qh"...) holds one
// item per named object; with N > 1 shards its items are spread over the
// partition key values NAME#0 .. NAME#(N-1) by a hash of the sort key (the
// object's name). Partitions of one object ("s/SET", "q/3"...) are kept as
// they are: their owner chose them.
#ifndef KVSTORE_STORAGE_DYNAMODB_KEY_SCHEMA_H_
#define KVSTORE_STORAGE_DYNAMODB_KEY_SCHEMA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kvstore/options.h"
#include "storage/engine.h"
#include "util/shard_hash.h"

namespace kvstore::storage::dynamodb {

inline constexpr char kSortAttr[] = "sk";

// "pk" for layout 1; "pk.v2.s8" for layout 2 with 8 shards.
std::string PartitionAttr(const TableLayout& layout);

// {"KeySchema": ..., "AttributeDefinitions": ...} of a table in `layout`:
// part of a CreateTable request, and what LayoutOfTable reads back.
nlohmann::json KeySchemaJson(const TableLayout& layout);

// The layout a DescribeTable answer's Table describes, or nothing when the
// table is not one kvstore made (other key names or types).
std::optional<TableLayout> LayoutOfTable(const nlohmann::json& table);

// Whether a partition holds one item per named object (no '/' in its name).
bool IsSpreadPartition(std::string_view partition);

// The partition key value where the item at `key` is stored.
std::string StoredPartition(const Key& key, const TableLayout& layout);
// The partition key value of the shard `shard` of a spread partition.
std::string ShardPartition(std::string_view partition, int shard);
// The logical partition of a stored partition key value.
std::string LogicalPartition(std::string_view stored, const TableLayout& layout);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_KEY_SCHEMA_H_
