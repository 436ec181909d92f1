// query: what a table holds, by type, prefix and time to live.
#include "cli/args.h"
#include "cli/command.h"
#include "kvstore/query.h"

namespace kvstore::cli {
namespace {

struct QueryArgs {
  std::string table;
  std::string type;
  std::string prefix;
  std::string expiring_within;
  bool no_ttl = false;
  std::string limit;
};

Status RunQuery(Invocation& inv, const QueryArgs& args) {
  QueryOptions options;
  if (!args.type.empty()) {
    options.type = ParseItemType(args.type);
    if (!options.type) {
      return Status::InvalidArgument("--type '" + args.type + "' must be kv, counter, lock, queue, leader, set or list");
    }
  }
  options.prefix = args.prefix;
  if (!args.expiring_within.empty()) {
    auto within = ParseSeconds("--expiring-within", args.expiring_within);
    if (!within.ok()) return within.status();
    options.expiring_within = *within;
  }
  options.no_ttl = args.no_ttl;
  auto limit = CountOr("--limit", args.limit, 1'000'000'000, 0);
  if (!limit.ok()) return limit.status();
  options.limit = *limit;
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto rows = Inspector(*table).Query(options);
  if (!rows.ok()) return rows.status();
  int64_t now = inv.NowMillis();
  if (inv.json()) {
    Json doc = Json::array();
    for (const QueryRow& row : *rows) {
      Json item;
      item["type"] = ItemTypeName(row.type);
      PutBytes(item, "name", row.name);
      item["size"] = row.size;
      item["ttl"] = SecondsLeft(row.expires_at_ms, now);
      doc.push_back(item);
    }
    inv.out().Document(doc);
  } else {
    for (const QueryRow& row : *rows) {
      std::string ttl = row.expires_at_ms ? SecondsText(*row.expires_at_ms - now) : "-";
      inv.out().Line(std::string(ItemTypeName(row.type)) + "\t" + row.name + "\t" + std::to_string(row.size) + "\t" + ttl);
    }
  }
  return Status::Ok();
}

}  // namespace

void AddQueryCommands(CommandSet& commands) {
  auto args = std::make_shared<QueryArgs>();
  commands.Add(
      "query",
      {Group::kBatchQuery, "List what a table holds: type, name, size, time to live",
       "kvstore query app --type lock --expiring-within 60", ""},
      [args](Invocation& inv) { return RunQuery(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("TABLE", args->table, "table name")->required();
        cmd.add_option("--type", args->type, "kv, counter, lock, queue, leader, set or list")->type_name("TYPE");
        cmd.add_option("--prefix", args->prefix, "only names starting with this")->type_name("PREFIX");
        auto* within =
            cmd.add_option("--expiring-within", args->expiring_within, "only what expires within this many seconds")
                ->type_name("SECONDS");
        cmd.add_flag("--no-ttl", args->no_ttl, "only what never expires")->excludes(within);
        cmd.add_option("--limit", args->limit, "at most this many rows")->type_name("N");
      });
}

}  // namespace kvstore::cli
