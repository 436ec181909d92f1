#include "kvstore/counter.h"

#include <limits>

#include "kvstore/kv.h"
#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

class CounterTest : public testing::StoreFixture {
 protected:
  Counters counters() { return Counters(table()); }
};

TEST_P(CounterTest, MissingCounterReadsZero) { EXPECT_EQ(*counters().Get("c"), 0); }

TEST_P(CounterTest, AddReturnsTheNewValue) {
  EXPECT_EQ(*counters().Add("c", 1), 1);
  EXPECT_EQ(*counters().Add("c", 10), 11);
  EXPECT_EQ(*counters().Add("c", -20), -9);
  EXPECT_EQ(*counters().Add("c", 0), -9);
  EXPECT_EQ(*counters().Get("c"), -9);
}

TEST_P(CounterTest, PlainValueIsAWrongTypeAndStaysUnchanged) {
  ASSERT_TRUE(KeyValue(table()).Set("k", "hello").ok());
  auto added = counters().Add("k", 1);
  EXPECT_TRUE(added.status().Is(Code::kWrongType));
  EXPECT_EQ(added.status().message(), "key 'k' holds a value, not a counter");
  EXPECT_TRUE(counters().Get("k").status().Is(Code::kWrongType));
  EXPECT_EQ(KeyValue(table()).Get("k")->value, "hello");
}

TEST_P(CounterTest, OverflowIsAnErrorThatChangesNothing) {
  ASSERT_EQ(*counters().Add("c", kMax - 1), kMax - 1);
  EXPECT_EQ(*counters().Add("c", 1), kMax);
  EXPECT_TRUE(counters().Add("c", 1).status().Is(Code::kOutOfRange));
  EXPECT_TRUE(counters().Add("c", kMax).status().Is(Code::kOutOfRange));
  EXPECT_EQ(*counters().Get("c"), kMax);

  ASSERT_EQ(*counters().Add("d", kMin), kMin);
  EXPECT_TRUE(counters().Add("d", -1).status().Is(Code::kOutOfRange));
  EXPECT_EQ(*counters().Get("d"), kMin);
  EXPECT_EQ(*counters().Add("d", kMax), -1);
}

TEST_P(CounterTest, ExpiredKeyStartsAFreshCounter) {
  ASSERT_TRUE(KeyValue(table()).Set("k", "v", {.ttl = Millis(10)}).ok());
  clock_->Advance(Millis(10));
  EXPECT_EQ(*counters().Add("k", 5), 5);
}

TEST_P(CounterTest, BadNames) {
  EXPECT_TRUE(counters().Add("", 1).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(counters().Get(std::string(513, 'c')).status().Is(Code::kInvalidArgument));
}

KVSTORE_ON_EVERY_STORE_AND_LAYOUT(CounterTest);

TEST_P(CounterTest, TtlIsSetWhenTheCounterHasNoneAndNeverPushedBack) {
  EXPECT_EQ(*counters().Add("hits", 1, {.ttl = Millis(1000)}), 1);
  clock_->Advance(Millis(600));
  EXPECT_EQ(*counters().Add("hits", 1, {.ttl = Millis(1000)}), 2) << "a fixed window: the expiry is not pushed back";
  EXPECT_EQ(*KeyValue(table()).Ttl("hits"), Millis(400));
  clock_->Advance(Millis(400));
  EXPECT_EQ(*counters().Get("hits"), 0) << "the window ended";
  EXPECT_EQ(*counters().Add("hits", 1, {.ttl = Millis(1000)}), 1) << "a new window starts";
  EXPECT_EQ(*KeyValue(table()).Ttl("hits"), Millis(1000));
  EXPECT_EQ(*counters().Add("plain", 1), 1);
  EXPECT_EQ(*counters().Add("plain", 1, {.ttl = Millis(10)}), 2);
  EXPECT_EQ(*KeyValue(table()).Ttl("plain"), Millis(10)) << "one without an expiry gets one (EXPIRE NX)";
  EXPECT_TRUE(counters().Add("bad", 1, {.ttl = Millis(0)}).status().Is(Code::kInvalidArgument));
}

}  // namespace
}  // namespace kvstore
