// The storage interface's contract, run against every engine of
// testing::TestStores() (a new engine joins by adding itself there).
#include <gtest/gtest.h>

#include <memory>


#include "engine_table.h"
#include "storage/engine.h"
#include "store_url.h"
#include "testing/stores.h"
#include "testing/temp_dir.h"

namespace kvstore::storage {
namespace {

// Each store of TestStores() (tests/testing/stores.h), opened through the
// engine table as Store::Open would, on a clock the test moves.
std::unique_ptr<Engine> OpenEngine(const std::string& kind, std::shared_ptr<Clock> clock, const std::string& dir) {
  std::string url_text = testing::PrepareStore(kind, dir + "/store.db");
  if (url_text.empty()) return nullptr;  // PrepareStore reported why
  auto url = ParseStoreUrl(url_text);
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  if (!url.ok()) return nullptr;
  auto engine = FindEngine(url->scheme)->open(*url, OpenOptions{}, std::move(clock));
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(*engine) : nullptr;
}

const std::string kTable = "things";

Item MakeItem(std::string partition, std::string sort, std::string value) {
  Item item;
  item.key = {std::move(partition), std::move(sort)};
  item.kind = "kv";
  item.value = std::move(value);
  return item;
}

class EngineTest : public ::testing::TestWithParam<testing::StoreKind> {
 protected:
  void SetUp() override {
    engine_ = OpenEngine(GetParam(), clock_, dir_.path());
    ASSERT_NE(engine_, nullptr);
    Status created = engine_->CreateTable(kTable, {});
    ASSERT_TRUE(created.ok()) << created.ToString();
  }

  // The item's value, or "<absent>".
  std::string ValueAt(const Key& key) {
    auto item = engine_->Get(kTable, key);
    if (!item.ok()) return item.status().Is(Status::Code::kNotFound) ? "<absent>" : item.status().ToString();
    return item->value.value_or("<no value>");
  }

  testing::TempDir dir_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::unique_ptr<Engine> engine_;
};

TEST_P(EngineTest, PutThenGetReturnsEveryAttribute) {
  Item item = MakeItem("p", "s", "v");
  item.number = -7;
  item.owner = "me";
  item.deadline = 123;
  item.count = 4;
  item.expires_at = clock_->NowMillis() + 1000;
  auto put = engine_->Put(kTable, item, Condition::Always());
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_TRUE(put->applied);
  EXPECT_EQ(put->item->version, 1);

  auto got = engine_->Get(kTable, item.key);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->kind, "kv");
  EXPECT_EQ(got->value, "v");
  EXPECT_EQ(got->number, -7);
  EXPECT_EQ(got->owner, "me");
  EXPECT_EQ(got->deadline, 123);
  EXPECT_EQ(got->count, 4);
  EXPECT_EQ(got->expires_at, item.expires_at);
  EXPECT_EQ(got->version, 1);
}

TEST_P(EngineTest, EmptyValueIsNotAbsent) {
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "s", ""), {}).ok());
  auto got = engine_->Get(kTable, {"p", "s"});
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->value.has_value());
  EXPECT_EQ(*got->value, "");
}

TEST_P(EngineTest, BinaryValuesRoundTrip) {
  std::string bytes("\x00\xff\x01\n\x80", 5);
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "s", bytes), {}).ok());
  EXPECT_EQ(ValueAt({"p", "s"}), bytes);
}

TEST_P(EngineTest, PutReplacesWholeItemAndBumpsVersion) {
  Item first = MakeItem("p", "s", "one");
  first.owner = "x";
  ASSERT_TRUE(engine_->Put(kTable, first, {}).ok());
  auto second = engine_->Put(kTable, MakeItem("p", "s", "two"), {});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->item->version, 2);
  auto got = engine_->Get(kTable, {"p", "s"});
  EXPECT_EQ(got->value, "two");
  EXPECT_FALSE(got->owner.has_value());
}

TEST_P(EngineTest, MissingItemIsNotFound) {
  EXPECT_TRUE(engine_->Get(kTable, {"p", "nothing"}).status().Is(Status::Code::kNotFound));
}

