// How command families plug into the CLI: each cmd_*.cc adds its subcommands
// to a CommandSet with a handler that runs when the subcommand is chosen.
// Handlers print their answer through Invocation::out() and return a Status;
// main() turns a non-ok Status into the stderr line and the exit code.
#ifndef KVSTORE_CLI_COMMAND_H_
#define KVSTORE_CLI_COMMAND_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/output.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore::cli {

struct GlobalFlags {
  std::string store;  // --store; empty: $KVSTORE_STORE, then the default file
  bool json = false;  // --json
  bool verbose = false;  // -v
  std::optional<std::string> table_prefix{};  // --table-prefix; unset: $KVSTORE_TABLE_PREFIX
};

// What a running command can reach: the store (opened on first use), its
// output, and the global flags.
class Invocation {
 public:
  Invocation(const GlobalFlags& flags, Output& out) : flags_(flags), out_(out) {}

  Result<Store*> store();
  // The store's handle on table `name` (InvalidArgument for a bad name).
  Result<Table> table(const std::string& name);
  Output& out() { return out_; }
  bool json() const { return flags_.json; }
  int64_t NowMillis() { return clock().NowMillis(); }
  const Clock& clock();
  // -v: what the store did, on stderr.
  void ReportStats();

  // The handler printed its own negative answer (e.g. exists printing
  // "false"): main() adds no message for a negative Status.
  void MarkAnswered() { answered_ = true; }
  bool answered() const { return answered_; }

  // Exit with this code whatever the Status (lock-run passes on its
  // command's code this way).
  void SetExitCode(int code) { exit_code_ = code; }
  std::optional<int> exit_code() const { return exit_code_; }

 private:
  const GlobalFlags& flags_;
  Output& out_;
  std::unique_ptr<Store> store_;
  bool answered_ = false;
  std::optional<int> exit_code_;
};

using Handler = std::function<Status(Invocation&)>;

class CommandSet {
 public:
  explicit CommandSet(CLI::App& app) : app_(app) {}

  // Adds a subcommand; handler runs if it is the one chosen.
  CLI::App* Add(const std::string& name, const std::string& description, Handler handler);
  // Whether a subcommand has this name.
  bool Knows(const std::string& name) const;
  // The handler of the chosen subcommand, or null.
  const Handler* Chosen() const;

 private:
  CLI::App& app_;
  std::map<const CLI::App*, Handler> handlers_;
};

void AddTableCommands(CommandSet& commands);
void AddKvCommands(CommandSet& commands);
void AddCounterCommands(CommandSet& commands);
void AddLockCommands(CommandSet& commands);
void AddQueueCommands(CommandSet& commands);
void AddLeaderCommands(CommandSet& commands);
void AddCollectionCommands(CommandSet& commands);
void AddBulkCommands(CommandSet& commands);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_COMMAND_H_
