#include "kvstore/lock.h"

#include <functional>

#include "kvstore/kv.h"
#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class LockTest : public testing::StoreFixture {
 protected:
  Locks locks() { return Locks(table()); }
  AcquireResult Acquire(const std::string& owner, AcquireOptions options = {}) {
    auto r = locks().Acquire("deploy", owner, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AcquireResult{};
  }
};

TEST_P(LockTest, FreeLockIsAcquiredWithTokenOne) {
  AcquireResult r = Acquire("alice", {.ttl = Millis(5000)});
  EXPECT_TRUE(r.acquired);
  EXPECT_EQ(r.lock.token, 1);
  EXPECT_EQ(r.lock.owner, "alice");
  EXPECT_EQ(r.lock.expires_at_ms, clock_->NowMillis() + 5000);
}

TEST_P(LockTest, HeldLockIsRefusedAndShowsHolder) {
  Acquire("alice");
  AcquireResult r = Acquire("bob");
  EXPECT_FALSE(r.acquired);
  EXPECT_EQ(r.lock.owner, "alice");
  EXPECT_EQ(r.lock.token, 1);
}

TEST_P(LockTest, ReacquireByHolderRenewsWithSameToken) {
  Acquire("alice", {.ttl = Millis(1000)});
  clock_->Advance(Millis(900));
  AcquireResult again = Acquire("alice", {.ttl = Millis(1000)});
  EXPECT_TRUE(again.acquired);
  EXPECT_EQ(again.lock.token, 1);
  EXPECT_EQ(again.lock.expires_at_ms, clock_->NowMillis() + 1000);
}

TEST_P(LockTest, ExpiredLeaseIsFreeForAnyoneWithAGreaterToken) {
  Acquire("alice", {.ttl = Millis(1000)});
  clock_->Advance(Millis(1000));
  EXPECT_FALSE(locks().Check("deploy")->held);
  AcquireResult bob = Acquire("bob");
  EXPECT_TRUE(bob.acquired);
  EXPECT_EQ(bob.lock.token, 2);
  // The stale holder can neither extend nor release.
  EXPECT_TRUE(locks().Extend("deploy", "alice").status().Is(Code::kConditionFailed));
  EXPECT_TRUE(locks().Release("deploy", "alice").Is(Code::kConditionFailed));
  EXPECT_EQ(locks().Check("deploy")->owner, "bob");
}

TEST_P(LockTest, TokensKeepGrowingAcrossReleases) {
  for (int i = 1; i <= 5; ++i) {
    std::string owner = "owner" + std::to_string(i);
    AcquireResult r = Acquire(owner);
    ASSERT_TRUE(r.acquired);
    EXPECT_EQ(r.lock.token, i);
    ASSERT_TRUE(locks().Release("deploy", owner).ok());
  }
  LockInfo free = *locks().Check("deploy");
  EXPECT_FALSE(free.held);
  EXPECT_EQ(free.token, 5) << "a free lock still reports the last token issued";
}

TEST_P(LockTest, OnlyTheOwnerReleases) {
  Acquire("alice");
  Status wrong = locks().Release("deploy", "bob");
  EXPECT_TRUE(wrong.Is(Code::kConditionFailed));
  EXPECT_EQ(wrong.message(), "lock 'deploy' is not held by 'bob'; it is held by 'alice'");
  EXPECT_TRUE(locks().Check("deploy")->held);
  EXPECT_TRUE(locks().Release("deploy", "alice").ok());
  EXPECT_TRUE(locks().Release("deploy", "alice").Is(Code::kConditionFailed));
}

TEST_P(LockTest, ExtendRestartsTheLease) {
  Acquire("alice", {.ttl = Millis(1000)});
  clock_->Advance(Millis(800));
  auto extended = locks().Extend("deploy", "alice", Millis(1000));
  ASSERT_TRUE(extended.ok());
  EXPECT_EQ(extended->expires_at_ms, clock_->NowMillis() + 1000);
  clock_->Advance(Millis(800));
  EXPECT_TRUE(locks().Check("deploy")->held) << "1.6 s after acquiring, thanks to the extension";
  EXPECT_TRUE(locks().Extend("deploy", "bob").status().Is(Code::kConditionFailed));
}

