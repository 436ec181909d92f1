// The storage interface's items and conditions in DynamoDB's JSON protocol:
// attribute maps ({"pk": {"S": ...}}), condition expressions and update
// expressions with their #name and :value placeholders. Pure functions over
// JSON, so they are unit-tested without a server.
//
// Attribute names: the keys (key_schema.h: the partition key's name is the
// table's layout), sk (strings), kind (S), value (B), num (N), owner (S),
// deadline (N, ms), cnt (N), expires_at (N, ms), version (N), and ttl (N,
// seconds), which mirrors expires_at for DynamoDB's own TTL deletion.
#ifndef KVSTORE_STORAGE_DYNAMODB_ITEM_CODEC_H_
#define KVSTORE_STORAGE_DYNAMODB_ITEM_CODEC_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvstore/status.h"
#include "storage/dynamodb/key_schema.h"
#include "storage/engine.h"

namespace kvstore::storage::dynamodb {

using Json = nlohmann::json;

inline constexpr char kTtlAttr[] = "ttl";

// {"pk": {"S": ...}, "sk": {"S": ...}}, with the key where `layout` stores it.
Json KeyJson(const Key& key, const TableLayout& layout);
// Every attribute the item has, keys included, and ttl when it expires.
Json ItemJson(const Item& item, const TableLayout& layout);
// The item of a GetItem/Query/ALL_OLD attribute map. A string (S) value, as
// other tools write it, reads as its UTF-8 bytes. WrongType, naming the
// attribute, for an item kvstore cannot read (another tool's types); IoError
// when the map is not an item at all. The key comes back as primitives name
// it (LogicalPartition).
Result<Item> ItemFromJson(const Json& attributes, const TableLayout& layout);

// Collects the placeholders of one request's expressions.
class Expressions {
 public:
  std::string Name(const std::string& attribute);  // "#a0"
  std::string Value(Json attribute_value);         // ":v0"
  // Adds ExpressionAttributeNames/Values to a request when any were used.
  void AddTo(Json& request) const;

 private:
  std::map<std::string, std::string> names_;  // attribute -> placeholder
  std::vector<Json> values_;
};

// The condition on the current item, with kvstore's rule that an expired
// item is absent: `now` is the caller's clock.
std::string WriteCondition(const Condition& condition, int64_t now, Expressions& e);

// "SET ... REMOVE ..." for actions on a live or absent item, version + 1
// included (1 on creation).
std::string UpdateExpression(const std::vector<Action>& actions, Expressions& e);

// The update that makes an item exactly `item` (a Put done by UpdateItem, so
// that the version still counts up): SET what it has, REMOVE what it lacks.
std::string ReplaceExpression(const Item& item, Expressions& e);

// Whether the item (as returned with a failed condition) has expired by now.
bool IsExpired(const Item& item, int64_t now);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_ITEM_CODEC_H_
