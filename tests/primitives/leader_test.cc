#include "kvstore/leader.h"

#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class LeaderTest : public testing::StoreFixture {
 protected:
  Elections elections() { return Elections(table()); }
  CampaignResult Campaign(const std::string& who, Millis ttl = Millis(1000)) {
    auto r = elections().Campaign("web", who, ttl);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CampaignResult{};
  }
};

TEST_P(LeaderTest, FirstCandidateLeadsOthersSeeIt) {
  CampaignResult a = Campaign("a");
  EXPECT_TRUE(a.elected);
  EXPECT_EQ(a.group.leader, "a");
  EXPECT_EQ(a.group.term, 1);
  CampaignResult b = Campaign("b");
  EXPECT_FALSE(b.elected);
  EXPECT_EQ(b.group.leader, "a");
  EXPECT_EQ(elections().Check("web")->leader, "a");
}

TEST_P(LeaderTest, LeaderCampaigningAgainKeepsItsTerm) {
  Campaign("a");
  CampaignResult again = Campaign("a");
  EXPECT_TRUE(again.elected);
  EXPECT_EQ(again.group.term, 1);
}

TEST_P(LeaderTest, HeartbeatsKeepLeadershipAndExpiryEndsIt) {
  Campaign("a");
  for (int i = 0; i < 5; ++i) {
    clock_->Advance(Millis(900));
    ASSERT_TRUE(elections().Heartbeat("web", "a", Millis(1000)).ok());
    EXPECT_FALSE(Campaign("b").elected);
  }
  clock_->Advance(Millis(1000));
  EXPECT_FALSE(elections().Check("web")->leader.has_value());
  EXPECT_TRUE(elections().Heartbeat("web", "a").status().Is(Code::kConditionFailed));
  CampaignResult b = Campaign("b");
  EXPECT_TRUE(b.elected);
  EXPECT_EQ(b.group.term, 2);
}

TEST_P(LeaderTest, OnlyTheLeaderResignsAndTheTermNeverGoesBack) {
  Campaign("a");
  EXPECT_TRUE(elections().Resign("web", "b").Is(Code::kConditionFailed));
  EXPECT_TRUE(elections().Resign("web", "a").ok());
  auto none = elections().Check("web");
  EXPECT_FALSE(none->leader.has_value());
  EXPECT_EQ(none->term, 1);
  EXPECT_EQ(Campaign("b").group.term, 2);
  EXPECT_TRUE(elections().Resign("web", "b").ok());
  EXPECT_EQ(Campaign("a").group.term, 3);
}

TEST_P(LeaderTest, HeartbeatByNonLeaderNamesTheLeader) {
  Campaign("a");
  auto hb = elections().Heartbeat("web", "b");
  EXPECT_TRUE(hb.status().Is(Code::kConditionFailed));
  EXPECT_EQ(hb.status().message(), "'b' is not the leader of group 'web'; the leader is 'a'");
}

KVSTORE_ON_EVERY_STORE(LeaderTest);

}  // namespace
}  // namespace kvstore