TEST_P(LockTest, WaitRetriesUntilTheLeaseRunsOut) {
  Acquire("alice", {.ttl = Millis(3000)});
  int64_t start = clock_->NowMillis();
  AcquireResult bob = Acquire("bob", {.ttl = Millis(1000), .wait = Millis(5000)});
  EXPECT_TRUE(bob.acquired);
  EXPECT_GE(clock_->NowMillis() - start, 3000);
  EXPECT_LT(clock_->NowMillis() - start, 3000 + 100) << "backoff is capped, so the waiter notices promptly";
}

TEST_P(LockTest, WaitGivesUpAfterTheWait) {
  Acquire("alice", {.ttl = Millis(10000)});
  int64_t start = clock_->NowMillis();
  AcquireResult bob = Acquire("bob", {.wait = Millis(500)});
  EXPECT_FALSE(bob.acquired);
  EXPECT_EQ(clock_->NowMillis() - start, 500);
}

// Another client of the fixture's store, with a clock of its own.
class OtherClient {
 public:
  explicit OtherClient(std::unique_ptr<Store> store) : store_(std::move(store)) {}
  Locks locks() { return Locks(*store_->OpenTable("tbl")); }

 private:
  std::unique_ptr<Store> store_;
};

// Clients of another machine allow 1 s of skew (the DynamoDB default).
constexpr Millis kSkew{1000};

// A clock whose every sleep first lets the test act (a holder renewing while
// someone waits).
class ClockWithHook final : public Clock {
 public:
  explicit ClockWithHook(int64_t start) : inner_(start) {}
  int64_t NowMillis() const override { return inner_.NowMillis(); }
  int64_t ElapsedMillis() const override { return inner_.ElapsedMillis(); }
  void SleepFor(Millis d) const override {
    if (on_sleep) on_sleep();
    inner_.SleepFor(d);
  }
  bool WaitsInRealTime() const override { return false; }
  std::function<void()> on_sleep;

 private:
  mutable ManualClock inner_;
};

TEST_P(LockTest, AnotherClockJudgesExpiryOnlyOnceTheSkewAllowanceHasPassed) {
  auto bobs_clock = std::make_shared<ManualClock>(clock_->NowMillis());
  OtherClient bob(OpenAnother(bobs_clock, kSkew));
  Acquire("alice", {.ttl = Millis(1000)});
  bobs_clock->Advance(Millis(1500));  // past alice's deadline by bob's clock, not by 1 s more
  EXPECT_TRUE(bob.locks().Check("deploy")->held);
  EXPECT_FALSE(bob.locks().Acquire("deploy", "bob")->acquired);
  bobs_clock->Advance(Millis(500));
  auto taken = bob.locks().Acquire("deploy", "bob");
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(taken->acquired);
  EXPECT_EQ(taken->lock.token, 2);
}

