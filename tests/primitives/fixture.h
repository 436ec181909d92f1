// A fresh store in a temporary folder with a manual clock and one table.
#ifndef KVSTORE_TESTS_PRIMITIVES_FIXTURE_H_
#define KVSTORE_TESTS_PRIMITIVES_FIXTURE_H_

#include <gtest/gtest.h>

#include "kvstore/store.h"
#include "testing/temp_dir.h"

namespace kvstore::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open("sqlite:" + dir_.File("store.db"), {.clock = clock_});
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
