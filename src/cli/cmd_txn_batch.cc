// transaction, batch-get, batch-set: many operations from a file or a list.
#include "cli/args.h"
#include "cli/command.h"
#include "cli/input_lines.h"
#include "cli/progress.h"
#include "cli/txn_batch_files.h"
#include "kvstore/batch.h"
#include "kvstore/txn.h"

namespace kvstore::cli {
namespace {

// A transaction is at most 100 operations of at most 256 KiB each.
constexpr size_t kMaxTxnFile = 64u << 20;
constexpr size_t kMaxBatchFile = 1u << 30;
// Lines of a streamed batch checked and written together (SetMany's own
// chunk: one SQLite transaction).
constexpr size_t kLinesPerChunk = 500;

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

// One JSON document ("[...]"): read whole, checked whole, then written.
Result<size_t> SetDocument(Table& table, InputLines& in) {
  auto text = in.Rest(kMaxBatchFile);
  if (!text.ok()) return text.status();
  auto file = ParseBatchFile(*text);
  if (!file.ok()) return file.status();
  return Batch(table).SetMany(file->entries, [&](size_t i) { return file->origins[i]; });
}

// JSON Lines, streamed: memory stays flat. A file is checked whole first,
// so one bad line writes nothing; stdin cannot be read twice, so each
// chunk is checked before it is written, and a bad line says how many
// entries the chunks before it wrote.
Result<size_t> SetLines(Table& table, InputLines& in) {
  bool checked_first = in.CanRewind();
  std::string line;
  if (checked_first) {
    for (auto more = in.Next(line); !more.ok() || *more; more = in.Next(line)) {
      if (!more.ok()) return more.status();
      auto entry = ParseBatchLine(line, in.Where());
      if (!entry.ok()) return entry.status();
      if (Status st = Batch::Check(*entry); !st.ok()) return Status::InvalidArgument(in.Where() + st.message());
    }
    KVSTORE_RETURN_IF_ERROR(in.Rewind());
  }
  Progress progress("batch-set", "written");
  std::vector<BatchEntry> chunk;
  std::vector<std::string> origins;
  size_t written = 0;
  auto so_far = [&](const Status& st) {
    if (written == 0) return st;
    return st.WithMessage(st.message() + "; " + std::to_string(written) + " entries written before it");
  };
  auto write = [&]() -> Status {
    auto done = Batch(table).SetMany(chunk, [&](size_t i) { return origins[i]; });
    if (!done.ok()) return so_far(done.status());
    written += *done;
    chunk.clear();
    origins.clear();
    progress.Update(static_cast<int64_t>(written), in.Fraction());
    return Status::Ok();
  };
  for (auto more = in.Next(line); !more.ok() || *more; more = in.Next(line)) {
    Status st = more.status();
    auto entry = st.ok() ? ParseBatchLine(line, in.Where()) : Result<BatchEntry>(st);
    if (!entry.ok()) return so_far(entry.status());
    chunk.push_back(std::move(*entry));
    origins.push_back(in.Where().substr(0, in.Where().size() - 2));
    if (chunk.size() == kLinesPerChunk) KVSTORE_RETURN_IF_ERROR(write());
  }
  KVSTORE_RETURN_IF_ERROR(write());
  return written;
}

Status RunBatchSet(Invocation& inv, const TxnBatchArgs& args) {
  inv.NoDefaultTimeout();
  auto in = InputLines::Open("batch file", args.file);
  if (!in.ok()) return in.status();
  // A JSON array is read whole by SetDocument (peeking consumed only
  // white space).
  bool document = (*in)->PeekFirst() == '[';
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto written = document ? SetDocument(*table, **in) : SetLines(*table, **in);
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
