#include "kvstore/rate_limit.h"

#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class RateLimitTest : public testing::StoreFixture {
 protected:
  RateDecision Take(RateLimitOptions options = {.rate = 20, .period = Millis(1000), .burst = 5}) {
    auto r = RateLimits(table()).Take("api", options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RateDecision{};
  }
};

TEST_P(RateLimitTest, BurstThenOneTokenPerInterval) {
  for (int i = 4; i >= 0; --i) {
    RateDecision d = Take();
    EXPECT_TRUE(d.admitted);
    EXPECT_EQ(d.remaining, i);
  }
  RateDecision refused = Take();
  EXPECT_FALSE(refused.admitted);
  EXPECT_EQ(refused.retry_after, Millis(50)) << "20/s: a token every 50 ms";
  clock_->Advance(Millis(49));
  EXPECT_FALSE(Take().admitted);
  clock_->Advance(Millis(1));
  EXPECT_TRUE(Take().admitted);
  EXPECT_FALSE(Take().admitted);
}

TEST_P(RateLimitTest, AQuietBucketFillsToTheBurstAndNoFurther) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Take().admitted);
  clock_->Advance(Millis(60'000));
  int admitted = 0;
  while (Take().admitted) ++admitted;
  EXPECT_EQ(admitted, 5);
}

TEST_P(RateLimitTest, AdmittedNeverExceedsRateTimesTimePlusBurst) {
  // Calls every 7 ms for 3 s of clock: at most 20 x 3 + 5.
  int admitted = 0;
  for (int t = 0; t < 3'000; t += 7) {
    admitted += Take().admitted;
    clock_->Advance(Millis(7));
  }
  EXPECT_LE(admitted, 65);
  EXPECT_GE(admitted, 60);
}

TEST_P(RateLimitTest, CostTakesSeveralTokens) {
  RateLimitOptions three = {.rate = 20, .period = Millis(1000), .burst = 5, .cost = 3};
  EXPECT_EQ(Take(three).remaining, 2);
  RateDecision refused = Take(three);
  EXPECT_FALSE(refused.admitted);
  EXPECT_EQ(refused.retry_after, Millis(50));
  EXPECT_TRUE(Take().admitted) << "a cheaper call still fits";
}

TEST_P(RateLimitTest, WaitTakesTheTokensWhenTheyCome) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Take().admitted);
  int64_t before = clock_->NowMillis();
  RateDecision waited = Take({.rate = 20, .period = Millis(1000), .burst = 5, .wait = Millis(1000)});
  EXPECT_TRUE(waited.admitted);
  EXPECT_GE(clock_->NowMillis() - before, 50);
  RateDecision too_short = Take({.rate = 20, .period = Millis(1000), .burst = 5, .wait = Millis(10)});
  EXPECT_FALSE(too_short.admitted) << "tokens 50 ms away are not waited for within 10 ms";
}

TEST_P(RateLimitTest, SlowRatesAndDefaultBurst) {
  RateLimitOptions hourly = {.rate = 3, .period = Millis(3'600'000)};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Take(hourly).admitted) << "burst defaults to the rate";
  RateDecision refused = Take(hourly);
  EXPECT_FALSE(refused.admitted);
  EXPECT_EQ(refused.retry_after, Millis(1'200'000));
}

TEST_P(RateLimitTest, BadOptionsAreRefused) {
  auto bad = [&](RateLimitOptions o) { return RateLimits(table()).Take("api", o).status().Is(Code::kInvalidArgument); };
  EXPECT_TRUE(bad({.rate = 0}));
  EXPECT_TRUE(bad({.rate = 2'000'000, .period = Millis(1000)}));
  EXPECT_TRUE(bad({.rate = 5, .period = Millis(1000), .burst = 5, .cost = 6}));
  EXPECT_TRUE(bad({.rate = 5, .period = Millis(1000), .cost = 0}));
  EXPECT_TRUE(bad({.rate = 1, .period = Millis(7'200'000), .burst = 1'000'000}));
  EXPECT_TRUE(RateLimits(table()).Take("", {.rate = 1}).status().Is(Code::kInvalidArgument));
  EXPECT_EQ(Take().remaining, 4) << "refused calls took nothing";
}

KVSTORE_ON_EVERY_STORE(RateLimitTest);

}  // namespace
}  // namespace kvstore
