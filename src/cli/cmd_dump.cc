// export, import: a store's contents as JSON Lines (docs/export-format.md),
// streamed both ways so memory stays flat whatever the size.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/command.h"
#include "cli/export_format.h"
#include "cli/input_lines.h"
#include "cli/progress.h"
#include "kvstore/dump.h"

namespace kvstore::cli {
namespace {

struct DumpArgs {
  std::vector<std::string> tables;
  std::string file = "-";
  bool replace = false;
  bool if_not_exists = false;
};

// stdout through one buffer: a million records must not cost a million
// writes.
class LineWriter {
 public:
  ~LineWriter() { Flush(); }
  void Line(const std::string& text) {
    buffer_ += text;
    buffer_ += '\n';
    if (buffer_.size() >= (1 << 16)) Flush();
  }
  Status Flush() {
    bool ok = std::fwrite(buffer_.data(), 1, buffer_.size(), stdout) == buffer_.size() && std::fflush(stdout) == 0;
    buffer_.clear();
    return ok ? Status::Ok() : Status::IoError(std::string("cannot write the export: ") + std::strerror(errno));
  }

 private:
  std::string buffer_;
};

Status RunExport(Invocation& inv, const DumpArgs& args) {
  inv.NoDefaultTimeout();
  auto store = inv.store();
  if (!store.ok()) return store.status();
  LineWriter out;
  // Written with the first record, so that a refusal (an unknown table)
  // prints nothing on stdout.
  std::string header = HeaderLine((*store)->stats().backend, inv.NowMillis());
  int64_t records = 0;
  Progress progress("export", "records", /*wanted=*/isatty(STDOUT_FILENO) != 1);
  Status st = Export(**store, args.tables, [&](const DumpRecord& record) {
    if (records++ == 0) out.Line(header);
    out.Line(RecordLine(record));
    progress.Update(records);
    return Status::Ok();
  });
  if (st.ok() && records == 0) out.Line(header);
  KVSTORE_RETURN_IF_ERROR(out.Flush());
  if (!st.ok()) return st.WithMessage(st.message() + " (after " + std::to_string(records) + " records)");
  return Status::Ok();
}

// Adds every line's record; the Status names the line that failed.
Status ImportLines(InputLines& in, Importer& importer) {
  Progress progress("import", "records written");
  std::string line;
  while (true) {
    auto more = in.Next(line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    progress.Update(importer.written(), in.Fraction());
    auto record = ParseRecordLine(line, in.Where());
    if (!record.ok()) return record.status();
    if (!*record) continue;  // the header
    Status st = importer.Add(**record);
    if (!st.ok()) return st.WithMessage(in.Where() + st.message());
  }
  return importer.Finish();
}

Status RunImport(Invocation& inv, const DumpArgs& args) {
  inv.NoDefaultTimeout();
  auto in = InputLines::Open("import file", args.file);
  if (!in.ok()) return in.status();
  auto store = inv.store();
  if (!store.ok()) return store.status();
  ImportMode mode = args.replace         ? ImportMode::kReplaceTables
                    : args.if_not_exists ? ImportMode::kIfNotExists
                                         : ImportMode::kReplaceObjects;
  Importer importer(**store, mode);
  Status st = ImportLines(**in, importer);
  // What came before a bad line is good: write it, so the count below is
  // what the store holds and a rerun after the fix has less to do.
  if (st.Is(Status::Code::kInvalidArgument)) {
    Status flushed = importer.Finish();
    if (!flushed.ok()) st = flushed;
  }
  if (!st.ok()) {
    return st.WithMessage(st.message() + "; " + std::to_string(importer.written()) +
                          " records written before it (running the import again completes it)");
  }
  if (inv.json()) {
    inv.out().Document({{"written", importer.written()}});
  } else {
    inv.out().Line(std::to_string(importer.written()) + " written");
  }
  return Status::Ok();
}

}  // namespace

void AddDumpCommands(CommandSet& commands) {
  auto args = std::make_shared<DumpArgs>();
  commands.Add(
      "export",
      {Group::kStore, "Write tables, or the whole store, as JSON Lines on stdout",
       "kvstore export > all.jsonl\nkvstore --store a.db export | kvstore --store dynamodb: import", ""},
      [args](Invocation& inv) { return RunExport(inv, *args); },
      [args](CLI::App& cmd) { cmd.add_option("TABLE", args->tables, "only these tables (default: every table)"); });
  commands.Add(
      "import",
      {Group::kStore, "Read an export back, creating the tables it names",
       "kvstore import --file all.jsonl\nkvstore import --file app.jsonl --replace", ""},
      [args](Invocation& inv) { return RunImport(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("--file", args->file, "the export; - reads stdin (the default)")->type_name("FILE");
        auto* replace = cmd.add_flag("--replace", args->replace, "empty each table first: it ends as exported");
        cmd.add_flag("--if-not-exists", args->if_not_exists, "leave what already exists as it is")->excludes(replace);
      });
}

}  // namespace kvstore::cli
