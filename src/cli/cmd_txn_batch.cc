// transaction, batch-get, batch-set: many operations from a file or a list.
#include "cli/args.h"
#include "cli/command.h"
#include "cli/txn_batch_files.h"
#include "kvstore/batch.h"
#include "kvstore/txn.h"

namespace kvstore::cli {
namespace {

// A transaction is at most 100 operations of at most 256 KiB each.
constexpr size_t kMaxTxnFile = 64u << 20;
constexpr size_t kMaxBatchFile = 1u << 30;

struct TxnBatchArgs {
  std::string table;
  std::string file;
  std::vector<std::string> keys;
};

// What one operation's result means, for people: "deleted", "6", "2 added".
std::string ResultText(const TxnOp& op, int64_t r) {
  switch (op.type) {
    case TxnOp::Type::kDelete: return r ? "deleted" : "was not there";
    case TxnOp::Type::kAdd: return std::to_string(r);
    case TxnOp::Type::kSAdd: return std::to_string(r) + " added";
    case TxnOp::Type::kSRem: return std::to_string(r) + " removed";
    case TxnOp::Type::kLPush:
    case TxnOp::Type::kRPush: return "length " + std::to_string(r);
    default: return "OK";
  }
}

Json ResultJson(const TxnOp& op, int64_t r) {
  Json doc;
  doc["op"] = TxnOpName(op);
  PutBytes(doc, "name", op.name);
  switch (op.type) {
    case TxnOp::Type::kDelete: doc["deleted"] = r != 0; break;
    case TxnOp::Type::kAdd: doc["value"] = r; break;
    case TxnOp::Type::kSAdd: doc["added"] = r; break;
    case TxnOp::Type::kSRem: doc["removed"] = r; break;
    case TxnOp::Type::kLPush:
    case TxnOp::Type::kRPush: doc["length"] = r; break;
    default: doc["ok"] = true; break;
  }
  return doc;
}

Status RunTransaction(Invocation& inv, const TxnBatchArgs& args) {
  auto text = ReadInputFile("transaction file", args.file, kMaxTxnFile);
  if (!text.ok()) return text.status();
  auto ops = ParseTransaction(*text);
  if (!ops.ok()) return ops.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto result = Transactions(*table).Apply(*ops);
  if (!result.ok()) return result.status();
  if (inv.json()) {
    Json doc;
    doc["ok"] = true;
    doc["results"] = Json::array();
    for (size_t i = 0; i < ops->size(); ++i) doc["results"].push_back(ResultJson((*ops)[i], result->results[i]));
    inv.out().Document(doc);
  } else {
    for (size_t i = 0; i < ops->size(); ++i) {
      const TxnOp& op = (*ops)[i];
      inv.out().Line(std::to_string(i) + " " + TxnOpName(op) + " " + op.name + ": " + ResultText(op, result->results[i]));
    }
  }
  return Status::Ok();
}

Status RunBatchGet(Invocation& inv, const TxnBatchArgs& args) {
  std::vector<std::string> keys = args.keys;
  if (!args.file.empty()) {
    auto text = ReadInputFile("key file", args.file, kMaxBatchFile);
    if (!text.ok()) return text.status();
    std::vector<std::string> more = ParseKeyLines(*text);
    keys.insert(keys.end(), more.begin(), more.end());
  }
  if (keys.empty()) return Status::InvalidArgument("give keys as arguments or with --file");
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto entries = Batch(*table).GetMany(keys);
  if (!entries.ok()) return entries.status();
  size_t missing = 0;
  Json items = Json::array();
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::optional<Entry>& e = (*entries)[i];
    missing += !e;
    if (inv.json()) {
      Json item;
      PutBytes(item, "key", keys[i]);
      item["found"] = e.has_value();
      if (e) PutBytes(item, "value", e->value);
      items.push_back(item);
    } else {
      inv.out().Line(keys[i] + ": " + (e ? e->value : "(missing)"));
    }
  }
  if (inv.json()) inv.out().Document({{"items", items}, {"missing", missing}});
  if (missing > 0 && !inv.json()) {
    std::fprintf(stderr, "kvstore: %zu of %zu keys missing\n", missing, keys.size());
  }
  return Status::Ok();
}

Status RunBatchSet(Invocation& inv, const TxnBatchArgs& args) {
  inv.NoDefaultTimeout();
  auto text = ReadInputFile("batch file", args.file, kMaxBatchFile);
  if (!text.ok()) return text.status();
  auto file = ParseBatchFile(*text);
  if (!file.ok()) return file.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto written = Batch(*table).SetMany(file->entries, [&](size_t i) { return file->origins[i]; });
  if (!written.ok()) return written.status();
  if (inv.json()) {
    inv.out().Document({{"written", *written}});
  } else {
    inv.out().Line(std::to_string(*written) + " written");
  }
  return Status::Ok();
}

}  // namespace

void AddTxnBatchCommands(CommandSet& commands) {
  auto args = std::make_shared<TxnBatchArgs>();
  commands.Add(
      "transaction",
      {Group::kBatchQuery, "Apply a file of operations atomically (all or none)",
       "kvstore transaction app --file deploy-transaction.json", "a condition in the file did not hold; nothing was applied"},
      [args](Invocation& inv) { return RunTransaction(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("TABLE", args->table, "table name")->required();
        cmd.add_option("--file", args->file, "the JSON document; - reads stdin")->type_name("FILE")->required();
      });

  commands.Add(
      "batch-get",
      {Group::kBatchQuery, "Print many keys' values in the order asked", "kvstore --json batch-get app k1 k2 k3", ""}, [args](Invocation& inv) { return RunBatchGet(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("TABLE", args->table, "table name")->required();
        cmd.add_option("KEY", args->keys, "keys to read");
        cmd.add_option("--file", args->file, "also read keys from this file, one per line; - reads stdin")
            ->type_name("FILE");
      });

  commands.Add(
      "batch-set",
      {Group::kBatchQuery, "Write many keys from a JSON array or JSON Lines file",
       "echo '{\"key\": \"a\", \"value\": \"1\"}' | kvstore batch-set app --file -", ""},
      [args](Invocation& inv) { return RunBatchSet(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("TABLE", args->table, "table name")->required();
        cmd.add_option("--file", args->file, "the entries; - reads stdin")->type_name("FILE")->required();
      });
}

}  // namespace kvstore::cli
