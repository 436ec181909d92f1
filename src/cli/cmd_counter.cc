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
  std::string shards;
  bool no_value = false;
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
  if (args.no_value) return Counters(*table).AddOnly(args.name, sign * *by, options);
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

Status RunShard(Invocation& inv, const CounterArgs& args) {
  auto shards = ParseInt64("--shards", args.shards);
  if (!shards.ok()) return shards.status();
  if (*shards < 2 || *shards > 64) return Status::InvalidArgument("--shards must be 2 to 64, not " + args.shards);
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  KVSTORE_RETURN_IF_ERROR(Counters(*table).Shard(args.name, static_cast<int>(*shards)));
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
    cmd.add_flag("--no-value", args->no_value,
                 "print nothing: a sharded counter then reads back only its own item, not every shard");
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
  commands.Add("counter-shard",
               {Group::kCounters, "Spread a busy counter's increments over shards (2-64); prints its value",
                "kvstore counter-shard app page-views --shards 16", ""},
               [args](Invocation& inv) { return RunShard(inv, *args); },
               table_and_name([args](CLI::App& cmd) {
                 cmd.add_option("--shards", args->shards, "how many items take its increments (2-64)")
                     ->type_name("N")
                     ->required();
               }));
}

}  // namespace kvstore::cli
