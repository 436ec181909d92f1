// The DynamoDB answer decoder: whatever JSON a server (or a proxy, or an
// attacker on plain http) sends as an item's attributes becomes an Item or
// one error, and an Item survives encoding and decoding unchanged.
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "storage/dynamodb/item_codec.h"

using kvstore::storage::dynamodb::ItemFromJson;
using kvstore::storage::dynamodb::ItemJson;
using kvstore::storage::dynamodb::Json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return 0;
  for (kvstore::TableLayout layout : {kvstore::TableLayout{.version = 1, .shards = 1},
                                      kvstore::TableLayout{.version = 2, .shards = 8}}) {
    auto item = ItemFromJson(parsed, layout);
    if (!item.ok()) continue;
    auto again = ItemFromJson(ItemJson(*item, layout), layout);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->key.partition == item->key.partition && again->key.sort == item->key.sort);
    FUZZ_CHECK(again->value == item->value && again->number == item->number && again->version == item->version);
    FUZZ_CHECK(again->owner == item->owner && again->kind == item->kind && again->expires_at == item->expires_at);
  }
  return 0;
}
