// The stores every suite runs on: the embedded one, and DynamoDB Local at the
// endpoint in KVSTORE_TEST_DYNAMODB (scripts/test.sh starts it and sets it).
#ifndef KVSTORE_TESTS_TESTING_STORES_H_
#define KVSTORE_TESTS_TESTING_STORES_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kvstore/options.h"

namespace kvstore::testing {

// A store's engine scheme: "sqlite" or "dynamodb".
using StoreKind = std::string;

// Every store the suites run on. A new engine joins the conformance suite and
// every library and CLI suite by adding itself here (and to PrepareStore).
std::vector<StoreKind> TestStores();
std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info);

// The store URL for one test. For DynamoDB it also sets, for this process
// and its children, credentials DynamoDB Local accepts and a table prefix of
// the test's own; empty (and a test failure) without KVSTORE_TEST_DYNAMODB.
std::string PrepareStore(StoreKind kind, const std::string& sqlite_path);

#define KVSTORE_ON_EVERY_STORE(fixture)                                                                 \
  INSTANTIATE_TEST_SUITE_P(Stores, fixture, ::testing::ValuesIn(::kvstore::testing::TestStores()),      \
                           ::kvstore::testing::StoreKindName)

// Every store, each with its tables in every layout (kvstore/options.h):
// "sqlite" (the current layout and the store's default shards),
// "sqlite/layout1", "sqlite/shards4", and the same for DynamoDB. For the
// primitives whose items the layout places differently.
std::vector<StoreKind> TestStoresAndLayouts();
// The store kind of such a parameter ("sqlite/layout1": "sqlite"), and the
// table options it stands for.
StoreKind BaseStoreKind(const StoreKind& kind);
CreateTableOptions TableOptionsOf(const StoreKind& kind);

#define KVSTORE_ON_EVERY_STORE_AND_LAYOUT(fixture)                                                          \
  INSTANTIATE_TEST_SUITE_P(Stores, fixture, ::testing::ValuesIn(::kvstore::testing::TestStoresAndLayouts()), \
                           ::kvstore::testing::StoreKindName)

}  // namespace kvstore::testing

#endif  // KVSTORE_TESTS_TESTING_STORES_H_
