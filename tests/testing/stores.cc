#include "testing/stores.h"

#include <stdlib.h>

#include <random>

namespace kvstore::testing {

std::vector<StoreKind> TestStores() { return {"sqlite", "dynamodb"}; }

std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) { return info.param; }

std::string PrepareStore(StoreKind kind, const std::string& sqlite_path) {
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