TEST_P(LockTest, WaiterWithASlowClockTakesOverAfterWatchingAWholeLease) {
  // Bob's wall clock is ten minutes behind: by it, alice's lease has not even
  // started. Watching the lock unchanged for the lease's length is enough.
  auto bobs_clock = std::make_shared<ManualClock>(clock_->NowMillis() - 600'000);
  OtherClient bob(OpenAnother(bobs_clock, kSkew));
  Acquire("alice", {.ttl = Millis(2000)});
  int64_t start = bobs_clock->ElapsedMillis();
  auto taken = bob.locks().Acquire("deploy", "bob", {.ttl = Millis(1000), .wait = Millis(5000)});
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(taken->acquired);
  EXPECT_EQ(taken->lock.token, 2);
  EXPECT_GE(bobs_clock->ElapsedMillis() - start, 2000) << "not before a whole lease was watched";
  EXPECT_LT(bobs_clock->ElapsedMillis() - start, 2100);
  EXPECT_TRUE(locks().Extend("deploy", "alice").status().Is(Code::kConditionFailed));
}

TEST_P(LockTest, RenewalsKeepAWatchingWaiterOut) {
  auto bobs_clock = std::make_shared<ClockWithHook>(clock_->NowMillis() - 600'000);
  OtherClient bob(OpenAnother(bobs_clock, kSkew));
  Acquire("alice", {.ttl = Millis(2000)});
  bobs_clock->on_sleep = [&] { ASSERT_TRUE(locks().Extend("deploy", "alice", Millis(2000)).ok()); };
  auto refused = bob.locks().Acquire("deploy", "bob", {.wait = Millis(6000)});
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->acquired) << "alice renewed all along";
  bobs_clock->on_sleep = nullptr;  // alice stops renewing (she crashed)
  auto taken = bob.locks().Acquire("deploy", "bob", {.wait = Millis(6000)});
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(taken->acquired);
}

// A clock that moves on by `step` every time it is read: each request takes
// that long, as seen by the caller.
class SlowRequestsClock final : public Clock {
 public:
  SlowRequestsClock(int64_t start, int64_t step) : now_(start), step_(step) {}
  int64_t NowMillis() const override { return now_ += step_; }
  int64_t ElapsedMillis() const override { return now_; }
  void SleepFor(Millis d) const override { now_ += d.count(); }
  bool WaitsInRealTime() const override { return false; }

 private:
  mutable int64_t now_;
  int64_t step_;
};

TEST_P(LockTest, ALeaseThatRanOutBeforeTheAnswerCameIsNotAcquired) {
  auto clock = std::make_shared<SlowRequestsClock>(clock_->NowMillis(), 300);
  OtherClient slow(OpenAnother(clock, Millis(0)));
  auto lapsed = slow.locks().Acquire("deploy", "slow", {.ttl = Millis(100)});
  ASSERT_TRUE(lapsed.ok());
  EXPECT_FALSE(lapsed->acquired) << "by the caller's clock the 100 ms lease ended before the answer";
  auto held = slow.locks().Acquire("deploy", "slow", {.ttl = Millis(60'000)});
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->acquired);
}

TEST_P(LockTest, OwnLapsedLeaseIsTakenAgainWithANewToken) {
  auto clock = std::make_shared<ManualClock>(clock_->NowMillis());
  OtherClient alice(OpenAnother(clock, kSkew));
  ASSERT_TRUE(alice.locks().Acquire("deploy", "alice", {.ttl = Millis(1000)})->acquired);
  clock->Advance(Millis(1500));  // lapsed by her clock, within the skew allowance for others
  auto again = alice.locks().Acquire("deploy", "alice", {.ttl = Millis(1000)});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->acquired);
  EXPECT_EQ(again->lock.token, 2) << "a lapsed lease is a new tenure";
}

TEST_P(LockTest, LockNamesDoNotClashWithKeys) {
  ASSERT_TRUE(KeyValue(table()).Set("deploy", "a value").ok());
  EXPECT_TRUE(Acquire("alice").acquired);
  EXPECT_EQ(KeyValue(table()).Get("deploy")->value, "a value");
}

TEST_P(LockTest, BadInput) {
  EXPECT_TRUE(locks().Acquire("", "a").status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(locks().Acquire("l", "").status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(locks().Acquire("l", "a", {.ttl = Millis(0)}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(locks().Acquire("l", "a", {.wait = Millis(-1)}).status().Is(Code::kInvalidArgument));
  EXPECT_FALSE(locks().Check("l")->held) << "rejected calls change nothing";
}

KVSTORE_ON_EVERY_STORE(LockTest);

}  // namespace
}  // namespace kvstore
