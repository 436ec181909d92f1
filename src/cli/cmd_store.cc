// info, backup, checkpoint, check, vacuum: the store as a whole.
#include <cstdio>

#include "cli/command.h"
#include "cli/progress.h"
#include "kvstore/maintenance.h"

namespace kvstore::cli {
namespace {

struct StoreArgs {
  std::string table;
  std::string dest;
  bool force = false;
};

Json TableJson(const TableInfo& table) {
  Json doc = {{"name", table.name}, {"items", table.items}, {"bytes", table.bytes}, {"estimated", table.estimated}};
  if (!table.types.empty()) {
    Json types = Json::object();
    for (const TypeCount& count : table.types) types[count.type] = {{"items", count.items}, {"bytes", count.bytes}};
    doc["types"] = types;
  }
  if (!table.status.empty()) doc["status"] = table.status;
  if (!table.billing_mode.empty()) doc["billing_mode"] = table.billing_mode;
  if (!table.ttl_status.empty()) doc["ttl_status"] = table.ttl_status;
  return doc;
}

Json InfoJson(const StoreInfo& info) {
  Json doc = {{"engine", info.engine}, {"engine_version", info.engine_version}, {"location", info.location}};
  if (info.engine == "sqlite") {
    doc["file_bytes"] = info.file_bytes;
    doc["wal_bytes"] = info.wal_bytes;
    doc["page_size"] = info.page_size;
    doc["free_pages"] = info.free_pages;
  }
  Json tables = Json::array();
  for (const TableInfo& table : info.tables) tables.push_back(TableJson(table));
  doc["tables"] = tables;
  return doc;
}

void PrintTable(Output& out, const TableInfo& table) {
  if (table.estimated) {
    out.Line("table " + table.name + ": about " + std::to_string(table.items) + " items, " + BytesText(table.bytes) +
             " (DynamoDB's estimate, refreshed every ~6 hours); " + table.status + ", " + table.billing_mode +
             ", time to live " + (table.ttl_status.empty() ? "unknown" : table.ttl_status));
    return;
  }
  out.Line("table " + table.name + ": " + std::to_string(table.items) + " items, " + BytesText(table.bytes));
  for (const TypeCount& count : table.types) {
    out.Line("  " + count.type + ": " + std::to_string(count.items) + ", " + BytesText(count.bytes));
  }
}

Status RunInfo(Invocation& inv, const StoreArgs& args) {
  auto store = inv.store();
  if (!store.ok()) return store.status();
  auto info = (*store)->Info(args.table.empty() ? std::nullopt : std::optional<std::string_view>(args.table));
  if (!info.ok()) return info.status();
  if (inv.json()) {
    inv.out().Document(InfoJson(*info));
    return Status::Ok();
  }
  inv.out().Line("store: " + info->engine + " " + info->engine_version + ", " + info->location);
  if (info->engine == "sqlite") {
    int64_t free_bytes = info->free_pages * info->page_size;
    inv.out().Line("file: " + BytesText(info->file_bytes) + ", write-ahead log " + BytesText(info->wal_bytes) +
                   ", free " + BytesText(free_bytes) +
                   (free_bytes > 0 ? " (kvstore vacuum gives it back)" : ""));
  }
  for (const TableInfo& table : info->tables) PrintTable(inv.out(), table);
  return Status::Ok();
}

Status RunBackup(Invocation& inv, const StoreArgs& args) {
  auto store = inv.store();
  if (!store.ok()) return store.status();
  Status st = (*store)->Backup(args.dest, {.overwrite = args.force});
  return PrintDone(inv.out(), st, "backup", args.dest, "ok");
}

Status RunCheckpoint(Invocation& inv) {
  auto store = inv.store();
  if (!store.ok()) return store.status();
  auto report = (*store)->Checkpoint();
  if (!report.ok()) return report.status();
  if (!report->complete) {
    return Status::ConditionFailed(
        "checkpoint incomplete: another process is still reading an older state of the store; try again");
  }
  if (inv.json()) {
    inv.out().Document({{"checkpoint", true}, {"wal_frames", report->wal_frames}});
  } else {
    inv.out().Line("OK: the store file holds every write (" + std::to_string(report->wal_frames) +
                   " log frames folded in)");
  }
  return Status::Ok();
}

Status RunVacuum(Invocation& inv) {
  auto store = inv.store();
  if (!store.ok()) return store.status();
  Progress progress("vacuum", "pages given back");
  auto report = (*store)->Vacuum([&](int64_t done, int64_t total) {
    progress.Update(done, total > 0 ? static_cast<double>(done) / static_cast<double>(total) : -1);
  });
  progress.Clear();
  if (!report.ok()) return report.status();
  int64_t freed = std::max<int64_t>(report->bytes_before - report->bytes_after, 0);
  if (inv.json()) {
    inv.out().Document({{"bytes_before", report->bytes_before}, {"bytes_after", report->bytes_after},
                        {"bytes_freed", freed}, {"rebuilt", report->rebuilt}});
    return Status::Ok();
  }
  inv.out().Line("gave back " + BytesText(freed) + ": " + BytesText(report->bytes_before) + " -> " +
                 BytesText(report->bytes_after));
  if (report->rebuilt) {
    inv.out().Line("(the file was rebuilt once so that later vacuums work in small steps beside other writers)");
  }
  return Status::Ok();
}

Status RunCheck(Invocation& inv) {
  inv.NoDefaultTimeout();
  auto store = inv.store();
  if (!store.ok()) return store.status();
  auto report = (*store)->Check();
  if (!report.ok()) return report.status();
  if (inv.json()) {
    inv.out().Document({{"ok", report->problems.empty()}, {"items_checked", report->items_checked},
                        {"damaged_items", report->damaged_items}, {"problems", report->problems}});
  } else {
    for (const std::string& problem : report->problems) inv.out().Line(problem);
  }
  if (!report->problems.empty()) {
    inv.MarkAnswered();
    std::fprintf(stderr, "kvstore: the store is damaged: %zu problem(s)%s; restore it from a backup\n",
                 report->problems.size(), report->damaged_items > 0 ? " with items" : "");
    return Status::ConditionFailed("the store is damaged");
  }
  if (!inv.json()) inv.out().Line("ok: " + std::to_string(report->items_checked) + " items checked");
  return Status::Ok();
}

}  // namespace

void AddStoreCommands(CommandSet& commands) {
  auto args = std::make_shared<StoreArgs>();
  commands.Add(
      "info", {Group::kStore, "Show the store, its tables and what they hold", "kvstore info\nkvstore --json info app", ""},
      [args](Invocation& inv) { return RunInfo(inv, *args); },
      [args](CLI::App& cmd) { cmd.add_option("TABLE", args->table, "only this table"); });
  commands.Add(
      "backup",
      {Group::kStore, "Copy the embedded store to one file, consistent, while others write",
       "kvstore backup /var/backups/kvstore-$(date +%F).db", "DEST exists (give --force to replace it)"},
      [args](Invocation& inv) { return RunBackup(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("DEST", args->dest, "the backup file")->required();
        cmd.add_flag("--force", args->force, "replace DEST if it exists");
      });
  commands.Add("checkpoint",
               {Group::kStore, "Fold the embedded store's write-ahead log into its file", "kvstore checkpoint",
                "another process kept part of the log in use"},
               [](Invocation& inv) { return RunCheckpoint(inv); });
  commands.Add("check",
               {Group::kStore, "Look for damage: SQLite's integrity check and every item's checksum", "kvstore check",
                "damage was found (each problem printed; restore from a backup)"},
               [](Invocation& inv) { return RunCheck(inv); });
  commands.Add("vacuum", {Group::kStore, "Give the embedded store's free space back to the file system", "kvstore vacuum", ""},
               [](Invocation& inv) { return RunVacuum(inv); });
}

}  // namespace kvstore::cli
