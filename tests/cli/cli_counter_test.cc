#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

TEST_P(CliTest, IncDecGetCounter) {
  EXPECT_EQ(Cli({"get-counter", "tbl", "hits"}).out, "0\n");
  EXPECT_EQ(Cli({"inc", "tbl", "hits"}).out, "1\n");
  EXPECT_EQ(Cli({"inc", "tbl", "hits", "--by", "10"}).out, "11\n");
  EXPECT_EQ(Cli({"dec", "tbl", "hits"}).out, "10\n");
  EXPECT_EQ(Cli({"dec", "tbl", "hits", "--by", "25"}).out, "-15\n");
  EXPECT_EQ(Cli({"inc", "tbl", "hits", "--by", "-5"}).out, "-20\n");
  EXPECT_EQ(Cli({"get-counter", "tbl", "hits"}).out, "-20\n");
  EXPECT_EQ(Cli({"get", "tbl", "hits"}).out, "-20");
  EXPECT_EQ(Json({"inc", "tbl", "hits"}), nlohmann::json({{"counter", "hits"}, {"value", -19}}));
  EXPECT_EQ(Json({"get-counter", "tbl", "hits"}), nlohmann::json({{"counter", "hits"}, {"value", -19}}));
  EXPECT_EQ(Json({"get", "tbl", "hits"})["value"], -19);
}

TEST_P(CliTest, CounterOnPlainValueIsWrongType) {
  ASSERT_EQ(Cli({"set", "tbl", "k", "text"}).exit_code, 0);
  ExpectFailure({"inc", "tbl", "k"}, 2, "holds a value, not a counter");
  ExpectFailure({"get-counter", "tbl", "k"}, 2, "not a counter");
  EXPECT_EQ(Json({"inc", "tbl", "k"}, 2)["error"]["code"], "wrong_type");
  EXPECT_EQ(Cli({"get", "tbl", "k"}).out, "text");
}

TEST_P(CliTest, CounterOverflowChangesNothing) {
  ASSERT_EQ(Cli({"inc", "tbl", "c", "--by", "9223372036854775807"}).exit_code, 0);
  ExpectFailure({"inc", "tbl", "c"}, 2, "overflow");
  EXPECT_EQ(Cli({"get-counter", "tbl", "c"}).out, "9223372036854775807\n");
  ExpectFailure({"dec", "tbl", "d", "--by", "-9223372036854775808"}, 2, "64 bits");
  ASSERT_EQ(Cli({"dec", "tbl", "d", "--by", "9223372036854775807"}).exit_code, 0);
  ASSERT_EQ(Cli({"dec", "tbl", "d"}).out, "-9223372036854775808\n");
  ExpectFailure({"dec", "tbl", "d"}, 2, "overflow");
}

TEST_P(CliTest, BadIncrements) {
  ExpectFailure({"inc", "tbl", "c", "--by", "lots"}, 2, "--by 'lots' is not a whole number");
  ExpectFailure({"inc", "tbl", "c", "--by", "1.5"}, 2, "--by");
  ExpectFailure({"inc", "tbl", "c", "--by", "99999999999999999999"}, 2, "64-bit");
  ExpectFailure({"inc", "nosuchtable", "c"}, 2, "does not exist");
  EXPECT_EQ(Cli({"get-counter", "tbl", "c"}).out, "0\n");
}

}  // namespace
}  // namespace kvstore::testing
