#include "storage/dynamodb/item_codec.h"

#include <gtest/gtest.h>

namespace kvstore::storage::dynamodb {
namespace {

constexpr TableLayout kLayout1{.version = 1, .shards = 1};

TEST(ItemCodecTest, ItemRoundTripsThroughAttributeMaps) {
  Item item;
  item.key = {"k", "user:1"};
  item.kind = "kv";
  item.value = std::string("\0\xff", 2);
  item.number = -5;
  item.owner = "me";
  item.deadline = 123;
  item.count = 2;
  item.expires_at = 1'700'000'000'001;
  item.version = 7;
  Json json = ItemJson(item, kLayout1);
  EXPECT_EQ(json["pk"], Json({{"S", "k"}}));
  EXPECT_EQ(json["value"], Json({{"B", "AP8="}}));
  EXPECT_EQ(json["num"], Json({{"N", "-5"}}));
  EXPECT_EQ(json["ttl"], Json({{"N", "1700000001"}})) << "DynamoDB's TTL in whole seconds, rounded up";
  auto back = ItemFromJson(json, kLayout1);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->key.sort, "user:1");
  EXPECT_EQ(back->value, item.value);
  EXPECT_EQ(back->number, -5);
  EXPECT_EQ(back->expires_at, item.expires_at);
  EXPECT_EQ(back->version, 7);
  Item bare;
  bare.key = {"p", "s"};
  EXPECT_FALSE(ItemJson(bare, kLayout1).contains("value"));
}

TEST(ItemCodecTest, AStringValueReadsAsItsBytes) {
  auto item = ItemFromJson(Json({{"pk", {{"S", "k"}}}, {"sk", {{"S", "b"}}}, {"value", {{"S", "a string"}}}}), kLayout1);
  ASSERT_TRUE(item.ok()) << item.status().message();
  EXPECT_EQ(item->value, "a string");
}

TEST(ItemCodecTest, UnreadableItemsNameTheAttribute) {
  auto item = ItemFromJson(Json({{"pk", {{"S", "k"}}}, {"sk", {{"S", "c"}}}, {"value", {{"N", "12"}}}}), kLayout1);
  ASSERT_FALSE(item.ok());
  EXPECT_EQ(item.status().code(), Status::Code::kWrongType);
  EXPECT_NE(item.status().message().find("attribute 'value' is of type N"), std::string::npos) << item.status().message();
  auto owner = ItemFromJson(Json({{"pk", {{"S", "k"}}}, {"sk", {{"S", "c"}}}, {"owner", {{"BOOL", true}}}}), kLayout1);
  EXPECT_EQ(owner.status().code(), Status::Code::kWrongType);
}

TEST(ItemCodecTest, ForeignItemsAreRefused) {
  EXPECT_FALSE(ItemFromJson(Json({{"sk", {{"S", "x"}}}}), kLayout1).ok());
  EXPECT_FALSE(ItemFromJson(Json({{"pk", {{"S", "p"}}}, {"sk", {{"S", "s"}}}, {"num", {{"S", "x"}}}}), kLayout1).ok());
  EXPECT_FALSE(ItemFromJson(Json({{"pk", {{"S", "p"}}}, {"sk", {{"S", "s"}}}, {"num", {{"N", "1e99"}}}}), kLayout1).ok());
  // Found by fuzz_item_codec: a key whose "S" is not a string threw instead of failing.
  EXPECT_FALSE(ItemFromJson(Json({{"pk", {{"S", 1}}}, {"sk", {{"S", "s"}}}}), kLayout1).ok());
  EXPECT_FALSE(ItemFromJson(Json({{"pk", {{"S", "p"}}}, {"sk", {{"S", nullptr}}}}), kLayout1).ok());
}

TEST(ItemCodecTest, ConditionsTreatExpiredItemsAsFailing) {
  Expressions e;
  std::string text = WriteCondition(Condition::NotExists(), 1000, e);
  EXPECT_EQ(text, "(attribute_not_exists(#a0) OR ((attribute_not_exists(#a1) OR #a1 > :v0) AND attribute_not_exists(#a0)))");
  Json request;
  e.AddTo(request);
  // Existence is asked of the sort key, named "sk" in every layout.
  EXPECT_EQ(request["ExpressionAttributeNames"], Json({{"#a0", "sk"}, {"#a1", "expires_at"}}));
  EXPECT_EQ(request["ExpressionAttributeValues"][":v0"], Json({{"N", "1000"}}));
}

TEST(ItemCodecTest, ComparisonsAndNesting) {
  Expressions e;
  Condition c = Condition::AnyOf({Condition::Compare(Attr::kDeadline, CompareOp::kLe, int64_t{5}),
                                  Condition::Compare(Attr::kOwner, CompareOp::kNe, std::string("bob"))});
  std::string text = WriteCondition(c, 0, e);
  // "Not equal" holds for an absent item, so the whole condition does too.
  EXPECT_EQ(text.rfind("(attribute_not_exists(#a0) OR (", 0), 0u) << text;
  EXPECT_NE(text.find("((#a2 <= :v1) OR (attribute_not_exists(#a3) OR #a3 <> :v2))"), std::string::npos) << text;
}

TEST(ItemCodecTest, UpdateCountsTheVersionAndMirrorsTtl) {
  Expressions e;
  std::string text = UpdateExpression({Action::Add(Attr::kNumber, 3), Action::Set(Attr::kExpiresAt, int64_t{2500}),
                                       Action::Remove(Attr::kOwner)},
                                      e);
  EXPECT_EQ(text,
            "SET #a0 = if_not_exists(#a0, :v0) + :v1, #a1 = :v2, #a2 = :v3, #a4 = if_not_exists(#a4, :v4) + :v5 "
            "REMOVE #a3");
  Json request;
  e.AddTo(request);
  EXPECT_EQ(request["ExpressionAttributeNames"]["#a2"], "ttl");
  EXPECT_EQ(request["ExpressionAttributeValues"][":v3"], Json({{"N", "3"}}));
}

}  // namespace
}  // namespace kvstore::storage::dynamodb
