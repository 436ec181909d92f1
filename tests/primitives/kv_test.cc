#include "kvstore/kv.h"

#include <algorithm>
#include <iterator>
#include <mutex>
#include <thread>

#include "kvstore/counter.h"
#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class KeyValueTest : public testing::StoreFixture {
 protected:
  KeyValue kv() { return KeyValue(table()); }
  std::vector<std::string> Keys(const ListOptions& options = {}) {
    auto entries = kv().List(options);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    std::vector<std::string> keys;
    for (const Entry& e : *entries) keys.push_back(e.key);
    return keys;
  }
};

TEST_P(KeyValueTest, SetThenGet) {
  ASSERT_TRUE(kv().Set("greeting", "hello").ok());
  auto entry = kv().Get("greeting");
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->value, "hello");
  EXPECT_EQ(entry->kind, KeyKind::kValue);
  EXPECT_FALSE(entry->expires_at_ms.has_value());
}

// Over shards too (layout 2 on DynamoDB): pages in byte order, none lost or
// repeated, each continuing after the last key of the one before.
TEST_P(KeyValueTest, ListingsPageThroughEveryKeyInByteOrder) {
  std::vector<std::string> written;
  for (int i = 0; i < 250; ++i) {
    std::string key = "job-" + std::to_string(i * 7919 % 1000);
    ASSERT_TRUE(kv().Set(key, "v").ok());
    written.push_back(key);
  }
  ASSERT_TRUE(kv().Set("other", "v").ok());
  std::sort(written.begin(), written.end());
  std::vector<std::string> paged;
  ListOptions options{.prefix = "job-", .limit = 40};
  for (int page = 0; page < 10; ++page) {
    std::vector<std::string> keys = Keys(options);
    paged.insert(paged.end(), keys.begin(), keys.end());
    if (keys.size() < 40) break;
    options.after = keys.back();
  }
  EXPECT_EQ(paged, written);
  std::vector<std::string> nineties;
  std::copy_if(written.begin(), written.end(), std::back_inserter(nineties),
               [](const std::string& key) { return key.rfind("job-99", 0) == 0; });
  ASSERT_FALSE(nineties.empty());
  EXPECT_EQ(Keys({.prefix = "job-99"}), nineties);
}

TEST_P(KeyValueTest, SetOverwrites) {
  ASSERT_TRUE(kv().Set("k", "one").ok());
  ASSERT_TRUE(kv().Set("k", "two").ok());
  EXPECT_EQ(kv().Get("k")->value, "two");
}

TEST_P(KeyValueTest, MissingKeyIsNotFoundNamingTheKey) {
  auto entry = kv().Get("nope");
  EXPECT_TRUE(entry.status().Is(Code::kNotFound));
  EXPECT_EQ(entry.status().message(), "key 'nope' not found");
  EXPECT_TRUE(kv().Exists("nope").Is(Code::kNotFound));
}

TEST_P(KeyValueTest, TtlExpiresTheKeyForEveryRead) {
  ASSERT_TRUE(kv().Set("session", "abc", {.ttl = Millis(1500)}).ok());
  EXPECT_EQ(kv().Get("session")->expires_at_ms, clock_->NowMillis() + 1500);
  clock_->Advance(Millis(1499));
  EXPECT_TRUE(kv().Exists("session").ok());
  clock_->Advance(Millis(1));
  EXPECT_TRUE(kv().Get("session").status().Is(Code::kNotFound));
  EXPECT_TRUE(kv().Exists("session").Is(Code::kNotFound));
  EXPECT_TRUE(Keys().empty());
  EXPECT_TRUE(kv().Delete("session").Is(Code::kNotFound));
}

TEST_P(KeyValueTest, SetWithoutTtlClearsAnEarlierTtl) {
  ASSERT_TRUE(kv().Set("k", "a", {.ttl = Millis(10)}).ok());
  ASSERT_TRUE(kv().Set("k", "b").ok());
  clock_->Advance(Millis(100));
  EXPECT_EQ(kv().Get("k")->value, "b");
}

TEST_P(KeyValueTest, IfNotExists) {
  ASSERT_TRUE(kv().Set("k", "first", {.if_not_exists = true}).ok());
  Status again = kv().Set("k", "second", {.if_not_exists = true});
  EXPECT_TRUE(again.Is(Code::kConditionFailed));
  EXPECT_EQ(again.message(), "key 'k' already exists");
  EXPECT_EQ(kv().Get("k")->value, "first");
}

TEST_P(KeyValueTest, IfNotExistsTakesOverAnExpiredKey) {
  ASSERT_TRUE(kv().Set("k", "old", {.ttl = Millis(5)}).ok());
  clock_->Advance(Millis(5));
  EXPECT_TRUE(kv().Set("k", "new", {.if_not_exists = true}).ok());
}

