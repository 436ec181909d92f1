#include "storage/dynamodb/key_schema.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "storage/dynamodb/item_codec.h"
#include "storage/merged_query.h"

namespace kvstore::storage::dynamodb {
namespace {

constexpr TableLayout kLayout1{.version = 1, .shards = 1};
constexpr TableLayout kEightShards{.version = 2, .shards = 8};

nlohmann::json Described(const std::string& partition_attr, const std::string& type = "S") {
  return {{"KeySchema", {{{"AttributeName", partition_attr}, {"KeyType", "HASH"}}, {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}}},
          {"AttributeDefinitions", {{{"AttributeName", partition_attr}, {"AttributeType", type}},
                                    {{"AttributeName", "sk"}, {"AttributeType", "S"}}}}};
}

TEST(KeySchemaTest, TheLayoutIsTheNameOfThePartitionKey) {
  EXPECT_EQ(PartitionAttr(kLayout1), "pk");
  EXPECT_EQ(PartitionAttr(kEightShards), "pk.v2.s8");
  auto one = LayoutOfTable(Described("pk"));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->version, 1);
  auto two = LayoutOfTable(Described("pk.v2.s16"));
  ASSERT_TRUE(two);
  EXPECT_EQ(two->version, 2);
  EXPECT_EQ(two->shards, 16);
  for (const char* foreign : {"id", "pk.v2.s0", "pk.v2.s257", "pk.v2.s8x", "pk.v2.s"}) {
    EXPECT_FALSE(LayoutOfTable(Described(foreign))) << foreign;
  }
  EXPECT_FALSE(LayoutOfTable(Described("pk", "N"))) << "a number partition key is another tool's table";
  auto again = LayoutOfTable(KeySchemaJson(kEightShards));
  ASSERT_TRUE(again) << "what CreateTable sends is what DescribeTable's answer is read as";
  EXPECT_EQ(again->shards, 8);
  EXPECT_FALSE(LayoutOfTable(nlohmann::json("not a table")));
}

TEST(KeySchemaTest, ShardsAreAStableHashOfTheName) {
  // FNV-1a's published values: the stored layout depends on them.
  EXPECT_EQ(ShardHash(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(ShardHash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(StoredPartition({"k", "a"}, kEightShards), "k#" + std::to_string(0xaf63dc4c8601ec8cULL % 8));
}

TEST(KeySchemaTest, NamedObjectsSpreadAndComeBackUnderTheirPartition) {
  std::set<std::string> used;
  for (int i = 0; i < 200; ++i) {
    Key key{"k", "job-" + std::to_string(i)};
    std::string stored = StoredPartition(key, kEightShards);
    used.insert(stored);
    EXPECT_EQ(LogicalPartition(stored, kEightShards), "k");
  }
  EXPECT_EQ(used.size(), 8u) << "200 names should use every shard";
  EXPECT_EQ(StoredPartition({"s/a#b", "m"}, kEightShards), "s/a#b") << "an object's own partition is kept";
  EXPECT_EQ(LogicalPartition("s/a#b", kEightShards), "s/a#b");
  EXPECT_EQ(StoredPartition({"k", "x"}, kLayout1), "k");
  Item item;
  item.key = {"k", "user:1"};
  auto back = ItemFromJson(ItemJson(item, kEightShards), kEightShards);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->key.partition, "k");
  EXPECT_TRUE(ItemJson(item, kEightShards).contains("pk.v2.s8"));
}

// Shards as sorted lists of keys; pages served like QueryPartition's.
class FakeShards {
 public:
  explicit FakeShards(std::map<int, std::vector<std::string>> shards) : shards_(std::move(shards)) {}
  Result<std::vector<QueryPage>> operator()(const std::vector<std::pair<int, QueryRequest>>& wanted) {
    std::vector<QueryPage> pages;
    for (const auto& [shard, request] : wanted) {
      ++reads_;
      QueryPage page;
      std::vector<std::string> keys = shards_[shard];
      if (request.descending) std::reverse(keys.begin(), keys.end());
      for (const std::string& key : keys) {
        if (key.compare(0, request.prefix.size(), request.prefix) != 0) continue;
        if (request.after && key <= *request.after) continue;
        if (request.before && key >= *request.before) continue;
        if (page.items.size() == request.limit) {
          page.continue_from = page.items.back().key.sort;
          break;
        }
        Item item;
        item.key = {"k", key};
        page.items.push_back(item);
      }
      items_read_ += page.items.size();
      pages.push_back(std::move(page));
    }
    return pages;
  }
  size_t reads_ = 0;
  size_t items_read_ = 0;

 private:
  std::map<int, std::vector<std::string>> shards_;
};

std::vector<std::string> Sorts(const QueryPage& page) {
  std::vector<std::string> out;
  for (const Item& item : page.items) out.push_back(item.key.sort);
  return out;
}

TEST(MergedQueryTest, ShardsMergeInByteOrderPageByPage) {
  FakeShards shards({{0, {"a", "d", "g", "j"}}, {1, {"b", "e", "h"}}, {2, {"c", "f", "i", "k", "l"}}});
  QueryRequest request{.partition = "k", .limit = 5};
  auto first = MergedQuery(request, 3, std::ref(shards));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Sorts(*first), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  ASSERT_TRUE(first->continue_from);
  request.after = first->continue_from;
  auto rest = MergedQuery(request, 3, std::ref(shards));
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Sorts(*rest), (std::vector<std::string>{"f", "g", "h", "i", "j"}));
  request.after = rest->continue_from;
  auto last = MergedQuery(request, 3, std::ref(shards));
  EXPECT_EQ(Sorts(*last), (std::vector<std::string>{"k", "l"}));
  EXPECT_FALSE(last->continue_from);
  request = {.partition = "k", .limit = 3, .descending = true};
  EXPECT_EQ(Sorts(*MergedQuery(request, 3, std::ref(shards))), (std::vector<std::string>{"l", "k", "j"}));
}

TEST(MergedQueryTest, ReadsInProportionToWhatItReturns) {
  std::map<int, std::vector<std::string>> many;
  for (int i = 0; i < 8000; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "key%05d", i);
    many[i % 8].push_back(key);
  }
  FakeShards shards(many);
  auto page = MergedQuery({.partition = "k", .prefix = "key0001", .limit = 100}, 8, std::ref(shards));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 10u);
  EXPECT_EQ(shards.reads_, 8u) << "one read per shard for a small listing";
  EXPECT_EQ(shards.items_read_, 10u);
  FakeShards again(many);
  page = MergedQuery({.partition = "k", .limit = 100}, 8, std::ref(again));
  EXPECT_EQ(page->items.size(), 100u);
  EXPECT_LE(again.items_read_, 100u + 8 * 14) << "a few past what it returns per shard";
}

}  // namespace
}  // namespace kvstore::storage::dynamodb
