// create-table, drop-table, list-tables.
#include "cli/command.h"

namespace kvstore::cli {
namespace {

struct TableArgs {
  std::string table;
  bool if_not_exists = false;
  bool if_exists = false;
  std::optional<int> layout;
  std::optional<int> shards;
};

Status RunCreateTable(Invocation& inv, const TableArgs& args) {
  inv.DefaultTimeout(kDefaultTableTimeout);
  auto store = inv.store();
  if (!store.ok()) return store.status();
  Status st = (*store)->CreateTable(args.table,
                                    {.if_not_exists = args.if_not_exists, .layout = args.layout, .shards = args.shards});
  return PrintDone(inv.out(), st, "table", args.table, "ok");
}

Status RunDropTable(Invocation& inv, const TableArgs& args) {
  inv.DefaultTimeout(kDefaultTableTimeout);
  auto store = inv.store();
  if (!store.ok()) return store.status();
  Status st = (*store)->DropTable(args.table, {.if_exists = args.if_exists});
  return PrintDone(inv.out(), st, "table", args.table, "ok");
}

Status RunListTables(Invocation& inv) {
  auto store = inv.store();
  if (!store.ok()) return store.status();
  auto names = (*store)->ListTables();
  if (!names.ok()) return names.status();
  if (inv.json()) {
    inv.out().Document(Json(*names));
  } else {
    for (const std::string& name : *names) inv.out().Line(name);
  }
  return Status::Ok();
}

}  // namespace

void AddTableCommands(CommandSet& commands) {
  auto args = std::make_shared<TableArgs>();
  commands.Add(
      "create-table",
      {Group::kTables, "Create a table", "kvstore create-table app --if-not-exists", "the table already exists"}, [args](Invocation& inv) { return RunCreateTable(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("TABLE", args->table, "table name: 3-255 of A-Z a-z 0-9 _ - .")->required();
        cmd.add_flag("--if-not-exists", args->if_not_exists, "succeed if the table already exists");
        cmd.add_option("--shards", args->shards,
                       "spread it over N partitions on DynamoDB (1-256; default 8; docs/scale.md)");
        cmd.add_option("--layout", args->layout, "1 for a table kvstore 0.3 can use too (default 2)");
      });

  commands.Add(
      "drop-table",
      {Group::kTables, "Delete a table and everything in it", "kvstore drop-table app --if-exists", "the table does not exist"}, [args](Invocation& inv) { return RunDropTable(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("TABLE", args->table, "table name")->required();
        cmd.add_flag("--if-exists", args->if_exists, "succeed if the table does not exist");
      });

  commands.Add("list-tables", {Group::kTables, "List the tables", "kvstore list-tables", ""}, [](Invocation& inv) { return RunListTables(inv); });
}

}  // namespace kvstore::cli
