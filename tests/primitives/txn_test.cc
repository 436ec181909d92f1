#include "kvstore/txn.h"

#include "kvstore/batch.h"
#include "kvstore/counter.h"
#include "kvstore/kv.h"
#include "kvstore/list.h"
#include "kvstore/lock.h"
#include "kvstore/query.h"
#include "kvstore/set.h"
#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;
using Type = TxnOp::Type;

TxnOp Set(std::string key, std::string value) { return {.type = Type::kSet, .name = std::move(key), .value = std::move(value)}; }
TxnOp Inc(std::string key, int64_t by) { return {.type = Type::kAdd, .name = std::move(key), .by = by}; }
TxnOp Check(std::string key, TxnOp::Check check) { return {.type = Type::kCheck, .name = std::move(key), .check = check}; }

class TxnTest : public testing::StoreFixture {
 protected:
  Result<TxnResult> Apply(const std::vector<TxnOp>& ops) { return Transactions(table()).Apply(ops); }
  std::string Value(const std::string& key) {
    auto e = KeyValue(table()).Get(key);
    return e.ok() ? e->value : "<missing>";
  }
};

TEST_P(TxnTest, AppliesEveryOperationAndReportsResults) {
  ASSERT_TRUE(KeyValue(table()).Set("old", "x").ok());
  ASSERT_TRUE(Counters(table()).Add("hits", 10).ok());
  auto r = Apply({Set("a", "1"), {.type = Type::kDelete, .name = "old"}, Inc("hits", 5),
                  {.type = Type::kSAdd, .name = "s", .items = {"m1", "m2", "m1"}},
                  {.type = Type::kRPush, .name = "l", .items = {"x", "y"}},
                  {.type = Type::kLPush, .name = "l2", .items = {"p"}}, Check("a", TxnOp::Check::kNotExists)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->results, (std::vector<int64_t>{1, 1, 15, 2, 2, 1, 1}));
  EXPECT_EQ(Value("a"), "1");
  EXPECT_EQ(Value("old"), "<missing>");
  EXPECT_EQ(*Counters(table()).Get("hits"), 15);
  EXPECT_EQ(*Sets(table()).Count("s"), 2u);
  EXPECT_EQ(*Lists(table()).Range("l", 0, -1), (std::vector<std::string>{"x", "y"}));
}

TEST_P(TxnTest, AFailedLastCheckLeavesEverythingAsItWas) {
  ASSERT_TRUE(KeyValue(table()).Set("a", "before").ok());
  ASSERT_TRUE(Counters(table()).Add("n", 1).ok());
  auto r = Apply({Set("a", "after"), Inc("n", 1), {.type = Type::kSAdd, .name = "s", .items = {"m"}},
                  {.type = Type::kRPush, .name = "l", .items = {"v"}}, Check("nope", TxnOp::Check::kExists)});
  EXPECT_TRUE(r.status().Is(Code::kConditionFailed));
  EXPECT_EQ(r.status().message(), "operation 4 (check) failed: key 'nope' does not exist; nothing was changed");
  EXPECT_EQ(Value("a"), "before");
  EXPECT_EQ(*Counters(table()).Get("n"), 1);
  EXPECT_EQ(*Sets(table()).Count("s"), 0u);
  EXPECT_EQ(*Lists(table()).Length("l"), 0u);
}

TEST_P(TxnTest, CheckAndWriteOnTheSameKeyIsACompareAndSwap) {
  ASSERT_TRUE(KeyValue(table()).Set("state", "queued").ok());
  TxnOp holds_queued = Check("state", TxnOp::Check::kEquals);
  holds_queued.value = "queued";
  ASSERT_TRUE(Apply({holds_queued, Set("state", "running")}).ok());
  auto again = Apply({holds_queued, Set("state", "running")});
  EXPECT_TRUE(again.status().Is(Code::kConditionFailed));
  EXPECT_EQ(Value("state"), "running");
}

TEST_P(TxnTest, CounterComparisonTreatsMissingAsZero) {
  TxnOp below_three{.type = Type::kCheck, .name = "n", .check = TxnOp::Check::kCompare,
                    .compare = TxnOp::Compare::kLt, .number = 3};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Apply({below_three, Inc("n", 1)}).ok()) << i;
  EXPECT_TRUE(Apply({below_three, Inc("n", 1)}).status().Is(Code::kConditionFailed));
  EXPECT_EQ(*Counters(table()).Get("n"), 3);
}