TEST_P(EngineTest, UnknownTableIsReportedByEveryOperation) {
  const std::string t = "never-made";
  Key key{"p", "s"};
  EXPECT_TRUE(engine_->Get(t, key).status().Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->BatchGet(t, {key}).status().Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->Put(t, MakeItem("p", "s", "v"), {}).status().Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->Put(t, MakeItem("p", "s", "v"), Condition::Exists()).status().Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->Update(t, key, {Action::Add(Attr::kNumber, 1)}, {}).status().Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->Delete(t, key, {}).status().Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->Query(t, {.partition = "p"}).status().Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->Transact(t, {WriteOp::Put(MakeItem("p", "s", "v"))}).status().Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->BatchWrite(t, {WriteOp::Put(MakeItem("p", "s", "v"))}).Is(Status::Code::kUnknownTable));
}

TEST_P(EngineTest, PutIfNotExists) {
  auto first = engine_->Put(kTable, MakeItem("p", "s", "one"), Condition::NotExists());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->applied);
  auto second = engine_->Put(kTable, MakeItem("p", "s", "two"), Condition::NotExists());
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->applied);
  ASSERT_TRUE(second->item.has_value()) << "a failed condition reports the current item";
  EXPECT_EQ(second->item->value, "one");
  EXPECT_EQ(ValueAt({"p", "s"}), "one");
}

TEST_P(EngineTest, PutIfAttributeEquals) {
  Condition holds_one = Condition::Equals(Attr::kValue, std::string("one"));
  auto on_absent = engine_->Put(kTable, MakeItem("p", "s", "x"), holds_one);
  ASSERT_TRUE(on_absent.ok());
  EXPECT_FALSE(on_absent->applied);
  EXPECT_FALSE(on_absent->item.has_value());
  EXPECT_EQ(ValueAt({"p", "s"}), "<absent>");

  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "s", "one"), {}).ok());
  EXPECT_TRUE(engine_->Put(kTable, MakeItem("p", "s", "two"), holds_one)->applied);
  EXPECT_FALSE(engine_->Put(kTable, MakeItem("p", "s", "three"), holds_one)->applied);
  EXPECT_EQ(ValueAt({"p", "s"}), "two");
}

TEST_P(EngineTest, ComparisonWithMissingAttributeIsFalseExceptNotEqual) {
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "s", "v"), {}).ok());  // no owner, no number
  auto lt = engine_->Put(kTable, MakeItem("p", "s", "a"), Condition::Compare(Attr::kNumber, CompareOp::kLt, int64_t{5}));
  EXPECT_FALSE(lt->applied);
  auto ne = engine_->Put(kTable, MakeItem("p", "s", "b"), Condition::Compare(Attr::kOwner, CompareOp::kNe, std::string("x")));
  EXPECT_TRUE(ne->applied);
  EXPECT_EQ(ValueAt({"p", "s"}), "b");
}

TEST_P(EngineTest, AnyOfAndAllOf) {
  Item item = MakeItem("p", "s", "v");
  item.owner = "alice";
  item.deadline = 100;
  ASSERT_TRUE(engine_->Put(kTable, item, {}).ok());
  // The lock-taking shape: free, expired lease, or already mine.
  auto take = [&](const std::string& me, int64_t now) {
    Item next = item;
    next.owner = me;
    return engine_->Put(kTable, next,
                        Condition::AnyOf({Condition::NotExists(), Condition::Compare(Attr::kDeadline, CompareOp::kLe, now),
                                          Condition::Equals(Attr::kOwner, me)}))
        ->applied;
  };
  EXPECT_FALSE(take("bob", 50));
  EXPECT_TRUE(take("alice", 50));
  EXPECT_TRUE(take("bob", 100));
  auto both = engine_->Put(kTable, item,
                           Condition::AllOf({Condition::Equals(Attr::kOwner, std::string("bob")),
                                             Condition::Equals(Attr::kValue, std::string("nope"))}));
  EXPECT_FALSE(both->applied);
}

TEST_P(EngineTest, UpdateCreatesAddsAndReturnsNewItem) {
  Key key{"c", "n"};
  auto first = engine_->Update(kTable, key, {Action::Set(Attr::kKind, std::string("counter")), Action::Add(Attr::kNumber, 5)}, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->applied);
  EXPECT_EQ(first->item->number, 5);
  EXPECT_EQ(first->item->version, 1);
  auto second = engine_->Update(kTable, key, {Action::Add(Attr::kNumber, -8)}, {});
  EXPECT_EQ(second->item->number, -3);
  EXPECT_EQ(second->item->kind, "counter");
  EXPECT_EQ(second->item->version, 2);
}

