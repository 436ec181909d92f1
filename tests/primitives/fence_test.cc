// Fenced writes (kvstore/fence.h): every write that takes fences applies only
// while the lock (leader) still holds that token (term), on both stores.
#include "kvstore/fence.h"

#include "kvstore/counter.h"
#include "kvstore/kv.h"
#include "kvstore/leader.h"
#include "kvstore/lock.h"
#include "kvstore/queue.h"
#include "kvstore/txn.h"
#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class FenceTest : public testing::StoreFixture {
 protected:
  // Takes lock "deploy" for `owner` and returns its token.
  int64_t Take(const std::string& owner, Millis ttl = Millis(1000)) {
    auto r = Locks(table()).Acquire("deploy", owner, {.ttl = ttl});
    EXPECT_TRUE(r.ok() && r->acquired);
    return r.ok() ? r->lock.token : 0;
  }
  static Fences LockFence(int64_t token) { return {Fence{.holder = Fence::Holder::kLock, .name = "deploy", .token = token}}; }
  KeyValue kv() { return KeyValue(table()); }
  std::string ValueOf(const std::string& key) {
    auto e = kv().Get(key);
    return e.ok() ? e->value : "(" + e.status().message() + ")";
  }
};

TEST_P(FenceTest, HolderWritesWhileItHoldsTheLock) {
  int64_t token = Take("alice");
  EXPECT_TRUE(kv().Set("config", "v1", {.fences = LockFence(token)}).ok());
  EXPECT_EQ(ValueOf("config"), "v1");
  EXPECT_EQ(*Counters(table()).Add("n", 5, {.fences = LockFence(token)}), 5);
  EXPECT_EQ(*Counters(table()).Add("n", -2, {.fences = LockFence(token)}), 3);
  EXPECT_TRUE(Queues(table()).Push("jobs", "p", {.fences = LockFence(token)}).ok());
  EXPECT_TRUE(kv().Delete("config", {.fences = LockFence(token)}).ok());
  EXPECT_TRUE(kv().Delete("config", {.fences = LockFence(token)}).Is(Code::kNotFound));
}

