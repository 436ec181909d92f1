// kvstore(1) in the man(7) macros (man_page.h).
#include "cli/man_page.h"

#include <algorithm>

#include "kvstore/version.h"

namespace kvstore::cli {

namespace {

// Text as roff reads it literally: backslashes escaped, hyphens as \- (so
// flags copy and paste as typed), a leading dot or quote neutralised.
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

// Paragraphs of plain text, blank lines between them.
std::string Paragraphs(std::string_view text) {
  std::string out;
  for (size_t start = 0; start <= text.size();) {
    size_t end = std::min(text.find("\n\n", start), text.size());
    out += (out.empty() ? "" : ".PP\n") + Roff(text.substr(start, end - start)) + "\n";
    start = end + 2;
  }
  return out;
}

std::string Bold(std::string_view text) { return "\\fB" + Roff(text) + "\\fR"; }
std::string Italic(std::string_view text) { return "\\fI" + Roff(text) + "\\fR"; }

std::string FlagTerm(const FlagSpec& flag) {
  std::string term;
  for (const std::string& name : flag.names) term += (term.empty() ? "" : ", ") + Bold(name);
  if (!flag.placeholder.empty()) term += " " + Italic(flag.placeholder);
  return term;
}

std::string FlagItems(const std::vector<FlagSpec>& flags) {
  std::string out;
  for (const FlagSpec& flag : flags) {
    out += ".TP\n" + FlagTerm(flag) + "\n" + Roff(flag.help) + (flag.required ? " (required)" : "") + "\n";
  }
  return out;
}

std::string Synopsis(const CommandSpec& command) {
  std::string line = Bold("kvstore " + std::string(command.name));
  for (const ArgSpec& arg : command.args) {
    std::string word = Italic(arg.name) + (arg.repeated ? "..." : "");
    line += " " + (arg.required ? word : "[" + word + "]");
  }
  for (const FlagSpec& flag : command.flags) {
    if (flag.names.back() == "--help") continue;
    std::string word = Bold(flag.names.back()) + (flag.placeholder.empty() ? "" : " " + Italic(flag.placeholder));
    line += " " + (flag.required ? word : "[" + word + "]");
  }
  return line;
}

std::string Example(std::string_view lines) { return ".PP\nExample:\n.PP\n.RS 4\n.EX\n" + Roff(lines) + "\n.EE\n.RE\n"; }

std::string CommandEntry(const CommandSpec& command) {
  std::string out = ".TP\n" + Synopsis(command) + "\n" + Roff(command.doc.summary) + ".\n.RS\n";
  for (const ArgSpec& arg : command.args) out += ".TP\n" + Italic(arg.name) + "\n" + Roff(arg.help) + "\n";
  std::vector<FlagSpec> flags(command.flags.begin(), command.flags.end() - 1);  // without --help
  out += FlagItems(flags);
  if (!command.doc.exit_no.empty()) out += ".PP\nExit 1: " + Roff(command.doc.exit_no) + ".\n";
  out += Example(command.doc.example);
  return out + ".RE\n";
}

std::string Entries(const std::vector<Entry>& entries, bool bold) {
  std::string out;
  for (const Entry& entry : entries) {
    out += ".TP\n" + (bold ? Bold(entry.name) : Roff(entry.name)) + "\n" + Roff(entry.text) + "\n";
  }
  return out;
}

constexpr std::string_view kDescription = R"roff(kvstore gives shell scripts, cron jobs, CI pipelines and programs shared state and coordination: keys with a time to live and conditional writes, atomic counters, leased locks with fencing tokens, work queues with visibility timeouts and dead-letter queues, leader election, sets, lists, atomic transactions from a file, batch operations and queries.

It runs on an embedded SQLite file by default, with nothing to set up; many processes can share it. With --store dynamodb: it runs on Amazon DynamoDB, every command the same.

Every command prints its answer on stdout (one JSON document with --json) and says what went wrong in one line on stderr. Durations are seconds; decimals are allowed. Values are any bytes up to 256 KiB; VALUE - reads stdin.)roff";

constexpr std::string_view kStoreUrls = R"roff(.TP
\fBsqlite:\fIPATH\fR, or a path
That file, created (mode 0600) when missing. Add ?sync=full to fsync every commit.
.TP
\fBdynamodb:\fR
Amazon DynamoDB, with the region and credentials of the AWS environment (see ENVIRONMENT).
.TP
\fBdynamodb+http://\fIHOST\fB:\fIPORT\fR, \fBdynamodb+https://\fIHOST\fB:\fIPORT\fR
An endpoint that speaks DynamoDB's API, such as DynamoDB Local.
)roff";

