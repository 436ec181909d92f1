// rate-limit through the real binary on both stores, and from many processes.
#include <thread>

#include "cli/cli_fixture.h"

namespace kvstore::testing {
namespace {

TEST_P(CliTest, RateLimitAdmitsTheBurstThenRefusesWithTheWait) {
  for (const char* left : {"2\n", "1\n", "0\n"}) {
    EXPECT_EQ(Cli({"rate-limit", "tbl", "api", "--rate", "1/m", "--burst", "3"}).out, left);
  }
  RunResult refused = Cli({"rate-limit", "tbl", "api", "--rate", "1/m", "--burst", "3"});
  EXPECT_EQ(refused.exit_code, 1);
  double wait = std::stod(refused.out);
  EXPECT_GT(wait, 59.0);
  EXPECT_LE(wait, 60.0);
  EXPECT_NE(refused.err.find("rate limit 'api': not enough tokens; enough in"), std::string::npos) << refused.err;
  auto doc = Json({"rate-limit", "tbl", "api", "--rate", "1/m", "--burst", "3"}, 1);
  EXPECT_EQ(doc["admitted"], false);
  EXPECT_GT(doc["retry_after"].get<double>(), 59.0);
  RunResult waited = Cli({"rate-limit", "tbl", "fast", "--rate", "10/s", "--burst", "1", "--wait", "2"});
  ASSERT_EQ(waited.exit_code, 0);
  EXPECT_EQ(Cli({"rate-limit", "tbl", "fast", "--rate", "10/s", "--burst", "1", "--wait", "2"}).exit_code, 0)
      << "the second call waits ~0.1 s for its token";
}

TEST_P(CliTest, RateLimitBadInput) {
  ExpectFailure({"rate-limit", "tbl", "api", "--rate", "10"}, 2, "--rate takes N/PERIOD");
  ExpectFailure({"rate-limit", "tbl", "api", "--rate", "10/d"}, 2, "--rate takes N/PERIOD");
  ExpectFailure({"rate-limit", "tbl", "api", "--rate", "0/s"}, 2, "--rate takes N/PERIOD");
  ExpectFailure({"rate-limit", "tbl", "api", "--rate", "5/s", "--cost", "6"}, 2, "cost must be 1 to the burst (5)");
  ExpectFailure({"rate-limit", "tbl", "api", "--rate", "5/s", "--burst", "0"}, 2, "--burst must be at least 1");
  ExpectFailure({"rate-limit", "tbl", "api"}, 2, "--rate");
  EXPECT_EQ(Cli({"rate-limit", "tbl", "api", "--rate", "5/15m", "--burst", "1"}).out, "0\n") << "nothing was taken";
}

// Eight processes call `rate-limit --rate 20/s --burst 5` as fast as they can
// for 3 s: at most 20 x 3 + 5 are admitted.
TEST_P(CliTest, RateLimitHoldsAcrossEightProcesses) {
  constexpr int kProcesses = 8;
  std::string log = dir_.File("admitted");
  std::string script =
      "end=$(( $(date +%s%N) + 3000000000 )); "
      "while [ $(date +%s%N) -lt $end ]; do "
      "  \"$0\" --store \"$1\" rate-limit tbl api --rate 20/s --burst 5 > /dev/null 2>&1 && echo ok >> \"$3\"; "
      "done; exit 0";
  RunShells(kProcesses, script, store_, log);
  RunResult count = RunProcess({"sh", "-c", "wc -l < \"$0\"", log});
  int admitted = std::stoi(count.out);
  EXPECT_LE(admitted, 65);
  // (Under the sanitizers each process starts ~10x slower: a scaled bound.)
  EXPECT_GE(admitted, ScaledCount(50)) << "the limiter admitted far less than the rate allows";
}

}  // namespace
}  // namespace kvstore::testing