TEST_P(KeyValueTest, IfValueIsCompareAndSwap) {
  ASSERT_TRUE(kv().Set("k", "v1").ok());
  EXPECT_TRUE(kv().Set("k", "v2", {.if_value = "v1"}).ok());
  EXPECT_TRUE(kv().Set("k", "v3", {.if_value = "v1"}).Is(Code::kConditionFailed));
  EXPECT_EQ(kv().Get("k")->value, "v2");
  EXPECT_TRUE(kv().Set("missing", "x", {.if_value = "v1"}).Is(Code::kNotFound));
  EXPECT_TRUE(kv().Exists("missing").Is(Code::kNotFound));
}

TEST_P(KeyValueTest, BothConditionsTogetherAreRejected) {
  EXPECT_TRUE(kv().Set("k", "v", {.if_not_exists = true, .if_value = "x"}).Is(Code::kInvalidArgument));
}

TEST_P(KeyValueTest, Delete) {
  ASSERT_TRUE(kv().Set("k", "v").ok());
  EXPECT_TRUE(kv().Delete("k", {.if_value = "other"}).Is(Code::kConditionFailed));
  EXPECT_TRUE(kv().Exists("k").ok());
  EXPECT_TRUE(kv().Delete("k", {.if_value = "v"}).ok());
  EXPECT_TRUE(kv().Exists("k").Is(Code::kNotFound));
  EXPECT_TRUE(kv().Delete("k").Is(Code::kNotFound));
}

TEST_P(KeyValueTest, ListInByteOrderWithPrefixLimitAndAfter) {
  for (std::string k : {"user:2", "user:10", "user:1", "task:1", "users"}) ASSERT_TRUE(kv().Set(k, "v").ok());
  EXPECT_EQ(Keys(), (std::vector<std::string>{"task:1", "user:1", "user:10", "user:2", "users"}));
  EXPECT_EQ(Keys({.prefix = "user:"}), (std::vector<std::string>{"user:1", "user:10", "user:2"}));
  EXPECT_EQ(Keys({.prefix = "user:", .limit = 2}), (std::vector<std::string>{"user:1", "user:10"}));
  EXPECT_EQ(Keys({.prefix = "user:", .after = "user:10"}), (std::vector<std::string>{"user:2"}));
}

TEST_P(KeyValueTest, ListPagesThroughMoreThanOneEnginePage) {
  for (int i = 0; i < 2500; ++i) ASSERT_TRUE(kv().Set("k" + std::to_string(10000 + i), "v").ok());
  EXPECT_EQ(Keys().size(), 2500u);
  EXPECT_EQ(Keys({.limit = 1001}).size(), 1001u);
}

TEST_P(KeyValueTest, ListShowsCountersWithTheirValue) {
  ASSERT_TRUE(Counters(table()).Add("hits", 3).ok());
  auto entries = kv().List();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].kind, KeyKind::kCounter);
  EXPECT_EQ((*entries)[0].value, "3");
}

TEST_P(KeyValueTest, BinaryValuesAndLimits) {
  std::string binary("\0\xff\n\x01", 4);
  ASSERT_TRUE(kv().Set("bin", binary).ok());
  EXPECT_EQ(kv().Get("bin")->value, binary);
  EXPECT_TRUE(kv().Set("big", std::string(262144, 'x')).ok());
  Status too_big = kv().Set("big", std::string(262145, 'x'));
  EXPECT_TRUE(too_big.Is(Code::kInvalidArgument));
  EXPECT_EQ(kv().Get("big")->value.size(), 262144u) << "a rejected write changes nothing";
  EXPECT_TRUE(kv().Set("", "v").Is(Code::kInvalidArgument));
  EXPECT_TRUE(kv().Set(std::string(513, 'k'), "v").Is(Code::kInvalidArgument));
  EXPECT_TRUE(kv().Set("bad\xff", "v").Is(Code::kInvalidArgument));
  EXPECT_TRUE(kv().Set("k", "v", {.ttl = Millis(0)}).Is(Code::kInvalidArgument));
  EXPECT_TRUE(kv().Set("k", "v", {.ttl = Millis(-1)}).Is(Code::kInvalidArgument));
  EXPECT_TRUE(kv().Exists("k").Is(Code::kNotFound));
}

TEST_P(KeyValueTest, UnknownTable) {
  auto other = store_->OpenTable("nope");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(KeyValue(*other).Set("k", "v").Is(Code::kUnknownTable));
  EXPECT_TRUE(KeyValue(*other).Get("k").status().Is(Code::kUnknownTable));
  EXPECT_TRUE(KeyValue(*other).List().status().Is(Code::kUnknownTable));
  EXPECT_TRUE(KeyValue(*other).Delete("k").Is(Code::kUnknownTable));
}

TEST_P(KeyValueTest, GetOfACounterGivesItsDecimalValue) {
  ASSERT_TRUE(Counters(table()).Add("c", -42).ok());
  auto entry = kv().Get("c");
  EXPECT_EQ(entry->kind, KeyKind::kCounter);
  EXPECT_EQ(entry->value, "-42");
  ASSERT_TRUE(kv().Set("c", "plain").ok()) << "set replaces a counter, as in Redis";
  EXPECT_TRUE(Counters(table()).Get("c").status().Is(Code::kWrongType));
}

