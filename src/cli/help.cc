// Help text, laid out from the catalog (catalog.h).
#include "cli/help.h"

#include <algorithm>

#include "kvstore/version.h"

namespace kvstore::cli {

namespace {

using Row = std::pair<std::string, std::string>;

// Two columns: the left padded to the widest (at least `width`, at most
// 28), the right after it.
std::string Columns(const std::vector<Row>& rows, size_t width = 0) {
  for (const Row& row : rows) width = std::max(width, std::min<size_t>(row.first.size(), 28));
  std::string text;
  for (const auto& [left, right] : rows) {
    text += "  " + left;
    if (left.size() > width) {
      text += "\n  " + std::string(width, ' ');
    } else {
      text += std::string(width - left.size(), ' ');
    }
    text += "  " + right + "\n";
  }
  return text;
}

std::string Section(const std::string& title, const std::vector<Row>& rows, size_t width = 0) {
  return rows.empty() ? "" : "\n" + title + ":\n" + Columns(rows, width);
}

std::vector<Row> FlagRows(const std::vector<FlagSpec>& flags) {
  std::vector<Row> rows;
  for (const FlagSpec& flag : flags) rows.push_back({FlagText(flag), flag.help + (flag.required ? " (required)" : "")});
  return rows;
}

std::vector<Row> EntryRows(const std::vector<Entry>& entries) {
  std::vector<Row> rows;
  for (const Entry& entry : entries) rows.push_back({std::string(entry.name), std::string(entry.text)});
  return rows;
}

std::string Indented(std::string_view lines) {
  std::string text = "  ";
  for (char c : lines) text += c == '\n' ? std::string("\n  ") : std::string(1, c);
  return text + "\n";
}

}  // namespace

std::string OverviewHelp(const std::vector<CommandSpec>& catalog, const std::vector<FlagSpec>& global_flags) {
  std::string text = "kvstore " KVSTORE_VERSION
                     ": keys, counters, locks, queues and more for shell scripts and programs\n\n"
                     "Usage: kvstore [GLOBAL FLAGS] COMMAND [ARGS...]\n"
                     "       kvstore help COMMAND     (or kvstore COMMAND --help): a command's arguments, example, exit codes\n";
  size_t width = 0;  // one column for every group
  for (const CommandSpec& command : catalog) width = std::max(width, command.name.size());
  for (Group group : kGroupOrder) {
    std::vector<Row> rows;
    for (const CommandSpec& command : catalog) {
      if (command.doc.group == group) rows.push_back({std::string(command.name), std::string(command.doc.summary)});
    }
    text += Section(std::string(GroupTitle(group)), rows, width);
  }
  text += Section("Global flags (before the command)", FlagRows(global_flags));
  text += Section("Environment", EntryRows(kEnvironment));
  text += Section("Exit codes", EntryRows(kExitCodes));
  text += "\nFull manual: man kvstore. Store URLs: sqlite:PATH (default ~/.local/share/kvstore/kvstore.db),\n"
          "dynamodb: (AWS), dynamodb+http://HOST:PORT (e.g. DynamoDB Local).\n";
  return text;
}

std::string CommandHelp(const CommandSpec& command) {
  std::string text = "kvstore " + std::string(command.name) + ": " + std::string(command.doc.summary) + "\n\n";
  text += "Usage: " + UsageLine(command) + "\n";
  std::vector<Row> args;
  for (const ArgSpec& arg : command.args) args.push_back({arg.name + (arg.repeated ? "..." : ""), arg.help});
  text += Section("Arguments", args);
  text += Section("Flags", FlagRows(command.flags));
  text += "\nExample:\n" + Indented(command.doc.example);
  std::vector<Row> codes = {{"0", "done"}};
  if (!command.doc.exit_no.empty()) codes.push_back({"1", std::string(command.doc.exit_no)});
  codes.push_back({"2", "bad usage or input (one line on stderr names it); nothing changed"});
  codes.push_back({"3", "the store failed or could not be reached"});
  text += Section("Exit codes", codes);
  text += "\nGlobal flags (--store, --json, -v...) go before the command: see kvstore --help.\n";
  return text;
}

}  // namespace kvstore::cli
