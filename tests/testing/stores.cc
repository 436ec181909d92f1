#include "testing/stores.h"

#include <stdlib.h>

#include <algorithm>
#include <random>

namespace kvstore::testing {

std::vector<StoreKind> TestStores() { return {"sqlite", "dynamodb"}; }

std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

std::vector<StoreKind> TestStoresAndLayouts() {
  std::vector<StoreKind> kinds;
  for (const StoreKind& store : TestStores()) {
    for (const char* variant : {"", "/layout1", "/shards4"}) kinds.push_back(store + variant);
  }
  return kinds;
}

StoreKind BaseStoreKind(const StoreKind& kind) { return kind.substr(0, kind.find('/')); }

CreateTableOptions TableOptionsOf(const StoreKind& kind) {
  std::string variant = kind.find('/') == std::string::npos ? "" : kind.substr(kind.find('/') + 1);
  if (variant == "layout1") return {.layout = 1};
  if (variant == "shards4") return {.shards = 4};
  return {};
}

std::string PrepareStore(StoreKind kind, const std::string& sqlite_path) {
  kind = BaseStoreKind(kind);
  if (kind == "sqlite") return "sqlite:" + sqlite_path;
  const char* endpoint = getenv("KVSTORE_TEST_DYNAMODB");
  if (endpoint == nullptr || *endpoint == '\0') {
    ADD_FAILURE() << "KVSTORE_TEST_DYNAMODB is not set: run the tests with scripts/test.sh, which starts DynamoDB Local";
    return "";
  }
  setenv("AWS_ACCESS_KEY_ID", "kvstoretest", 1);  // DynamoDB Local: letters and digits only
  setenv("AWS_SECRET_ACCESS_KEY", "kvstoretestsecret", 1);
  setenv("AWS_REGION", "us-east-1", 1);
  // Every process of a test runs on this machine's one clock; the skew
  // allowance has tests of its own.
  setenv("KVSTORE_MAX_CLOCK_SKEW", "0", 1);
  setenv("KVSTORE_TABLE_PREFIX", ("t" + std::to_string(std::random_device{}()) + "-").c_str(), 1);
  return "dynamodb+" + std::string(endpoint);
}

}  // namespace kvstore::testing