TEST_P(EngineTest, UpdateSetAndRemoveLeaveOtherAttributes) {
  Item item = MakeItem("p", "s", "v");
  item.owner = "o";
  item.count = 3;
  ASSERT_TRUE(engine_->Put(kTable, item, {}).ok());
  auto updated = engine_->Update(kTable, item.key, {Action::Remove(Attr::kOwner), Action::Set(Attr::kDeadline, int64_t{9})},
                                 Condition::Exists());
  ASSERT_TRUE(updated->applied);
  EXPECT_FALSE(updated->item->owner.has_value());
  EXPECT_EQ(updated->item->deadline, 9);
  EXPECT_EQ(updated->item->count, 3);
  EXPECT_EQ(updated->item->value, "v");
}

TEST_P(EngineTest, UpdateWithFailedConditionChangesNothing) {
  ASSERT_TRUE(engine_->Update(kTable, {"c", "n"}, {Action::Add(Attr::kNumber, 1)}, {}).ok());
  auto failed = engine_->Update(kTable, {"c", "n"}, {Action::Add(Attr::kNumber, 1)},
                                Condition::Compare(Attr::kNumber, CompareOp::kGt, int64_t{10}));
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->applied);
  EXPECT_EQ(failed->item->number, 1);
  auto on_absent = engine_->Update(kTable, {"c", "other"}, {Action::Add(Attr::kNumber, 1)}, Condition::Exists());
  EXPECT_FALSE(on_absent->applied);
  EXPECT_TRUE(engine_->Get(kTable, {"c", "other"}).status().Is(Status::Code::kNotFound));
}

TEST_P(EngineTest, ExpiredItemIsAbsentForEveryOperation) {
  Item item = MakeItem("p", "s", "old");
  item.number = 41;
  item.expires_at = clock_->NowMillis() + 1000;
  ASSERT_TRUE(engine_->Put(kTable, item, {}).ok());
  clock_->Advance(Millis(999));
  EXPECT_EQ(ValueAt(item.key), "old");
  clock_->Advance(Millis(1));
  EXPECT_EQ(ValueAt(item.key), "<absent>");
  EXPECT_TRUE(engine_->Query(kTable, {.partition = "p"})->items.empty());
  EXPECT_FALSE((*engine_->BatchGet(kTable, {item.key}))[0].has_value());
  EXPECT_FALSE(engine_->Put(kTable, MakeItem("p", "s", "x"), Condition::Exists())->applied);
  // Increments start again from nothing rather than from the expired number.
  auto counted = engine_->Update(kTable, item.key, {Action::Add(Attr::kNumber, 1)}, {});
  EXPECT_EQ(counted->item->number, 1);
  EXPECT_FALSE(counted->item->value.has_value());
  EXPECT_FALSE(counted->item->expires_at.has_value());
  EXPECT_EQ(counted->item->version, 1);
}

TEST_P(EngineTest, PutIfNotExistsSucceedsOverExpiredItem) {
  Item item = MakeItem("p", "s", "old");
  item.expires_at = clock_->NowMillis() + 10;
  ASSERT_TRUE(engine_->Put(kTable, item, {}).ok());
  clock_->Advance(Millis(10));
  auto put = engine_->Put(kTable, MakeItem("p", "s", "new"), Condition::NotExists());
  EXPECT_TRUE(put->applied);
  EXPECT_EQ(put->item->version, 1);
  EXPECT_EQ(ValueAt(item.key), "new");
}

TEST_P(EngineTest, DeleteReportsWhatItRemoved) {
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "s", "v"), {}).ok());
  auto deleted = engine_->Delete(kTable, {"p", "s"}, {});
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->applied);
  ASSERT_TRUE(deleted->item.has_value());
  EXPECT_EQ(deleted->item->value, "v");
  auto again = engine_->Delete(kTable, {"p", "s"}, {});
  EXPECT_TRUE(again->applied);
  EXPECT_FALSE(again->item.has_value());
}

