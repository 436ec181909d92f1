// Runs the real kvstore binary against a fresh store with one table, "tbl":
// every CLI test runs on the embedded store and on DynamoDB Local (the
// endpoint in KVSTORE_TEST_DYNAMODB, which scripts/test.sh sets).
#ifndef KVSTORE_TESTS_CLI_CLI_FIXTURE_H_
#define KVSTORE_TESTS_CLI_CLI_FIXTURE_H_

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/run.h"
#include "testing/stores.h"
#include "testing/temp_dir.h"

namespace kvstore::testing {

class CliTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    store_ = PrepareStore(GetParam(), dir_.File("store.db"));
    ASSERT_FALSE(store_.empty());
    RunResult created = Cli({"create-table", "tbl"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }

  bool OnSqlite() const { return BaseStoreKind(GetParam()) == "sqlite"; }

  RunResult Cli(const std::vector<std::string>& args, const RunOptions& options = {}) {
    return Kvstore(store_, args, options);
  }

  // Runs a --json command and parses its stdout (expected_exit -1: any).
  nlohmann::json Json(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.begin(), "--json");
    RunResult r = Cli(args);
    if (expected_exit >= 0) {
      EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    }
    return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  }

  // Asserts a failure: the exit code, nothing on stdout, one line on stderr
  // containing `mentions`.
  void ExpectFailure(const std::vector<std::string>& args, int exit_code, const std::string& mentions) {
    RunResult r = Cli(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(mentions), std::string::npos) << "stderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  }

  TempDir dir_;
  std::string store_;
};

}  // namespace kvstore::testing

#endif  // KVSTORE_TESTS_CLI_CLI_FIXTURE_H_
