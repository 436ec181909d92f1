#include "util/retry_policy.h"

#include <gtest/gtest.h>

namespace kvstore {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicyTest, StepsDoubleUpToTheCap) {
  EXPECT_EQ(BackoffStep(kRequestRetry, 0), milliseconds(50));
  EXPECT_EQ(BackoffStep(kRequestRetry, 1), milliseconds(100));
  EXPECT_EQ(BackoffStep(kRequestRetry, 5), milliseconds(1600));
  EXPECT_EQ(BackoffStep(kRequestRetry, 6), milliseconds(2000));
  EXPECT_EQ(BackoffStep(kRequestRetry, 1000), milliseconds(2000));
  EXPECT_EQ(BackoffStep(kWaitPoll, 0), milliseconds(2));
  EXPECT_EQ(BackoffStep(kWaitPoll, 10), milliseconds(50));
}

TEST(RetryPolicyTest, PausesSpreadAroundTheStep) {
  milliseconds low(1'000'000), high(0);
  for (int i = 0; i < 2000; ++i) {
    milliseconds pause = JitteredPause(milliseconds(100));
    low = std::min(low, pause);
    high = std::max(high, pause);
  }
  EXPECT_GE(low, milliseconds(50));
  EXPECT_LE(high, milliseconds(150));
  // Spread, not one value: contenders must not retry in step.
  EXPECT_LT(low, milliseconds(60));
  EXPECT_GT(high, milliseconds(140));
  EXPECT_GE(JitteredPause(milliseconds(0)), milliseconds(1));
  EXPECT_GE(JitteredPause(milliseconds(1)), milliseconds(1));
}

}  // namespace
}  // namespace kvstore