TEST_P(TxnTest, ValidatedCompletelyBeforeAnythingIsWritten) {
  auto too_big = Apply({Set("a", "1"), Set("b", std::string(262145, 'x'))});
  EXPECT_TRUE(too_big.status().Is(Code::kInvalidArgument));
  EXPECT_EQ(too_big.status().message(), "operation 1 (set): value is 262145 bytes; the limit is 262144 (256 KiB)");
  EXPECT_EQ(Value("a"), "<missing>");
  std::vector<TxnOp> many;
  for (int i = 0; i < 101; ++i) many.push_back(Set("k" + std::to_string(i), "v"));
  EXPECT_TRUE(Apply(many).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(Apply({Inc("c", 1), Inc("c", 2)}).status().Is(Code::kInvalidArgument)) << "same item twice";
  EXPECT_TRUE(Apply({}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(Apply({Set("", "v")}).status().Is(Code::kInvalidArgument));
  EXPECT_EQ(*Counters(table()).Get("c"), 0);
}

TEST_P(TxnTest, WrongTypeAndOverflowChangeNothing) {
  ASSERT_TRUE(KeyValue(table()).Set("text", "hello").ok());
  ASSERT_TRUE(Counters(table()).Add("big", INT64_MAX).ok());
  EXPECT_TRUE(Apply({Set("a", "1"), Inc("text", 1)}).status().Is(Code::kWrongType));
  EXPECT_TRUE(Apply({Set("a", "1"), Inc("big", 1)}).status().Is(Code::kOutOfRange));
  EXPECT_EQ(Value("a"), "<missing>");
}

TEST_P(TxnTest, HundredOperationsFit) {
  std::vector<TxnOp> ops;
  for (int i = 0; i < 100; ++i) ops.push_back(Inc("c" + std::to_string(i), i));
  auto r = Apply(ops);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->results[99], 99);
}

TEST_P(TxnTest, TooManyItemWritesIsRejected) {
  std::vector<std::string> members;
  for (int i = 0; i < 120; ++i) members.push_back("m" + std::to_string(i));
  auto r = Apply({{.type = Type::kSAdd, .name = "s", .items = members}});
  EXPECT_TRUE(r.status().Is(Code::kInvalidArgument));
  EXPECT_EQ(*Sets(table()).Count("s"), 0u);
}

class BatchTest : public testing::StoreFixture {};

TEST_P(BatchTest, SetManyThenGetManyInOrder) {
  std::vector<BatchEntry> entries;
  for (int i = 0; i < 60; ++i) entries.push_back({.key = "k" + std::to_string(i), .value = std::to_string(i)});
  entries.push_back({.key = "brief", .value = "x", .ttl = Millis(100)});
  EXPECT_EQ(*Batch(table()).SetMany(entries), 61u);
  clock_->Advance(Millis(100));
  auto got = Batch(table()).GetMany({"k59", "missing", "k0", "brief"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)[0]->value, "59");
  EXPECT_FALSE((*got)[1].has_value());
  EXPECT_EQ((*got)[2]->value, "0");
  EXPECT_FALSE((*got)[3].has_value()) << "expired";
}

TEST_P(BatchTest, OneBadEntryAndNothingIsWritten) {
  auto r = Batch(table()).SetMany({{.key = "good", .value = "v"}, {.key = "", .value = "v"}},
                                  [](size_t i) { return "line " + std::to_string(i + 1); });
  EXPECT_TRUE(r.status().Is(Code::kInvalidArgument));
  EXPECT_EQ(r.status().message(), "line 2: key must not be empty");
  EXPECT_FALSE(KeyValue(table()).Exists("good").ok());
}

class QueryTest : public testing::StoreFixture {};

TEST_P(QueryTest, ListsEveryTypeWithSizeAndTtl) {
  ASSERT_TRUE(KeyValue(table()).Set("app:a", "12345").ok());
  ASSERT_TRUE(KeyValue(table()).Set("app:b", "x", {.ttl = Millis(5000)}).ok());
  ASSERT_TRUE(Counters(table()).Add("app:c", 1).ok());
  ASSERT_TRUE(Sets(table()).Add("app:s", {"a", "b"}).ok());
  ASSERT_TRUE(Lists(table()).Push("other", End::kBack, {"1", "2", "3"}).ok());
  ASSERT_TRUE(Locks(table()).Acquire("app:lock", "me", {.ttl = Millis(1000)}).ok());
  auto all = Inspector(table()).Query();
  ASSERT_TRUE(all.ok());
  std::vector<std::string> described;
  for (const QueryRow& r : *all) {
    described.push_back(std::string(ItemTypeName(r.type)) + " " + r.name + " " + std::to_string(r.size) +
                        (r.expires_at_ms ? " ttl" : ""));
  }
  EXPECT_EQ(described, (std::vector<std::string>{"kv app:a 5", "kv app:b 1 ttl", "counter app:c 8", "lock app:lock 1 ttl",
                                                 "set app:s 2", "list other 3"}));
  EXPECT_EQ(Inspector(table()).Query({.prefix = "other"})->size(), 1u);
  EXPECT_EQ(Inspector(table()).Query({.type = ItemType::kKv, .no_ttl = true})->size(), 1u);
  auto soon = Inspector(table()).Query({.expiring_within = Millis(2000)});
  ASSERT_EQ(soon->size(), 1u);
  EXPECT_EQ((*soon)[0].name, "app:lock");
  EXPECT_EQ(Inspector(table()).Query({.limit = 2})->size(), 2u);
}

KVSTORE_ON_EVERY_STORE_AND_LAYOUT(TxnTest);
KVSTORE_ON_EVERY_STORE_AND_LAYOUT(BatchTest);
KVSTORE_ON_EVERY_STORE_AND_LAYOUT(QueryTest);

}  // namespace
}  // namespace kvstore