KVSTORE_ON_EVERY_STORE_AND_LAYOUT(KeyValueTest);

TEST_P(KeyValueTest, TtlExpireAndPersistOnKeysAndCounters) {
  ASSERT_TRUE(kv().Set("k", "v").ok());
  ASSERT_TRUE(Counters(table()).Add("c", 5).ok());
  EXPECT_EQ(*kv().Ttl("k"), std::nullopt) << "no expiry";
  EXPECT_TRUE(kv().Ttl("missing").status().Is(Code::kNotFound));
  for (const char* key : {"k", "c"}) {
    ASSERT_TRUE(kv().Expire(key, Millis(2000)).ok()) << key;
    clock_->Advance(Millis(500));
    EXPECT_EQ(*kv().Ttl(key), Millis(1500)) << key;
    ASSERT_TRUE(kv().Persist(key).ok());
    EXPECT_EQ(*kv().Ttl(key), std::nullopt) << key;
    ASSERT_TRUE(kv().Expire(key, Millis(100)).ok());
  }
  EXPECT_EQ(Counters(table()).Get("c").value(), 5) << "expire keeps the counter's value";
  clock_->Advance(Millis(100));
  EXPECT_TRUE(kv().Get("k").status().Is(Code::kNotFound));
  EXPECT_EQ(*Counters(table()).Get("c"), 0) << "gone at its expiry";
  EXPECT_TRUE(kv().Expire("k", Millis(10)).Is(Code::kNotFound)) << "an expired key is not revived";
  EXPECT_TRUE(kv().Persist("k").Is(Code::kNotFound));
  EXPECT_TRUE(kv().Get("k").status().Is(Code::kNotFound));
  EXPECT_TRUE(kv().Expire("k", Millis(0)).Is(Code::kInvalidArgument));
}

TEST_P(KeyValueTest, GetSetReturnsWhatWasThere) {
  EXPECT_EQ(*kv().GetSet("k", "one"), std::nullopt);
  EXPECT_EQ(*kv().GetSet("k", "two", Millis(50)), "one");
  EXPECT_EQ(kv().Get("k")->value, "two");
  EXPECT_EQ(kv().Get("k")->expires_at_ms, clock_->NowMillis() + 50);
  ASSERT_TRUE(Counters(table()).Add("c", 7).ok());
  EXPECT_EQ(*kv().GetSet("c", "plain"), "7") << "a counter's number, as get gives it";
  EXPECT_EQ(kv().Get("c")->kind, KeyKind::kValue);
  clock_->Advance(Millis(50));
  EXPECT_EQ(*kv().GetSet("k", "three"), std::nullopt) << "an expired key held nothing";
  EXPECT_TRUE(kv().GetSet("k", "x", Millis(0)).status().Is(Code::kInvalidArgument));
}

// Each getset takes exactly one value from the one before it: concurrent
// exchanges hand every value on once, none twice, none lost.
TEST_P(KeyValueTest, ConcurrentGetSetsHandEveryValueOnOnce) {
  ASSERT_TRUE(kv().Set("baton", "start").ok());
  std::mutex mu;
  std::vector<std::string> taken, given = {"start"};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto store = OpenAnother(clock_, Millis(0));
      KeyValue own(*store->OpenTable("tbl"));
      for (int i = 0; i < 10; ++i) {
        std::string mine = std::to_string(t) + "." + std::to_string(i);
        auto old = own.GetSet("baton", mine);
        ASSERT_TRUE(old.ok() && *old) << old.status().ToString();
        std::lock_guard lock(mu);
        taken.push_back(**old);
        given.push_back(mine);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  taken.push_back(kv().Get("baton")->value);
  std::sort(taken.begin(), taken.end());
  std::sort(given.begin(), given.end());
  EXPECT_EQ(taken, given);
}

TEST_P(KeyValueTest, DeletePrefixDeletesExactlyThoseKeysPageByPage) {
  for (int n = 0; n < 1100; ++n) ASSERT_TRUE(kv().Set("tmp:" + std::to_string(n), "x").ok());
  ASSERT_TRUE(kv().Set("tmp", "no colon").ok());
  ASSERT_TRUE(Counters(table()).Add("tmp:count", 1).ok());
  ASSERT_TRUE(kv().Set("tmq", "after the prefix").ok());
  std::vector<int64_t> progress;
  auto deleted = kv().DeletePrefix("tmp:", [&](int64_t n) { progress.push_back(n); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 1101);
  EXPECT_EQ(progress.front(), 500) << "in pages of 500";
  EXPECT_EQ(progress.back(), 1101);
  EXPECT_EQ(Keys(), (std::vector<std::string>{"tmp", "tmq"}));
  EXPECT_EQ(*kv().DeletePrefix("nothing-here"), 0);
}

}  // namespace
}  // namespace kvstore
