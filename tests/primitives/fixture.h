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
    url_ = PrepareStore(GetParam(), dir_.File("store.db"));
    ASSERT_FALSE(url_.empty());
    store_ = OpenAnother(clock_, Millis(0));
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->CreateTable("tbl", TableOptionsOf(GetParam())).ok());
    auto table = store_->OpenTable("tbl");
    ASSERT_TRUE(table.ok());
    table_.emplace(*table);
  }

  Table& table() { return *table_; }

  // Another client of the same store, as a process with a clock of its own
  // would be. The fixture's own store allows no clock skew: its tests move
  // one clock for everybody (the skew tests open stores of their own).
  std::unique_ptr<Store> OpenAnother(std::shared_ptr<Clock> clock, Millis max_clock_skew) {
    auto store = Store::Open(url_, {.clock = std::move(clock), .max_clock_skew = max_clock_skew});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  TempDir dir_;
  std::string url_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::unique_ptr<Store> store_;
  std::optional<Table> table_;
};

}  // namespace kvstore::testing

#endif  // KVSTORE_TESTS_PRIMITIVES_FIXTURE_H_