TEST_P(EngineTest, ConditionalDelete) {
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "s", "v"), {}).ok());
  auto wrong = engine_->Delete(kTable, {"p", "s"}, Condition::Equals(Attr::kValue, std::string("w")));
  EXPECT_FALSE(wrong->applied);
  EXPECT_EQ(wrong->item->value, "v");
  EXPECT_EQ(ValueAt({"p", "s"}), "v");
  auto right = engine_->Delete(kTable, {"p", "s"}, Condition::Equals(Attr::kValue, std::string("v")));
  EXPECT_TRUE(right->applied);
  EXPECT_EQ(ValueAt({"p", "s"}), "<absent>");
  auto absent = engine_->Delete(kTable, {"p", "s"}, Condition::Equals(Attr::kValue, std::string("v")));
  EXPECT_FALSE(absent->applied);
}

TEST_P(EngineTest, DeleteWithConditionThatHoldsWhenAbsent) {
  Item owned = MakeItem("p", "s", "v");
  owned.owner = "alice";
  ASSERT_TRUE(engine_->Put(kTable, owned, {}).ok());
  Condition unowned = Condition::AttrNotExists(Attr::kOwner);
  auto refused = engine_->Delete(kTable, owned.key, unowned);
  EXPECT_FALSE(refused->applied);
  EXPECT_EQ(ValueAt(owned.key), "v");
  auto on_absent = engine_->Delete(kTable, {"p", "none"}, unowned);
  EXPECT_TRUE(on_absent->applied);
  EXPECT_FALSE(on_absent->item.has_value());
}

TEST_P(EngineTest, ExpiredItemDeleteReportsNothingRemoved) {
  Item item = MakeItem("p", "s", "v");
  item.expires_at = clock_->NowMillis() + 5;
  ASSERT_TRUE(engine_->Put(kTable, item, {}).ok());
  clock_->Advance(Millis(5));
  auto deleted = engine_->Delete(kTable, item.key, {});
  EXPECT_TRUE(deleted->applied);
  EXPECT_FALSE(deleted->item.has_value());
}

TEST_P(EngineTest, QueryReturnsOnePartitionInByteOrder) {
  for (std::string s : {"b", "a", "c", "\xc3\xa9", "ab"}) ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", s, s), {}).ok());
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("other", "a", "x"), {}).ok());
  auto page = engine_->Query(kTable, {.partition = "p"});
  ASSERT_TRUE(page.ok());
  std::vector<std::string> sorts;
  for (const Item& i : page->items) sorts.push_back(i.key.sort);
  EXPECT_EQ(sorts, (std::vector<std::string>{"a", "ab", "b", "c", "\xc3\xa9"}));
  EXPECT_FALSE(page->continue_from.has_value());
}

TEST_P(EngineTest, QueryPrefixRangeDescendingAndPaging) {
  for (std::string s : {"job:1", "job:2", "job:3", "jobs", "joc", "a"}) {
    ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", s, s), {}).ok());
  }
  auto sorts = [](const QueryPage& page) {
    std::vector<std::string> out;
    for (const Item& i : page.items) out.push_back(i.key.sort);
    return out;
  };
  auto prefix = engine_->Query(kTable, {.partition = "p", .prefix = "job:"});
  EXPECT_EQ(sorts(*prefix), (std::vector<std::string>{"job:1", "job:2", "job:3"}));

  auto first = engine_->Query(kTable, {.partition = "p", .prefix = "job", .limit = 2});
  EXPECT_EQ(sorts(*first), (std::vector<std::string>{"job:1", "job:2"}));
  ASSERT_TRUE(first->continue_from.has_value());
  auto second = engine_->Query(kTable, {.partition = "p", .prefix = "job", .after = first->continue_from, .limit = 2});
  EXPECT_EQ(sorts(*second), (std::vector<std::string>{"job:3", "jobs"}));
  EXPECT_FALSE(second->continue_from.has_value());

  auto down = engine_->Query(kTable, {.partition = "p", .before = "jobs", .limit = 2, .descending = true});
  EXPECT_EQ(sorts(*down), (std::vector<std::string>{"job:3", "job:2"}));
}

TEST_P(EngineTest, CountMatchesQuery) {
  for (std::string s : {"a1", "a2", "b1", "b2", "b3"}) ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", s, s), {}).ok());
  Item brief = MakeItem("p", "b4", "x");
  brief.expires_at = clock_->NowMillis() + 10;
  ASSERT_TRUE(engine_->Put(kTable, brief, {}).ok());
  EXPECT_EQ(*engine_->Count(kTable, {.partition = "p"}), 6u);
  clock_->Advance(Millis(10));
  EXPECT_EQ(*engine_->Count(kTable, {.partition = "p"}), 5u);
  EXPECT_EQ(*engine_->Count(kTable, {.partition = "p", .prefix = "b"}), 3u);
  EXPECT_EQ(*engine_->Count(kTable, {.partition = "p", .after = "a2", .before = "b3"}), 2u);
  EXPECT_EQ(*engine_->Count(kTable, {.partition = "empty"}), 0u);
  EXPECT_TRUE(engine_->Count("never-made", {.partition = "p"}).status().Is(Status::Code::kUnknownTable));
}