TEST_P(FenceTest, StaleHolderIsRefusedAfterTakeoverAndNothingChanges) {
  int64_t stale = Take("alice");
  ASSERT_TRUE(kv().Set("config", "alice's").ok());
  clock_->Advance(Millis(1000));  // alice's lease runs out unnoticed
  int64_t fresh = Take("bob");
  EXPECT_GT(fresh, stale);
  Status refused = kv().Set("config", "stale write", {.fences = LockFence(stale)});
  EXPECT_TRUE(refused.Is(Code::kConditionFailed)) << refused.ToString();
  EXPECT_NE(refused.message().find("lock 'deploy' is not held with token 1"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("'bob'"), std::string::npos) << refused.message();
  EXPECT_TRUE(kv().Delete("config", {.fences = LockFence(stale)}).Is(Code::kConditionFailed));
  EXPECT_TRUE(Counters(table()).Add("n", 1, {.fences = LockFence(stale)}).status().Is(Code::kConditionFailed));
  EXPECT_TRUE(Queues(table()).Push("jobs", "p", {.fences = LockFence(stale)}).status().Is(Code::kConditionFailed));
  EXPECT_EQ(ValueOf("config"), "alice's");
  EXPECT_EQ(*Counters(table()).Get("n"), 0);
  EXPECT_EQ(Queues(table()).Size("jobs")->visible, 0u);
}

TEST_P(FenceTest, LapsedLeaseRefusesEvenBeforeAnyoneTakesOver) {
  int64_t token = Take("alice");
  clock_->Advance(Millis(1000));
  Status refused = kv().Set("config", "late", {.fences = LockFence(token)});
  EXPECT_TRUE(refused.Is(Code::kConditionFailed)) << refused.ToString();
  EXPECT_NE(refused.message().find("ran out"), std::string::npos) << refused.message();
  ASSERT_TRUE(Locks(table()).Release("deploy", "alice").Is(Code::kConditionFailed));
  EXPECT_TRUE(kv().Get("config").status().Is(Code::kNotFound));
}

TEST_P(FenceTest, ReleasedLockRefuses) {
  int64_t token = Take("alice");
  ASSERT_TRUE(Locks(table()).Release("deploy", "alice").ok());
  EXPECT_TRUE(kv().Set("config", "after release", {.fences = LockFence(token)}).Is(Code::kConditionFailed));
}

TEST_P(FenceTest, LeaderTermFencesWrites) {
  Elections leaders(table());
  auto elected = leaders.Campaign("db", "a", Millis(1000));
  ASSERT_TRUE(elected.ok() && elected->elected);
  Fences term{Fence{.holder = Fence::Holder::kLeader, .name = "db", .token = elected->group.term}};
  EXPECT_TRUE(kv().Set("primary", "a", {.fences = term}).ok());
  clock_->Advance(Millis(1000));
  ASSERT_TRUE(leaders.Campaign("db", "b", Millis(1000))->elected);
  Status refused = kv().Set("primary", "a again", {.fences = term});
  EXPECT_TRUE(refused.Is(Code::kConditionFailed)) << refused.ToString();
  EXPECT_NE(refused.message().find("leader group 'db' is not led in term 1"), std::string::npos) << refused.message();
  EXPECT_EQ(ValueOf("primary"), "a");
}

TEST_P(FenceTest, FencesAndConditionsTogether) {
  int64_t token = Take("alice");
  ASSERT_TRUE(kv().Set("config", "v1").ok());
  EXPECT_TRUE(kv().Set("config", "v2", {.if_value = "v0", .fences = LockFence(token)}).Is(Code::kConditionFailed));
  EXPECT_TRUE(kv().Set("config", "v2", {.if_not_exists = true, .fences = LockFence(token)}).Is(Code::kConditionFailed));
  EXPECT_TRUE(kv().Set("config", "v2", {.if_value = "v1", .fences = LockFence(token)}).ok());
  EXPECT_TRUE(kv().Delete("config", {.if_value = "v1", .fences = LockFence(token)}).Is(Code::kConditionFailed));
  EXPECT_EQ(ValueOf("config"), "v2");
  EXPECT_TRUE(kv().Set("config", "v3", {.ttl = Millis(500), .fences = LockFence(token)}).ok());
  EXPECT_EQ(kv().Get("config")->expires_at_ms, clock_->NowMillis() + 500);
}

TEST_P(FenceTest, FencedCounterKeepsItsChecks) {
  int64_t token = Take("alice", Millis(60'000));
  ASSERT_TRUE(kv().Set("text", "not a number").ok());
  EXPECT_TRUE(Counters(table()).Add("text", 1, {.fences = LockFence(token)}).status().Is(Code::kWrongType));
  ASSERT_TRUE(Counters(table()).Add("big", INT64_MAX).ok());
  EXPECT_TRUE(Counters(table()).Add("big", 1, {.fences = LockFence(token)}).status().Is(Code::kOutOfRange));
  EXPECT_EQ(*Counters(table()).Add("win", 1, {.ttl = Millis(700), .fences = LockFence(token)}), 1);
  EXPECT_EQ(*Counters(table()).Add("win", 1, {.ttl = Millis(5000), .fences = LockFence(token)}), 2);
  EXPECT_EQ(kv().Get("win")->expires_at_ms, clock_->NowMillis() + 700) << "a window is never pushed back";
}

TEST_P(FenceTest, TransactionAppliesOnlyWhileEveryFenceHolds) {
  int64_t token = Take("alice");
  TxnOp set{.type = TxnOp::Type::kSet, .name = "a", .value = "1", .fences = LockFence(token)};
  TxnOp inc{.type = TxnOp::Type::kAdd, .name = "n", .by = 1, .fences = LockFence(token)};
  TxnOp sadd{.type = TxnOp::Type::kSAdd, .name = "s", .items = {"m"}};
  ASSERT_TRUE(Transactions(table()).Apply({set, inc, sadd}).ok());
  clock_->Advance(Millis(1000));
  Take("bob");
  set.value = "2";
  auto refused = Transactions(table()).Apply({sadd, set, inc});
  EXPECT_TRUE(refused.status().Is(Code::kConditionFailed)) << refused.status().ToString();
  EXPECT_EQ(ValueOf("a"), "1");
  EXPECT_EQ(*Counters(table()).Get("n"), 1);
}

TEST_P(FenceTest, BadFencesAreRefusedBeforeAnyWrite) {
  EXPECT_TRUE(kv().Set("k", "v", {.fences = LockFence(0)}).Is(Code::kInvalidArgument));
  Fences two_tokens = {LockFence(1)[0], LockFence(2)[0]};
  EXPECT_TRUE(kv().Set("k", "v", {.fences = two_tokens}).Is(Code::kInvalidArgument));
  Fences unnamed = {Fence{.holder = Fence::Holder::kLock, .name = "", .token = 1}};
  EXPECT_TRUE(kv().Set("k", "v", {.fences = unnamed}).Is(Code::kInvalidArgument));
  EXPECT_TRUE(kv().Get("k").status().Is(Code::kNotFound));
}

TEST(ParseFenceTest, NameIsEverythingBeforeTheLastColon) {
  auto fence = ParseFence(Fence::Holder::kLock, "db:primary:42");
  ASSERT_TRUE(fence.ok());
  EXPECT_EQ(fence->name, "db:primary");
  EXPECT_EQ(fence->token, 42);
  for (const char* bad : {"deploy", "deploy:", "deploy:0", "deploy:-1", "deploy:1x", "deploy:99999999999999999999"}) {
    EXPECT_TRUE(ParseFence(Fence::Holder::kLock, bad).status().Is(Code::kInvalidArgument)) << bad;
  }
}

KVSTORE_ON_EVERY_STORE(FenceTest);

}  // namespace
}  // namespace kvstore
