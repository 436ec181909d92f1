#include "kvstore/watch.h"

#include "kvstore/counter.h"
#include "kvstore/kv.h"
#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;
using Type = Change::Type;

class WatchTest : public testing::StoreFixture {
 protected:
  std::unique_ptr<Watch> Start(WatchOptions options) {
    auto w = Watch::Start(table(), options);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? std::move(*w) : nullptr;
  }
  // "put k v", "delete k", "expire k": the changes Next(0) returns.
  std::vector<std::string> Changes(Watch& w) {
    auto changes = w.Next(Millis(0));
    EXPECT_TRUE(changes.ok()) << changes.status().ToString();
    std::vector<std::string> out;
    if (!changes.ok()) return out;
    for (const Change& c : *changes) {
      const char* name = c.type == Type::kPut ? "put" : c.type == Type::kDelete ? "delete" : "expire";
      out.push_back(std::string(name) + " " + c.entry.key + (c.type == Type::kPut ? " " + c.entry.value : ""));
    }
    return out;
  }
  KeyValue kv() { return KeyValue(table()); }
};

TEST_P(WatchTest, ReportsPutsDeletesAndExpiriesOfOneKey) {
  ASSERT_TRUE(kv().Set("k", "before").ok());
  auto w = Start({.key = "k"});
  EXPECT_TRUE(Changes(*w).empty()) << "what was there at the start is not a change";
  ASSERT_TRUE(kv().Set("k", "v1").ok());
  EXPECT_EQ(Changes(*w), std::vector<std::string>{"put k v1"});
  ASSERT_TRUE(kv().Set("k", "v1").ok());
  EXPECT_EQ(Changes(*w), std::vector<std::string>{"put k v1"}) << "a write of the same value is a change";
  ASSERT_TRUE(kv().Delete("k").ok());
  EXPECT_EQ(Changes(*w), std::vector<std::string>{"delete k"});
  ASSERT_TRUE(kv().Set("k", "short", {.ttl = Millis(100)}).ok());
  EXPECT_EQ(Changes(*w), std::vector<std::string>{"put k short"});
  clock_->Advance(Millis(100));
  EXPECT_EQ(Changes(*w), std::vector<std::string>{"expire k"});
  ASSERT_TRUE(kv().Set("other", "x").ok());
  EXPECT_TRUE(Changes(*w).empty());
}

TEST_P(WatchTest, ManyWritesBetweenReadsShowTheLatestState) {
  auto w = Start({.key = "k"});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(kv().Set("k", "v" + std::to_string(i)).ok());
  EXPECT_EQ(Changes(*w), std::vector<std::string>{"put k v4"});
  ASSERT_TRUE(kv().Set("k", "gone soon").ok());
  ASSERT_TRUE(kv().Delete("k").ok());
  EXPECT_EQ(Changes(*w), std::vector<std::string>{"delete k"}) << "the final state, never a stale one";
}

TEST_P(WatchTest, PrefixWatchSeesEveryKeyInKeyOrderAndCounters) {
  ASSERT_TRUE(kv().Set("job:1", "queued").ok());
  auto w = Start({.key = "job:", .prefix = true});
  ASSERT_TRUE(kv().Set("job:2", "queued").ok());
  ASSERT_TRUE(kv().Set("job:1", "done").ok());
  ASSERT_TRUE(Counters(table()).Add("job:count", 2).ok());
  ASSERT_TRUE(kv().Set("jobs", "not under the prefix").ok());
  EXPECT_EQ(Changes(*w), (std::vector<std::string>{"put job:1 done", "put job:2 queued", "put job:count 2"}));
  ASSERT_TRUE(kv().Delete("job:1").ok());
  EXPECT_EQ(Changes(*w), std::vector<std::string>{"delete job:1"});
}

TEST_P(WatchTest, NextWaitsForAChangeOrItsTimeout) {
  auto w = Start({.key = "k", .poll_interval = Millis(100)});
  auto none = w->Next(Millis(1000));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_GE(clock_->NowMillis(), 1000) << "it waited the whole timeout";
}

TEST_P(WatchTest, WaitForChecksAtOnceAndGivesUpAtItsTimeout) {
  ASSERT_TRUE(kv().Set("flag", "ready").ok());
  EXPECT_TRUE(*WaitFor(table(), "flag", {}, Millis(0)));
  EXPECT_TRUE(*WaitFor(table(), "flag", {.kind = WaitCondition::Kind::kValue, .value = "ready"}, Millis(0)));
  EXPECT_FALSE(*WaitFor(table(), "flag", {.kind = WaitCondition::Kind::kValue, .value = "other"}, Millis(500)));
  EXPECT_FALSE(*WaitFor(table(), "flag", {.kind = WaitCondition::Kind::kMissing}, Millis(500)));
  ASSERT_TRUE(kv().Set("temp", "x", {.ttl = Millis(300)}).ok());
  EXPECT_TRUE(*WaitFor(table(), "temp", {.kind = WaitCondition::Kind::kMissing}, Millis(1000)))
      << "a key that expires is gone";
  ASSERT_TRUE(Counters(table()).Add("n", 3).ok());
  EXPECT_TRUE(*WaitFor(table(), "n", {.kind = WaitCondition::Kind::kValue, .value = "3"}, Millis(0)));
}

TEST_P(WatchTest, BadInput) {
  EXPECT_TRUE(Watch::Start(table(), {.key = ""}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(Watch::Start(table(), {.key = "k", .poll_interval = Millis(0)}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(WaitFor(table(), "", {}, Millis(0)).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(Watch::Start(table(), {.key = std::string(513, 'x'), .prefix = true}).status().Is(Code::kInvalidArgument));
}

KVSTORE_ON_EVERY_STORE(WatchTest);

}  // namespace
}  // namespace kvstore
