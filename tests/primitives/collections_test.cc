#include <algorithm>
#include <mutex>
#include <thread>

#include "kvstore/kv.h"
#include "kvstore/list.h"
#include "kvstore/set.h"
#include "primitives/fixture.h"
#include "primitives/layout.h"
#include "primitives/write_plans.h"

namespace kvstore {
namespace {

using Code = Status::Code;
using Strings = std::vector<std::string>;

class SetTest : public testing::StoreFixture {
 protected:
  Sets sets() { return Sets(table()); }
};

TEST_P(SetTest, AddCountsOnlyNewMembers) {
  EXPECT_EQ(*sets().Add("s", {"a", "b", "a"}), 2u);
  EXPECT_EQ(*sets().Add("s", {"b", "c"}), 1u);
  EXPECT_EQ(*sets().Count("s"), 3u);
  EXPECT_EQ(*sets().Members("s"), (Strings{"a", "b", "c"}));
}

TEST_P(SetTest, RemoveCountsOnlyPresentMembers) {
  ASSERT_TRUE(sets().Add("s", {"a", "b"}).ok());
  EXPECT_EQ(*sets().Remove("s", {"a", "zz"}), 1u);
  EXPECT_EQ(*sets().Remove("s", {"a"}), 0u);
  EXPECT_EQ(*sets().Count("s"), 1u);
  EXPECT_TRUE(sets().Contains("s", "b").ok());
  Status missing = sets().Contains("s", "a");
  EXPECT_TRUE(missing.Is(Code::kNotFound));
  EXPECT_EQ(missing.message(), "'a' is not a member of set 's'");
}

// sadd's plan is committed only while every member is as it was read: an
// srem of a member it left alone, landing between its read and its commit,
// makes it read again, so sadd never exits 0 with a member missing.
TEST_P(SetTest, APlanFromAStaleReadDoesNotCommit) {
  ASSERT_TRUE(sets().Add("s", {"a"}).ok());
  auto header = table().engine().Get(table().name(), layout::SetHeaderKey("s"));
  ASSERT_TRUE(header.ok());
  WritePlan plan = PlanSetChange("s", *header, {"a", "b"}, {true, false}, SetChange::kAdd);
  EXPECT_EQ(plan.result, 1);
  ASSERT_TRUE(sets().Remove("s", {"a"}).ok());  // the race
  auto done = table().engine().Transact(table().name(), plan.writes);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_FALSE(done->applied);
  EXPECT_TRUE(sets().Contains("s", "b").Is(Code::kNotFound));
  EXPECT_EQ(*sets().Count("s"), 0u);
  // Read afresh, the same sadd adds both.
  EXPECT_EQ(*sets().Add("s", {"a", "b"}), 2u);
}

TEST_P(SetTest, ATtlTakesTheWholeSetAtOnce) {
  EXPECT_EQ(*sets().Add("online", {"a", "b"}, {.ttl = Millis(1000)}), 2u);
  clock_->Advance(Millis(400));
  EXPECT_EQ(*sets().Add("online", {"c"}, {.ttl = Millis(5000)}), 1u) << "an existing set keeps its expiry";
  EXPECT_EQ(*sets().Ttl("online"), Millis(600));
  clock_->Advance(Millis(600));
  EXPECT_EQ(*sets().Count("online"), 0u);
  EXPECT_TRUE(sets().Members("online")->empty()) << "members go with the set, the late one too";
  EXPECT_TRUE(sets().Contains("online", "c").Is(Code::kNotFound));
  EXPECT_TRUE(sets().Ttl("online").status().Is(Code::kNotFound));
  EXPECT_EQ(*sets().Add("online", {"a"}), 1u) << "a fresh set: nothing of the old one";
  EXPECT_EQ(*sets().Members("online"), (Strings{"a"}));
  EXPECT_EQ(*sets().Ttl("online"), std::nullopt);
}

TEST_P(SetTest, ExpireAndPersistReachEveryMember) {
  ASSERT_TRUE(sets().Add("s", {"a", "b"}).ok());
  ASSERT_TRUE(sets().Expire("s", Millis(100)).ok());
  ASSERT_TRUE(sets().Add("s", {"c"}).ok());  // copies the new expiry
  ASSERT_TRUE(sets().Expire("s", Millis(1000)).ok());
  clock_->Advance(Millis(500));
  EXPECT_EQ(*sets().Members("s"), (Strings{"a", "b", "c"})) << "every member was given the later expiry";
  ASSERT_TRUE(sets().Persist("s").ok());
  clock_->Advance(Millis(10'000));
  EXPECT_EQ(*sets().Count("s"), 3u);
  EXPECT_EQ(*sets().Members("s"), (Strings{"a", "b", "c"}));
  EXPECT_TRUE(sets().Expire("none", Millis(10)).Is(Code::kNotFound));
  EXPECT_TRUE(sets().Add("s", {"x"}, {.ttl = Millis(0)}).status().Is(Code::kInvalidArgument));
}

TEST_P(SetTest, MissingSetIsEmpty) {
  EXPECT_EQ(*sets().Count("none"), 0u);
  EXPECT_TRUE(sets().Members("none")->empty());
  EXPECT_EQ(*sets().Remove("none", {"x"}), 0u);
}

TEST_P(SetTest, LargeAddsAreChunkedAndCounted) {
  Strings many;
  for (int i = 0; i < 250; ++i) many.push_back("m" + std::to_string(1000 + i));
  EXPECT_EQ(*sets().Add("big", many), 250u);
  EXPECT_EQ(*sets().Count("big"), 250u);
  EXPECT_EQ(sets().Members("big")->size(), 250u);
}

TEST_P(SetTest, MembersInByteOrderAndSetsDoNotClashWithKeys) {
  ASSERT_TRUE(KeyValue(table()).Set("s", "a value").ok());
  ASSERT_TRUE(sets().Add("s", {"\xc3\xa9", "b", "B", "a"}).ok());
  EXPECT_EQ(*sets().Members("s"), (Strings{"B", "a", "b", "\xc3\xa9"}));
  EXPECT_EQ(KeyValue(table()).Get("s")->value, "a value");
}

TEST_P(SetTest, BadInputChangesNothing) {
  EXPECT_TRUE(sets().Add("s", {}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(sets().Add("s", {"ok", ""}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(sets().Add("", {"a"}).status().Is(Code::kInvalidArgument));
  EXPECT_EQ(*sets().Count("s"), 0u);
}

class ListTest : public testing::StoreFixture {
 protected:
  Lists lists() { return Lists(table()); }
  Strings All() { return *lists().Range("l", 0, -1); }
};

TEST_P(ListTest, PushFollowsRedisOrder) {
  EXPECT_EQ(*lists().Push("l", End::kBack, {"a", "b", "c"}), 3u);
  EXPECT_EQ(*lists().Push("l", End::kFront, {"x", "y"}), 5u);
  EXPECT_EQ(All(), (Strings{"y", "x", "a", "b", "c"}));
  EXPECT_EQ(*lists().Length("l"), 5u);
}

TEST_P(ListTest, ATtlTakesTheWholeListAtOnce) {
  EXPECT_EQ(*lists().Push("recent", End::kFront, {"a", "b"}, {.ttl = Millis(1000)}), 2u);
  clock_->Advance(Millis(400));
  EXPECT_EQ(*lists().Push("recent", End::kBack, {"c"}, {.ttl = Millis(9000)}), 3u) << "keeps its expiry";
  EXPECT_EQ(*lists().Ttl("recent"), Millis(600));
  ASSERT_TRUE(lists().Expire("recent", Millis(2000)).ok());
  clock_->Advance(Millis(1000));
  EXPECT_EQ(*lists().Range("recent", 0, -1), (Strings{"b", "a", "c"})) << "every value took the new expiry";
  clock_->Advance(Millis(1000));
  EXPECT_EQ(*lists().Length("recent"), 0u);
  EXPECT_TRUE(lists().Range("recent", 0, -1)->empty());
  EXPECT_EQ(*lists().Push("recent", End::kBack, {"x"}), 1u) << "a fresh list";
  EXPECT_EQ(*lists().Range("recent", 0, -1), (Strings{"x"}));
  ASSERT_TRUE(lists().Expire("recent", Millis(10)).ok());
  ASSERT_TRUE(lists().Persist("recent").ok());
  clock_->Advance(Millis(100));
  EXPECT_EQ(*lists().Range("recent", 0, -1), (Strings{"x"}));
  EXPECT_TRUE(lists().Ttl("none").status().Is(Code::kNotFound));
}

TEST_P(ListTest, PopFromEitherEnd) {
  ASSERT_TRUE(lists().Push("l", End::kBack, {"a", "b", "c", "d"}).ok());
  EXPECT_EQ(*lists().Pop("l", End::kFront), (Strings{"a"}));
  EXPECT_EQ(*lists().Pop("l", End::kBack, 2), (Strings{"d", "c"}));
  EXPECT_EQ(*lists().Pop("l", End::kBack, 10), (Strings{"b"}));
  auto empty = lists().Pop("l", End::kFront);
  EXPECT_TRUE(empty.status().Is(Code::kNotFound));
  EXPECT_EQ(empty.status().message(), "list 'l' is empty");
  EXPECT_EQ(*lists().Length("l"), 0u);
  EXPECT_EQ(*lists().Push("l", End::kFront, {"again"}), 1u);
  EXPECT_EQ(All(), (Strings{"again"}));
}

// Pushes and pops at both ends at once, from clients of their own: every
// value pushed is popped once or still listed, never lost or doubled.
TEST_P(ListTest, ConcurrentPushesAndPopsAtBothEndsLoseNothing) {
  constexpr int kPerPusher = 25;
  std::mutex mu;
  Strings popped;
  auto client = [&](auto body) {
    return std::thread([&, body] {
      auto store = OpenAnother(clock_, Millis(0));
      body(Lists(*store->OpenTable("tbl")));
    });
  };
  std::vector<std::thread> threads;
  for (End end : {End::kFront, End::kBack}) {
    threads.push_back(client([end](Lists own) {
      for (int i = 0; i < kPerPusher; ++i) {
        std::string value = (end == End::kFront ? "f" : "b") + std::to_string(i);
        EXPECT_TRUE(own.Push("l", end, {value}).ok());
      }
    }));
    threads.push_back(client([end, &mu, &popped](Lists own) {
      for (int i = 0; i < kPerPusher; ++i) {
        auto got = own.Pop("l", end, 2);
        if (!got.ok()) {
          EXPECT_TRUE(got.status().Is(Status::Code::kNotFound)) << got.status().ToString();
          continue;
        }
        std::lock_guard lock(mu);
        popped.insert(popped.end(), got->begin(), got->end());
      }
    }));
  }
  for (std::thread& t : threads) t.join();
  Strings left = *lists().Range("l", 0, -1);
  EXPECT_EQ(*lists().Length("l"), left.size());
  Strings all = popped;
  all.insert(all.end(), left.begin(), left.end());
  std::sort(all.begin(), all.end());
  Strings pushed;
  for (const char* side : {"f", "b"}) {
    for (int i = 0; i < kPerPusher; ++i) pushed.push_back(side + std::to_string(i));
  }
  std::sort(pushed.begin(), pushed.end());
  EXPECT_EQ(all, pushed);
}

TEST_P(ListTest, RangeUsesRedisIndexRules) {
  ASSERT_TRUE(lists().Push("l", End::kBack, {"0", "1", "2", "3", "4"}).ok());
  EXPECT_EQ(*lists().Range("l", 0, -1), (Strings{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(*lists().Range("l", 1, 2), (Strings{"1", "2"}));
  EXPECT_EQ(*lists().Range("l", -2, -1), (Strings{"3", "4"}));
  EXPECT_EQ(*lists().Range("l", -100, 1), (Strings{"0", "1"}));
  EXPECT_EQ(*lists().Range("l", 3, 100), (Strings{"3", "4"}));
  EXPECT_TRUE(lists().Range("l", 4, 2)->empty());
  EXPECT_TRUE(lists().Range("l", 5, 10)->empty());
  EXPECT_TRUE(lists().Range("l", -1, -2)->empty());
  EXPECT_TRUE(lists().Range("none", 0, -1)->empty());
}

TEST_P(ListTest, RangeAfterPopsFromTheFront) {
  ASSERT_TRUE(lists().Push("l", End::kBack, {"a", "b", "c"}).ok());
  ASSERT_TRUE(lists().Pop("l", End::kFront).ok());
  ASSERT_TRUE(lists().Push("l", End::kFront, {"z"}).ok());
  EXPECT_EQ(*lists().Range("l", 1, 1), (Strings{"b"}));
  EXPECT_EQ(All(), (Strings{"z", "b", "c"}));
}

TEST_P(ListTest, LongListsPageAndBinaryValuesSurvive) {
  Strings values;
  for (int i = 0; i < 2500; ++i) values.push_back(std::to_string(i));
  ASSERT_EQ(*lists().Push("l", End::kBack, values), 2500u);
  EXPECT_EQ(All(), values);
  std::string binary("\0\xff\n", 3);
  ASSERT_TRUE(lists().Push("b", End::kBack, {binary, ""}).ok());
  EXPECT_EQ(*lists().Range("b", 0, -1), (Strings{binary, ""}));
}

TEST_P(ListTest, BadInputChangesNothing) {
  EXPECT_TRUE(lists().Push("l", End::kBack, {}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(lists().Push("l", End::kBack, {"ok", std::string(262145, 'x')}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(lists().Pop("l", End::kBack, 0).status().Is(Code::kInvalidArgument));
  EXPECT_EQ(*lists().Length("l"), 0u);
}

KVSTORE_ON_EVERY_STORE_AND_LAYOUT(SetTest);
KVSTORE_ON_EVERY_STORE_AND_LAYOUT(ListTest);

}  // namespace
}  // namespace kvstore
