// Sharded counters (Counters::Shard): the value stays exact whichever item
// takes an add, adds really spread, and an add never lands uncounted when
// the counter is replaced, deleted or expires under a process that still
// knows its shards.
#include <limits>
#include <set>
#include <thread>
#include <vector>

#include "kvstore/counter.h"
#include "kvstore/dump.h"
#include "kvstore/kv.h"
#include "kvstore/lock.h"
#include "primitives/fixture.h"
#include "primitives/layout.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class CounterShardsTest : public testing::StoreFixture {
 protected:
  Counters counters() { return Counters(table()); }

  std::vector<storage::Item> StoredShards() {
    storage::QueryRequest request{.partition = std::string(layout::kCounterShardsPartition), .limit = 1000};
    auto page = table().engine().Query(table().name(), request);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<storage::Item>{};
  }

  // The shards that took at least one add.
  std::set<std::string> UsedShards() {
    std::set<std::string> used;
    for (const storage::Item& shard : StoredShards()) {
      if (shard.number.value_or(0) != 0) used.insert(shard.key.sort);
    }
    return used;
  }
};

TEST_P(CounterShardsTest, KeepsItsValueAndCountsEveryAddOnEveryShard) {
  ASSERT_EQ(*counters().Add("views", 5), 5);
  ASSERT_TRUE(counters().Shard("views", 8).ok());
  EXPECT_EQ(*counters().Get("views"), 5) << "sharding keeps the value";
  for (int i = 1; i <= 60; ++i) ASSERT_EQ(*counters().Add("views", 1), 5 + i);
  EXPECT_EQ(*counters().Add("views", -10), 55);
  EXPECT_EQ(*counters().Get("views"), 55);
  EXPECT_GE(UsedShards().size(), 4u) << "60 adds over 8 shards";
  EXPECT_EQ(KeyValue(table()).Get("views")->value, "55") << "get shows the counter's value";
  auto listed = KeyValue(table()).List({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u) << "shards are not keys";
  EXPECT_EQ((*listed)[0].value, "55");
}

TEST_P(CounterShardsTest, ConcurrentAddersLoseNothing) {
  ASSERT_TRUE(counters().Shard("hits", 16).ok());
  constexpr int kThreads = 4, kAdds = 50;
  std::vector<std::thread> adders;
  for (int t = 0; t < kThreads; ++t) {
    adders.emplace_back([&] {
      auto store = OpenAnother(clock_, Millis(0));
      auto own = store->OpenTable("tbl");
      for (int i = 0; i < kAdds; ++i) EXPECT_TRUE(Counters(*own).Add("hits", 1).ok());
    });
  }
  for (std::thread& adder : adders) adder.join();
  EXPECT_EQ(*counters().Get("hits"), kThreads * kAdds);
}

// Clients that each declare the counter (one wins, the others find it
// declared) and add at once: no declaration overwrites shards already
// counting.
TEST_P(CounterShardsTest, RacingDeclarationsLoseNoAdd) {
  constexpr int kClients = 4, kAdds = 20;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      auto store = OpenAnother(clock_, Millis(0));
      Counters own(*store->OpenTable("tbl"));
      EXPECT_TRUE(own.Shard("race", 4).ok());
      for (int i = 0; i < kAdds; ++i) EXPECT_TRUE(own.AddOnly("race", 1).ok());
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(*counters().Get("race"), kClients * kAdds);
  EXPECT_EQ(StoredShards().size(), 4u) << "the losers' shards are removed";
}

TEST_P(CounterShardsTest, DeleteTakesTheShardsAlong) {
  ASSERT_TRUE(counters().Shard("gone", 8).ok());
  ASSERT_TRUE(counters().AddOnly("gone", 1).ok());
  ASSERT_EQ(StoredShards().size(), 8u);
  ASSERT_TRUE(KeyValue(table()).Delete("gone").ok());
  EXPECT_EQ(StoredShards().size(), 0u);
  EXPECT_EQ(*counters().Add("gone", 1), 1);
}

TEST_P(CounterShardsTest, AnAddAfterTheCounterIsReplacedIsNeverLost) {
  ASSERT_TRUE(counters().Shard("c", 4).ok());
  ASSERT_EQ(*counters().Add("c", 3), 3);  // this process knows the shards now
  ASSERT_TRUE(KeyValue(table()).Set("c", "text").ok());
  EXPECT_TRUE(counters().Add("c", 1).status().Is(Code::kWrongType)) << "not counted in a left-over shard";
  ASSERT_TRUE(KeyValue(table()).Delete("c").ok());
  EXPECT_EQ(*counters().Add("c", 2), 2) << "a new counter, without the old shards";
  EXPECT_EQ(*counters().Add("c", 2), 4);
  ASSERT_TRUE(counters().Shard("c", 2).ok()) << "a new counter may take another count";
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(counters().Add("c", 1).ok());
  EXPECT_EQ(*counters().Get("c"), 14);
}

TEST_P(CounterShardsTest, AnotherProcessRemovingTheCounterMakesThisOneStartAfresh) {
  ASSERT_TRUE(counters().Shard("c", 4).ok());
  ASSERT_EQ(*counters().Add("c", 7), 7);
  auto other = OpenAnother(clock_, Millis(0));
  ASSERT_TRUE(KeyValue(*other->OpenTable("tbl")).Delete("c").ok());
  ASSERT_TRUE(Counters(*other->OpenTable("tbl")).Shard("c", 8).ok());
  EXPECT_EQ(*counters().Add("c", 1), 1) << "its shards of the old generation count for nothing";
  EXPECT_EQ(*Counters(*other->OpenTable("tbl")).Get("c"), 1);
}

TEST_P(CounterShardsTest, ATtlEndsTheCounterWithItsShards) {
  ASSERT_EQ(*counters().Add("window", 1, {.ttl = Millis(1000)}), 1);
  ASSERT_TRUE(counters().Shard("window", 4).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(counters().Add("window", 1).ok());
  EXPECT_EQ(*counters().Get("window"), 6);
  clock_->Advance(Millis(1000));
  EXPECT_EQ(*counters().Get("window"), 0);
  EXPECT_EQ(*counters().Add("window", 1), 1) << "a new window, not the old shards";
}

TEST_P(CounterShardsTest, AddOnlyCountsLikeAdd) {
  ASSERT_TRUE(counters().Shard("c", 4).ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(counters().AddOnly("c", 2).ok());
  EXPECT_EQ(*counters().Get("c"), 40);
  ASSERT_TRUE(KeyValue(table()).Delete("c").ok());
  ASSERT_TRUE(counters().AddOnly("c", 1).ok()) << "after the counter is gone, a new one";
  EXPECT_EQ(*counters().Get("c"), 1);
  ASSERT_TRUE(KeyValue(table()).Set("v", "text").ok());
  EXPECT_TRUE(counters().AddOnly("v", 1).Is(Code::kWrongType));
}

TEST_P(CounterShardsTest, FencedAndTtlAddsReturnTheWholeValue) {
  ASSERT_TRUE(counters().Shard("c", 4).ok());
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(counters().Add("c", 1).ok());
  EXPECT_EQ(*counters().Add("c", 1, {.ttl = Millis(60'000)}), 9);
  auto lock = Locks(table()).Acquire("deploy", "me", {.ttl = Millis(60'000)});
  ASSERT_TRUE(lock.ok() && lock->acquired);
  Fences fence = {Fence{.holder = Fence::Holder::kLock, .name = "deploy", .token = lock->lock.token}};
  EXPECT_EQ(*counters().Add("c", 1, {.fences = fence}), 10);
  EXPECT_EQ(*counters().Get("c"), 10);
}

TEST_P(CounterShardsTest, ShardRangeIsAnErrorThatChangesNothing) {
  ASSERT_TRUE(counters().Shard("c", 2).ok());
  constexpr int64_t kShardLimit = std::numeric_limits<int64_t>::max() / 128;
  ASSERT_TRUE(counters().Add("c", 1).ok());
  // Two shards: by the third add of a shard's whole range, one is refused.
  int64_t expected = 1;
  bool refused = false;
  for (int i = 0; i < 3 && !refused; ++i) {
    auto added = counters().Add("c", kShardLimit);
    if (added.ok()) {
      expected += kShardLimit;
      continue;
    }
    EXPECT_TRUE(added.status().Is(Code::kOutOfRange)) << added.status().ToString();
    refused = true;
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(*counters().Get("c"), expected);
}

TEST_P(CounterShardsTest, Declarations) {
  EXPECT_TRUE(counters().Shard("c", 1).Is(Code::kInvalidArgument));
  EXPECT_TRUE(counters().Shard("c", 65).Is(Code::kInvalidArgument));
  EXPECT_TRUE(counters().Shard("", 4).Is(Code::kInvalidArgument));
  ASSERT_TRUE(KeyValue(table()).Set("text", "v").ok());
  EXPECT_TRUE(counters().Shard("text", 4).Is(Code::kWrongType));
  EXPECT_EQ(KeyValue(table()).Get("text")->value, "v");
  ASSERT_TRUE(counters().Shard("new", 4).ok());
  EXPECT_EQ(*counters().Get("new"), 0) << "a missing counter is made at 0";
  EXPECT_TRUE(counters().Shard("new", 4).ok()) << "the same count again is a no-op";
  Status other = counters().Shard("new", 8);
  EXPECT_TRUE(other.Is(Code::kInvalidArgument));
  EXPECT_EQ(other.message(), "counter 'new' already has 4 shards; the count is fixed while the counter lives");
}

TEST_P(CounterShardsTest, ExportCarriesTheValue) {
  ASSERT_EQ(*counters().Add("c", 40), 40);
  ASSERT_TRUE(counters().Shard("c", 4).ok());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(counters().Add("c", 1).ok());
  std::vector<DumpRecord> records;
  ASSERT_TRUE(Export(*store_, {"tbl"}, [&](const DumpRecord& r) {
                records.push_back(r);
                return Status::Ok();
              }).ok());
  int counters_seen = 0;
  for (const DumpRecord& r : records) {
    if (r.type != DumpRecord::Type::kCounter) continue;
    ++counters_seen;
    EXPECT_EQ(r.number, 42);
  }
  EXPECT_EQ(counters_seen, 1);
}

KVSTORE_ON_EVERY_STORE_AND_LAYOUT(CounterShardsTest);

}  // namespace
}  // namespace kvstore
