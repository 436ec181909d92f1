// A fresh store with a manual clock and one table, "tbl": the embedded store
// in a temporary folder, or tables of the test's own on DynamoDB Local (the
// endpoint in KVSTORE_TEST_DYNAMODB, which scripts/test.sh sets).
#ifndef KVSTORE_TESTS_PRIMITIVES_FIXTURE_H_
#define KVSTORE_TESTS_PRIMITIVES_FIXTURE_H_

#include <gtest/gtest.h>

#include "kvstore/store.h"
#include "testing/stores.h"
#include "testing/temp_dir.h"

namespace kvstore::testing {

class StoreFixture : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    std::string url = PrepareStore(GetParam(), dir_.File("store.db"));
    ASSERT_FALSE(url.empty());
    auto store = Store::Open(url, {.clock = clock_});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->CreateTable("tbl").ok());
    auto table = store_->OpenTable("tbl");
    ASSERT_TRUE(table.ok());
    table_.emplace(*table);
  }

  Table& table() { return *table_; }

  TempDir dir_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::unique_ptr<Store> store_;
  std::optional<Table> table_;
};

}  // namespace kvstore::testing

#endif  // KVSTORE_TESTS_PRIMITIVES_FIXTURE_H_