TEST_P(EngineTest, TransactAppliesAllOrNothing) {
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "a", "1"), {}).ok());
  std::vector<WriteOp> ops = {
      WriteOp::Put(MakeItem("p", "b", "2")),
      WriteOp::Update({"p", "n"}, {Action::Add(Attr::kNumber, 1)}),
      WriteOp::Delete({"p", "a"}),
      WriteOp::Check({"p", "zzz"}, Condition::Exists()),  // fails
  };
  auto failed = engine_->Transact(kTable, ops);
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_FALSE(failed->applied);
  EXPECT_EQ(failed->failed_index, 3u);
  EXPECT_EQ(ValueAt({"p", "a"}), "1");
  EXPECT_EQ(ValueAt({"p", "b"}), "<absent>");
  EXPECT_TRUE(engine_->Get(kTable, {"p", "n"}).status().Is(Status::Code::kNotFound));

  ops.back() = WriteOp::Check({"p", "a"}, Condition::Exists());
  ops[2] = WriteOp::Put(MakeItem("p", "c", "3"), Condition::NotExists());
  auto applied = engine_->Transact(kTable, ops);
  EXPECT_TRUE(applied->applied);
  EXPECT_EQ(ValueAt({"p", "b"}), "2");
  EXPECT_EQ(ValueAt({"p", "c"}), "3");
  EXPECT_EQ(engine_->Get(kTable, {"p", "n"})->number, 1);
}

TEST_P(EngineTest, BatchWriteAndBatchGet) {
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "gone", "x"), {}).ok());
  std::vector<WriteOp> ops;
  for (int i = 0; i < 60; ++i) ops.push_back(WriteOp::Put(MakeItem("p", "k" + std::to_string(i), std::to_string(i))));
  ops.push_back(WriteOp::Delete({"p", "gone"}));
  ASSERT_TRUE(engine_->BatchWrite(kTable, ops).ok());
  auto got = engine_->BatchGet(kTable, {{"p", "k59"}, {"p", "gone"}, {"p", "k0"}});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0]->value, "59");
  EXPECT_FALSE((*got)[1].has_value());
  EXPECT_EQ((*got)[2]->value, "0");
}

TEST_P(EngineTest, TablesAreCreatedListedAndDroppedWithTheirItems) {
  EXPECT_TRUE(engine_->CreateTable(kTable, {}).Is(Status::Code::kAlreadyExists));
  EXPECT_TRUE(engine_->CreateTable(kTable, {.if_not_exists = true}).ok());
  ASSERT_TRUE(engine_->CreateTable("aaa", {}).ok());
  EXPECT_EQ(*engine_->ListTables(), (std::vector<std::string>{"aaa", kTable}));
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "s", "v"), {}).ok());
  ASSERT_TRUE(engine_->DropTable(kTable, {}).ok());
  EXPECT_TRUE(engine_->DropTable(kTable, {}).Is(Status::Code::kUnknownTable));
  EXPECT_TRUE(engine_->DropTable(kTable, {.if_exists = true}).ok());
  ASSERT_TRUE(engine_->CreateTable(kTable, {}).ok());
  EXPECT_EQ(ValueAt({"p", "s"}), "<absent>") << "a dropped table's items do not come back";
}

TEST_P(EngineTest, TablesAreIsolated) {
  ASSERT_TRUE(engine_->CreateTable("second", {}).ok());
  ASSERT_TRUE(engine_->Put(kTable, MakeItem("p", "s", "first"), {}).ok());
  EXPECT_TRUE(engine_->Get("second", {"p", "s"}).status().Is(Status::Code::kNotFound));
}

INSTANTIATE_TEST_SUITE_P(AllEngines, EngineTest, ::testing::ValuesIn(testing::TestStores()), testing::StoreKindName);

}  // namespace
}  // namespace kvstore::storage
