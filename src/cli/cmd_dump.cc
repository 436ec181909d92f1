// export, import: a store's contents as JSON Lines (docs/export-format.md),
// streamed both ways so memory stays flat whatever the size.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "cli/export_format.h"
#include "cli/progress.h"
#include "kvstore/dump.h"

namespace kvstore::cli {
namespace {

// A record holds at most a 256 KiB value, base64-encoded: lines longer than
// this are refused rather than read into memory without end.
constexpr size_t kMaxLine = 1 << 20;

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
  Progress progress("export", "records");
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

// The input: a file, or stdin for "-".
Result<std::unique_ptr<std::istream>> OpenInput(const std::string& path) {
  if (path == "-") return std::unique_ptr<std::istream>(new std::istream(std::cin.rdbuf()));
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument("import file '" + path + "' is a folder, not a file");
  }
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) return Status::InvalidArgument("cannot read import file '" + path + "': " + std::strerror(errno));
  return std::unique_ptr<std::istream>(std::move(in));
}

// The size of the input when it is a regular file, for the time left.
int64_t InputSize(const std::string& path) {
  struct stat st;
  return path != "-" && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
}

// Adds every line's record; the Status names the line that failed.
Status ImportLines(std::istream& in, int64_t size, Importer& importer) {
  Progress progress("import", "records written");
  std::string line;
  int64_t consumed = 0;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    consumed += static_cast<int64_t>(line.size()) + 1;
    progress.Update(importer.written(), size > 0 ? static_cast<double>(consumed) / static_cast<double>(size) : -1);
    std::string where = "line " + std::to_string(number) + ": ";
    if (line.size() > kMaxLine) return Status::InvalidArgument(where + "longer than 1 MiB");
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto record = ParseRecordLine(line, where);
    if (!record.ok()) return record.status();
    if (!*record) continue;  // the header
    Status st = importer.Add(**record);
    if (!st.ok()) return st.WithMessage(where + st.message());
  }
  if (in.bad()) return Status::InvalidArgument(std::string("cannot read the import: ") + std::strerror(errno));
  return importer.Finish();
}

Status RunImport(Invocation& inv, const DumpArgs& args) {
  inv.NoDefaultTimeout();
  auto in = OpenInput(args.file);
  if (!in.ok()) return in.status();
  auto store = inv.store();
  if (!store.ok()) return store.status();
  ImportMode mode = args.replace         ? ImportMode::kReplaceTables
                    : args.if_not_exists ? ImportMode::kIfNotExists
                                         : ImportMode::kReplaceObjects;
  Importer importer(**store, mode);
  Status st = ImportLines(**in, InputSize(args.file), importer);
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
