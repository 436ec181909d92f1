#include "cli/txn_batch_files.h"

#include <gtest/gtest.h>

namespace kvstore::cli {
namespace {

std::string ErrorOf(std::string_view text) {
  auto ops = ParseTransaction(text);
  return ops.ok() ? "ok" : ops.status().message();
}

TEST(InputFilesTest, TransactionOperations) {
  auto ops = ParseTransaction(R"({"operations": [
    {"op": "set", "key": "k", "value": "v", "ttl": 1.5},
    {"op": "set", "key": "b", "value_base64": "AP8="},
    {"op": "delete", "key": "k"},
    {"op": "inc", "key": "c"}, {"op": "dec", "key": "c", "by": 3},
    {"op": "sadd", "set": "s", "members": ["a"]}, {"op": "rpush", "list": "l", "values": ["x"]},
    {"op": "check", "key": "k", "exists": false}, {"op": "check", "key": "c", "compare": ">=", "number": 2}
  ]})");
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  ASSERT_EQ(ops->size(), 9u);
  EXPECT_EQ((*ops)[0].ttl->count(), 1500);
  EXPECT_EQ((*ops)[1].value, std::string("\0\xff", 2));
  EXPECT_EQ((*ops)[3].by, 1);
  EXPECT_EQ((*ops)[4].by, -3);
  EXPECT_EQ((*ops)[7].check, TxnOp::Check::kNotExists);
  EXPECT_EQ((*ops)[8].compare, TxnOp::Compare::kGe);
  EXPECT_TRUE(ParseTransaction(R"([{"op": "delete", "key": "k"}])").ok()) << "a bare array works too";
}

TEST(InputFilesTest, TransactionErrorsNameTheOperationAndField) {
  EXPECT_EQ(ErrorOf(R"([{"op": "set", "key": "k"}])"), "operation 0 (set): missing field 'value'");
  EXPECT_EQ(ErrorOf(R"([{"op": "delete", "key": "k"}, {"op": "inc", "key": 5}])"),
            "operation 1 (inc): field 'key' must be a string");
  EXPECT_EQ(ErrorOf(R"([{"op": "inc", "key": "c", "by": 1.5}])"), "operation 0 (inc): field 'by' must be a whole number");
  EXPECT_EQ(ErrorOf(R"([{"op": "set", "key": "k", "value": "v", "ttl": -1}])"),
            "operation 0 (set): field 'ttl' must be more than 0 and at most 10 years");
  EXPECT_EQ(ErrorOf(R"([{"op": "explode"}])"),
            "operation 0: unknown op 'explode'; use set, delete, inc, dec, sadd, srem, lpush, rpush or check");
  EXPECT_EQ(ErrorOf(R"([{"op": "check", "key": "k"}])"),
            "operation 0 (check): a check takes exactly one of 'exists', 'equals' or 'compare'");
  EXPECT_EQ(ErrorOf(R"([{"op": "check", "key": "k", "compare": "~", "number": 1}])"),
            "operation 0 (check): field 'compare' must be one of == != < <= > >=");
  EXPECT_EQ(ErrorOf(R"({"ops": []})"), "transaction file: unknown field 'ops'");
  EXPECT_EQ(ErrorOf(R"("just a string")"), "transaction file: expected {\"operations\": [...]} or an array of operations");
  EXPECT_EQ(ErrorOf("[{\"op\": "), "transaction file: malformed JSON at byte 9");
  EXPECT_EQ(ErrorOf(std::string(100, '[')), "transaction file: the JSON is nested more than 32 levels deep");
  std::string many = "[";
  for (int i = 0; i < 101; ++i) many += std::string(i ? "," : "") + R"({"op": "delete", "key": "k"})";
  EXPECT_EQ(ErrorOf(many + "]"), "transaction file: 101 operations; the limit is 100");
}

TEST(InputFilesTest, BatchFileAsArrayOrJsonLines) {
  auto array = ParseBatchFile(R"([{"key": "a", "value": "1"}, {"key": "b", "value": "2", "ttl": 60}])");
  ASSERT_TRUE(array.ok());
  ASSERT_EQ(array->entries.size(), 2u);
  EXPECT_EQ(array->entries[1].ttl->count(), 60000);
  EXPECT_EQ(array->origins[1], "entry 1");
  auto lines = ParseBatchFile("{\"key\": \"a\", \"value\": \"1\"}\r\n\n{\"key\": \"b\", \"value_base64\": \"eA==\"}\n");
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  EXPECT_EQ(lines->entries[1].value, "x");
  EXPECT_EQ(lines->origins[1], "line 3");
  auto bad = ParseBatchFile("{\"key\": \"a\", \"value\": \"1\"}\n{\"key\": \"b\"\n");
  EXPECT_EQ(bad.status().message(), "line 2: malformed JSON at byte 12");
  EXPECT_EQ(ParseBatchFile("{\"key\": \"a\", \"val\": \"1\"}").status().message(), "line 1: unknown field 'val'");
  EXPECT_TRUE(ParseBatchFile("")->entries.empty());
}

TEST(InputFilesTest, KeyLines) {
  EXPECT_EQ(ParseKeyLines("a\r\nb\n\nc"), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace kvstore::cli