constexpr std::string_view kFiles = R"roff(.TP
\fI$XDG_DATA_HOME/kvstore/kvstore.db\fR (default \fI~/.local/share/kvstore/kvstore.db\fR)
The default store, with its \-wal and \-shm files.
.TP
\fI~/.aws/credentials\fR, \fI~/.aws/config\fR
AWS credentials, region and profile for the DynamoDB store.
)roff";

constexpr std::string_view kExamples = R"roff(Run a nightly job on one machine of many, with a lease renewed while it runs:
.PP
.RS 4
.EX
kvstore lock\-run app nightly \-\-ttl 60 \-\- ./backup.sh
.EE
.RE
.PP
A worker that takes jobs, acknowledges them when done, and leaves failures to be redelivered:
.PP
.RS 4
.EX
while msg=$(kvstore \-\-json queue\-pop app jobs \-\-wait 20); do
  receipt=$(echo "$msg" | jq \-r .receipt)
  echo "$msg" | jq \-r .payload | ./handle && kvstore queue\-ack app jobs "$receipt"
done
.EE
.RE
.PP
Count deploys, and keep a value for an hour:
.PP
.RS 4
.EX
kvstore inc app deploys
kvstore set app last\-deploy "$(git rev\-parse HEAD)" \-\-ttl 3600
.EE
.RE
)roff";

}  // namespace

std::string ManPage(const std::vector<CommandSpec>& catalog, const std::vector<FlagSpec>& global_flags) {
  std::string page = ".TH KVSTORE 1 \"\" \"kvstore " KVSTORE_VERSION "\" \"User Commands\"\n";
  page += ".SH NAME\nkvstore \\- keys, counters, locks, queues and more for shell scripts and programs\n";
  page += ".SH SYNOPSIS\n.B kvstore\n[\\fIGLOBAL FLAGS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n.br\n";
  page += ".B kvstore help\n[\\fICOMMAND\\fR]\n";
  page += ".SH DESCRIPTION\n" + Paragraphs(kDescription);
  page += ".SH GLOBAL FLAGS\nThese go before the command.\n" + FlagItems(global_flags);
  page += ".SH STORE URLS\n" + std::string(kStoreUrls);
  page += ".SH COMMANDS\n";
  for (Group group : kGroupOrder) {
    std::string entries;
    for (const CommandSpec& command : catalog) {
      if (command.doc.group == group) entries += CommandEntry(command);
    }
    if (!entries.empty()) page += ".SS " + Roff(GroupTitle(group)) + "\n" + entries;
  }
  page += ".SH EXIT STATUS\n" + Entries(kExitCodes, true);
  page += ".PP\nlock\\-run exits with its command's code, 1 (or \\-\\-conflict\\-exit\\-code) when the lock is not "
          "acquired, and 3 when it loses the lease.\n";
  page += ".SH ENVIRONMENT\n" + Entries(kEnvironment, true);
  page += ".SH FILES\n" + std::string(kFiles);
  page += ".SH EXAMPLES\n" + std::string(kExamples);
  page += ".SH SEE ALSO\n.BR flock (1),\n.BR redis\\-cli (1)\n";
  return page;
}

}  // namespace kvstore::cli
