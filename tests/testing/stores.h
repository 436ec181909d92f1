// The stores every suite runs on: the embedded one, and DynamoDB Local at the
// endpoint in KVSTORE_TEST_DYNAMODB (scripts/test.sh starts it and sets it).
#ifndef KVSTORE_TESTS_TESTING_STORES_H_
#define KVSTORE_TESTS_TESTING_STORES_H_

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace kvstore::testing {

enum class StoreKind { kSqlite, kDynamoDb };

void PrintTo(StoreKind kind, std::ostream* os);
std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info);

// The store URL for one test. For DynamoDB it also sets, for this process
// and its children, credentials DynamoDB Local accepts and a table prefix of
// the test's own; empty (and a test failure) without KVSTORE_TEST_DYNAMODB.
std::string PrepareStore(StoreKind kind, const std::string& sqlite_path);

#define KVSTORE_ON_EVERY_STORE(fixture)                                                                          \
  INSTANTIATE_TEST_SUITE_P(Stores, fixture,                                                                      \
                           ::testing::Values(::kvstore::testing::StoreKind::kSqlite,                             \
                                             ::kvstore::testing::StoreKind::kDynamoDb),                          \
                           ::kvstore::testing::StoreKindName)

}  // namespace kvstore::testing

#endif  // KVSTORE_TESTS_TESTING_STORES_H_
