// rate-limit.
#include "cli/args.h"
#include "cli/command.h"
#include "kvstore/rate_limit.h"
#include "util/quote.h"

namespace kvstore::cli {
namespace {

struct RateArgs {
  std::string table;
  std::string name;
  std::string rate;
  std::string burst;
  std::string cost;
  std::string wait;
};

// "20/s", "100/m", "1000/h", or with a count of units: "10/30s".
Status ParseRate(const std::string& text, RateLimitOptions& options) {
  Status bad = Status::InvalidArgument("--rate takes N/PERIOD (PERIOD: s, m or h, e.g. 20/s, 100/m, 5/15m), got " +
                                       Quote(text));
  size_t slash = text.find('/');
  if (slash == std::string::npos || slash + 1 >= text.size()) return bad;
  std::string count = text.substr(0, slash), period = text.substr(slash + 1);
  static const std::pair<char, int64_t> kUnits[] = {{'s', 1'000}, {'m', 60'000}, {'h', 3'600'000}};
  int64_t unit_ms = 0;
  for (auto [unit, ms] : kUnits) unit_ms = period.back() == unit ? ms : unit_ms;
  if (unit_ms == 0) return bad;
  period.pop_back();
  auto n = ParseCount("--rate", count, 1'000'000'000);
  auto units = period.empty() ? Result<size_t>(size_t{1}) : ParseCount("--rate", period, 1'000'000);
  if (!n.ok() || !units.ok() || *n == 0 || *units == 0) return bad;
  options.rate = static_cast<int64_t>(*n);
  options.period = Millis(static_cast<int64_t>(*units) * unit_ms);
  return Status::Ok();
}

Status RunRateLimit(Invocation& inv, const RateArgs& args) {
  RateLimitOptions options;
  KVSTORE_RETURN_IF_ERROR(ParseRate(args.rate, options));
  KVSTORE_ASSIGN_OR_RETURN(options.burst, CountOr("--burst", args.burst, 1'000'000'000, 0));
  KVSTORE_ASSIGN_OR_RETURN(options.cost, CountOr("--cost", args.cost, 1'000'000'000, 1));
  KVSTORE_ASSIGN_OR_RETURN(options.wait, SecondsOr("--wait", args.wait, Millis(0)));
  if (!args.burst.empty() && options.burst == 0) return Status::InvalidArgument("--burst must be at least 1");
  if (options.cost == 0) return Status::InvalidArgument("--cost must be at least 1");
  inv.AllowWaiting(options.wait);
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto decision = RateLimits(*table).Take(args.name, options);
  if (!decision.ok()) return decision.status();
  char retry_after[32];
  std::snprintf(retry_after, sizeof retry_after, "%.3f", decision->retry_after.count() / 1000.0);
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "rate_limit", args.name);
    doc["admitted"] = decision->admitted;
    doc["remaining"] = decision->remaining;
    doc["retry_after"] = decision->retry_after.count() / 1000.0;
    inv.out().Document(doc);
  } else if (decision->admitted) {
    inv.out().Line(std::to_string(decision->remaining));
  } else {
    inv.out().Line(retry_after);
  }
  if (decision->admitted) return Status::Ok();
  if (inv.json()) inv.MarkAnswered();  // the document says so: one per command
  return Status::ConditionFailed("rate limit " + Quote(args.name) + ": not enough tokens; enough in " +
                                 retry_after + " s");
}

}  // namespace

void AddRateLimitCommands(CommandSet& commands) {
  auto args = std::make_shared<RateArgs>();
  commands.Add(
      "rate-limit",
      {Group::kRateLimits, "Take tokens from a shared token bucket; prints tokens left (or seconds to wait)",
       "kvstore rate-limit api github --rate 10/s --wait 30 && curl ...\nkvstore rate-limit api reports --rate 100/h --burst 10",
       "not enough tokens (within --wait); prints the seconds until there are"},
      [args](Invocation& inv) { return RunRateLimit(inv, *args); },
      TableAnd("NAME", "the bucket's name", &args->table, &args->name, [args](CLI::App& cmd) {
        cmd.add_option("--rate", args->rate, "tokens per period: N/s, N/m, N/h (or N/15m...)")
            ->type_name("N/PERIOD")
            ->required();
        cmd.add_option("--burst", args->burst, "most tokens the bucket holds (default: N, one period's worth)")
            ->type_name("B");
        cmd.add_option("--cost", args->cost, "tokens this call takes (default 1)")->type_name("C");
        cmd.add_option("--wait", args->wait, "wait up to this many seconds for the tokens")->type_name("SECONDS");
      }));
}

}  // namespace kvstore::cli
