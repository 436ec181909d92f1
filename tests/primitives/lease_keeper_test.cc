// The lease keeper on a real clock: it must keep a lock past its TTL, report
// a loss once, never release a lease that someone else now holds, and free
// the lock when it goes away.
#include "kvstore/lease_keeper.h"

#include <atomic>
#include <thread>

#include "kvstore/lock.h"
#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class LeaseKeeperTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    real_store_ = OpenAnother(SystemClock::Shared(), Millis(0));
    ASSERT_TRUE(real_store_);
    locks_.emplace(*real_store_->OpenTable("tbl"));
  }

  Locks& locks() { return *locks_; }

  std::unique_ptr<Store> real_store_;
  std::optional<Locks> locks_;
};

TEST_P(LeaseKeeperTest, KeepsTheLockPastItsTtlAndFreesItWhenDestroyed) {
  {
    // A TTL long enough for a renewal's round trip under the sanitizers.
    auto kept = locks().Hold("deploy", "alice", {.ttl = Millis(1000)});
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_EQ((*kept)->token(), 1);
    std::this_thread::sleep_for(Millis(2500));  // two and a half TTLs
    auto info = locks().Check("deploy");
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info->held);
    EXPECT_EQ(info->owner, "alice");
    EXPECT_EQ(info->token, 1);
    EXPECT_FALSE(locks().Acquire("deploy", "bob")->acquired);
    EXPECT_FALSE((*kept)->lost()) << (*kept)->lost_reason().ToString();
  }
  EXPECT_FALSE(locks().Check("deploy")->held);
}

TEST_P(LeaseKeeperTest, RefusesALockHeldBySomeoneElse) {
  ASSERT_TRUE(locks().Acquire("deploy", "bob", {.ttl = Millis(10'000)})->acquired);
  auto kept = locks().Hold("deploy", "alice", {.ttl = Millis(300)});
  ASSERT_TRUE(kept.status().Is(Code::kConditionFailed)) << kept.status().ToString();
  EXPECT_NE(kept.status().message().find("'bob'"), std::string::npos) << kept.status().message();
}

TEST_P(LeaseKeeperTest, ReportsALostLeaseOnceAndLeavesTheNewHolderAlone) {
  std::atomic<int> losses{0};
  auto kept = locks().Hold("deploy", "alice", {.ttl = Millis(600)},
                           {.on_lost = [&](const Status& why) {
                             EXPECT_TRUE(why.Is(Code::kConditionFailed)) << why.ToString();
                             ++losses;
                           }});
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  // Someone frees alice's lock behind her back and bob takes it.
  ASSERT_TRUE(locks().Release("deploy", "alice").ok());
  ASSERT_TRUE(locks().Acquire("deploy", "bob", {.ttl = Millis(10'000)})->acquired);
  for (int i = 0; i < 100 && !(*kept)->lost(); ++i) std::this_thread::sleep_for(Millis(20));
  EXPECT_TRUE((*kept)->lost());
  EXPECT_TRUE((*kept)->lost_reason().Is(Code::kConditionFailed));
  EXPECT_TRUE((*kept)->Release().Is(Code::kConditionFailed));
  kept->reset();
  EXPECT_EQ(losses.load(), 1);
  auto info = locks().Check("deploy");
  EXPECT_EQ(info->owner, "bob");
  EXPECT_EQ(info->token, 2);
}

TEST_P(LeaseKeeperTest, ReleaseFreesTheLockOnce) {
  auto kept = locks().Hold("deploy", "alice", {.ttl = Millis(5'000)});
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE((*kept)->Release().ok());
  EXPECT_FALSE(locks().Check("deploy")->held);
  EXPECT_TRUE((*kept)->Release().ok());
  EXPECT_TRUE(locks().Acquire("deploy", "bob")->acquired);
}

// A holder that gives up in its on_lost callback, while another thread
// releases too, must not deadlock either of them.
TEST_P(LeaseKeeperTest, ReleaseFromTheLossCallbackAndAnotherThreadAtOnce) {
  std::atomic<LeaseKeeper*> self{nullptr};
  std::atomic<bool> released_in_callback{false};
  auto kept = locks().Hold("deploy", "alice", {.ttl = Millis(600)},
                           {.on_lost = [&](const Status&) {
                             released_in_callback = self.load()->Release().Is(Code::kConditionFailed);
                           }});
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  self = kept->get();  // the first renewal, and so any loss, is 200 ms away
  ASSERT_TRUE(locks().Release("deploy", "alice").ok());
  for (int i = 0; i < 100 && !(*kept)->lost(); ++i) std::this_thread::sleep_for(Millis(10));
  EXPECT_TRUE((*kept)->Release().Is(Code::kConditionFailed));
  kept->reset();
  EXPECT_TRUE(released_in_callback.load());
}

KVSTORE_ON_EVERY_STORE(LeaseKeeperTest);

}  // namespace
}  // namespace kvstore
