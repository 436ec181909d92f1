#include "kvstore/semaphore.h"

#include "kvstore/lock.h"
#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class SemaphoreTest : public testing::StoreFixture {
 protected:
  Semaphores sems() { return Semaphores(table()); }
  SemaphoreAcquireResult Acquire(const std::string& owner, int64_t limit = 2, Millis ttl = Millis(1000)) {
    auto r = sems().Acquire("pool", owner, {.limit = limit, .ttl = ttl});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : SemaphoreAcquireResult{};
  }
};

TEST_P(SemaphoreTest, AtMostLimitHoldersEachWithAGreaterToken) {
  SemaphoreAcquireResult a = Acquire("a"), b = Acquire("b"), c = Acquire("c");
  EXPECT_TRUE(a.acquired && b.acquired);
  EXPECT_EQ(a.token, 1);
  EXPECT_EQ(b.token, 2);
  EXPECT_FALSE(c.acquired);
  ASSERT_EQ(c.semaphore.holders.size(), 2u);
  EXPECT_EQ(c.semaphore.holders[0].owner, "a");
  EXPECT_EQ(c.semaphore.Free(), 0);
  ASSERT_TRUE(sems().Release("pool", "a").ok());
  SemaphoreAcquireResult again = Acquire("c");
  EXPECT_TRUE(again.acquired);
  EXPECT_EQ(again.token, 3) << "tokens grow across releases";
  auto info = sems().Check("pool");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->limit, 2);
  EXPECT_EQ(info->holders.size(), 2u);
  EXPECT_EQ(info->last_token, 3);
}

TEST_P(SemaphoreTest, HolderRenewsWithItsTokenAndTakesNoSecondSlot) {
  SemaphoreAcquireResult first = Acquire("a");
  clock_->Advance(Millis(500));
  SemaphoreAcquireResult renewed = Acquire("a");
  EXPECT_TRUE(renewed.acquired);
  EXPECT_EQ(renewed.token, first.token);
  EXPECT_EQ(renewed.expires_at_ms, clock_->NowMillis() + 1000);
  EXPECT_EQ(sems().Check("pool")->holders.size(), 1u);
}

TEST_P(SemaphoreTest, RunOutSlotFreesAndCannotBeExtendedOrReleased) {
  Acquire("a");
  Acquire("b");
  clock_->Advance(Millis(600));
  ASSERT_TRUE(sems().Extend("pool", "b", Millis(1000)).ok());
  clock_->Advance(Millis(400));  // a's lease has run out; b's has not
  auto info = sems().Check("pool");
  ASSERT_EQ(info->holders.size(), 1u);
  EXPECT_EQ(info->holders[0].owner, "b");
  EXPECT_TRUE(sems().Extend("pool", "a").status().Is(Code::kConditionFailed));
  EXPECT_TRUE(sems().Release("pool", "a").Is(Code::kConditionFailed));
  SemaphoreAcquireResult c = Acquire("c");
  EXPECT_TRUE(c.acquired);
  EXPECT_EQ(c.token, 3);
}

TEST_P(SemaphoreTest, DisagreeingLimitIsRefusedWhileSlotsAreHeld) {
  Acquire("a", 3);
  auto other = sems().Acquire("pool", "b", {.limit = 5});
  EXPECT_TRUE(other.status().Is(Code::kInvalidArgument)) << other.status().ToString();
  EXPECT_NE(other.status().message().find("limit of 3"), std::string::npos);
  EXPECT_EQ(sems().Check("pool")->holders.size(), 1u) << "nothing changed";
  ASSERT_TRUE(sems().Release("pool", "a").ok());
  SemaphoreAcquireResult b = Acquire("b", 5);
  EXPECT_TRUE(b.acquired) << "once no slot is held, the limit may change";
  EXPECT_EQ(sems().Check("pool")->limit, 5);
}

TEST_P(SemaphoreTest, WaitTakesASlotOnceOneRunsOut) {
  Acquire("a", 1);
  auto waited = sems().Acquire("pool", "b", {.limit = 1, .ttl = Millis(1000), .wait = Millis(5000)});
  ASSERT_TRUE(waited.ok());
  EXPECT_TRUE(waited->acquired);
  EXPECT_GE(clock_->NowMillis(), 1000) << "only once a's lease ran out";
}

TEST_P(SemaphoreTest, AnOwnerMayHoldAnyBytes) {
  std::string owner = "x 1 2:y\n9 9 9:é";  // looks like the encoding itself
  ASSERT_TRUE(Acquire(owner).acquired);
  ASSERT_TRUE(Acquire("plain").acquired);
  auto info = sems().Check("pool");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_EQ(info->holders.size(), 2u);
  EXPECT_EQ(info->holders[0].owner, owner);
  EXPECT_TRUE(sems().Release("pool", owner).ok());
}

TEST_P(SemaphoreTest, NamesDoNotClashWithLocks) {
  ASSERT_TRUE(Locks(table()).Acquire("pool", "a").ok());
  EXPECT_TRUE(Acquire("a").acquired);
  EXPECT_EQ(Acquire("a").token, 1);
}

TEST_P(SemaphoreTest, HoldKeepsTheSlotAndReleasesIt) {
  auto kept = sems().Hold("pool", "a", {.limit = 1, .ttl = Millis(1000)});
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ((*kept)->token(), 1);
  EXPECT_TRUE(sems().Hold("pool", "b", {.limit = 1}).status().Is(Code::kConditionFailed));
  ASSERT_TRUE((*kept)->Release().ok());
  EXPECT_TRUE(sems().Check("pool")->holders.empty());
}

TEST_P(SemaphoreTest, BadInputChangesNothing) {
  EXPECT_TRUE(sems().Acquire("pool", "a", {.limit = 0}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(sems().Acquire("pool", "a", {.limit = kMaxSemaphoreLimit + 1}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(sems().Acquire("", "a", {.limit = 1}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(sems().Acquire("pool", "", {.limit = 1}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(sems().Acquire("pool", "a", {.limit = 1, .ttl = Millis(0)}).status().Is(Code::kInvalidArgument));
  EXPECT_EQ(sems().Check("pool")->limit, 0);
}

KVSTORE_ON_EVERY_STORE(SemaphoreTest);

}  // namespace
}  // namespace kvstore
