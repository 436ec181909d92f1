// inc, dec, get-counter.
#include <limits>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/fence_flags.h"
#include "kvstore/counter.h"

namespace kvstore::cli {
namespace {

struct CounterArgs {
  std::string table;
  std::string name;
  std::string by = "1";
  std::string ttl;
  FenceFlags fences;
};

Status PrintCounter(Invocation& inv, const std::string& name, int64_t value) {
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "counter", name);
    doc["value"] = value;
    inv.out().Document(doc);
  } else {
    inv.out().Line(std::to_string(value));
  }
  return Status::Ok();
}

// inc adds --by, dec subtracts it.
Status RunAdd(Invocation& inv, const CounterArgs& args, int sign) {
  auto by = ParseInt64("--by", args.by);
  if (!by.ok()) return by.status();
  if (sign < 0 && *by == std::numeric_limits<int64_t>::min()) {
    return Status::OutOfRange("--by " + args.by + " cannot be negated within 64 bits");
  }
  AddOptions options;
  auto ttl = OptionalSeconds("--ttl", args.ttl);
  if (!ttl.ok()) return ttl.status();
  options.ttl = *ttl;
  KVSTORE_ASSIGN_OR_RETURN(options.fences, ParseFences(args.fences));
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto value = Counters(*table).Add(args.name, sign * *by, options);
  if (!value.ok()) return value.status();
  return PrintCounter(inv, args.name, *value);
}

Status RunGetCounter(Invocation& inv, const CounterArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto value = Counters(*table).Get(args.name);
  if (!value.ok()) return value.status();
  return PrintCounter(inv, args.name, *value);
}


}  // namespace

void AddCounterCommands(CommandSet& commands) {
  auto args = std::make_shared<CounterArgs>();
  auto table_and_name = [args](Setup more) {
    return TableAnd("NAME", "counter name", &args->table, &args->name, std::move(more));
  };
  auto ttl_flag = [args](CLI::App& cmd) {
    cmd.add_option("--ttl", args->ttl, "expire after SECONDS if it has no expiry yet (never pushed back: a fixed window)")
        ->type_name("SECONDS");
    AddFenceFlags(cmd, args->fences);
  };
  commands.Add("inc",
               {Group::kCounters, "Add to a counter and print its new value",
                "kvstore inc app deploys --by 1\nkvstore inc app hits:$(date +%H%M) --ttl 60   # a per-minute rate count",
                kFenceLost},
               [args](Invocation& inv) { return RunAdd(inv, *args, +1); },
               table_and_name([args, ttl_flag](CLI::App& cmd) {
                 cmd.add_option("--by", args->by, "amount to add (default 1)")->type_name("N");
                 ttl_flag(cmd);
               }));
  commands.Add(
      "dec", {Group::kCounters, "Subtract from a counter and print its new value", "kvstore dec app free-slots", kFenceLost},
      [args](Invocation& inv) { return RunAdd(inv, *args, -1); },
      table_and_name([args, ttl_flag](CLI::App& cmd) {
        cmd.add_option("--by", args->by, "amount to subtract (default 1)")->type_name("N");
        ttl_flag(cmd);
      }));
  commands.Add("get-counter", {Group::kCounters, "Print a counter's value (0 when missing)", "kvstore get-counter app deploys", ""},
               [args](Invocation& inv) { return RunGetCounter(inv, *args); }, table_and_name({}));
}

}  // namespace kvstore::cli
