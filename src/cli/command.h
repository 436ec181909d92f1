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
#include <set>
#include <string>
#include <string_view>
#include <vector>

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
  std::optional<Millis> timeout{};  // --timeout or $KVSTORE_TIMEOUT; unset: the command's default
  std::optional<std::string> aws_profile{};  // --profile
  std::optional<std::string> aws_region{};   // --region
};

// How long a command may spend on the store when --timeout does not say:
// enough for a slow answer and its retries, short enough for a script.
inline constexpr Millis kDefaultCommandTimeout{15'000};
// create-table and drop-table: DynamoDB makes and removes tables in the
// background, usually in seconds, at times in minutes.
inline constexpr Millis kDefaultTableTimeout{300'000};

// What a running command can reach: the store (opened on first use), its
// output, and the global flags.
class Invocation {
 public:
  Invocation(const GlobalFlags& flags, Output& out) : flags_(flags), out_(out) {}

  Result<Store*> store();
  // The store's handle on table `name` (InvalidArgument for a bad name).
  Result<Table> table(const std::string& name);
  // The table the command opened with table(), if any.
  const std::optional<std::string>& table_name() const { return table_name_; }
  Output& out() { return out_; }
  bool json() const { return flags_.json; }
  // --timeout before the command, or $KVSTORE_TIMEOUT, if given.
  std::optional<Millis> global_timeout() const { return flags_.timeout; }
  int64_t NowMillis() { return clock().NowMillis(); }
  const Clock& clock();
  // -v: what the store did, on stderr.
  void ReportStats();
  // One stderr line when a listing skipped items kvstore cannot read.
  void WarnOfUnreadableItems();

  // The handler printed its own negative answer (e.g. exists printing
  // "false"): main() adds no message for a negative Status.
  void MarkAnswered() { answered_ = true; }
  bool answered() const { return answered_; }

  // Exit with this code whatever the Status (lock-run passes on its
  // command's code this way).
  void SetExitCode(int code) { exit_code_ = code; }
  std::optional<int> exit_code() const { return exit_code_; }

  // The command's deadline (Store::SetDeadline): --timeout from the start,
  // or this command's default when --timeout is not given ...
  void DefaultTimeout(Millis timeout);
  // ... or no bound unless --timeout gives one: bulk commands (batch-set,
  // export, import) take as long as their input, each request still bounded.
  void NoDefaultTimeout();
  // ... plus what the user asked to wait (--wait) on top of it.
  void AllowWaiting(Millis wait);
  // No deadline while lock-run's command runs; a fresh one for releasing.
  void LiftDeadline();
  void RestartDeadline();

 private:
  void ApplyDeadline();

  const GlobalFlags& flags_;
  Output& out_;
  std::unique_ptr<Store> store_;
  std::optional<std::string> table_name_;
  bool answered_ = false;
  std::optional<int> exit_code_;
  Deadline started_ = std::chrono::steady_clock::now();
  std::optional<Millis> default_timeout_ = kDefaultCommandTimeout;
  Millis waiting_{0};
  bool lifted_ = false;
};

using Handler = std::function<Status(Invocation&)>;

// The groups help and the man page list commands under, in this order.
enum class Group {
  kTables, kKeys, kCounters, kLocks, kSemaphores, kRateLimits, kWatch, kQueues, kLeader, kSets, kLists, kBatchQuery,
  kStore, kShell
};
inline constexpr Group kGroupOrder[] = {Group::kTables,     Group::kKeys,   Group::kCounters, Group::kLocks,
                                        Group::kSemaphores, Group::kRateLimits, Group::kWatch, Group::kQueues,
                                        Group::kLeader,     Group::kSets,   Group::kLists,    Group::kBatchQuery,
                                        Group::kStore,      Group::kShell};
std::string_view GroupTitle(Group group);

// What help, the man page and completion say of a command; literals, so that
// declaring ~45 of them costs a command nothing.
struct CommandDoc {
  Group group;
  std::string_view summary;  // one line
  std::string_view example;  // shell lines, \n between them
  std::string_view exit_no;  // what exit code 1 means; empty: never 1
};
// Declares a command's arguments and flags on its CLI11 subcommand.
using Setup = std::function<void(CLI::App&)>;

// The commands. When the invocation's command word is known, only that
// command is built: declaring all ~50 with CLI11 costs more than running
// most of them.
class CommandSet {
 public:
  // `only`: the command word, or empty to build every command (for help).
  CommandSet(CLI::App& app, std::string only) : app_(app), only_(std::move(only)) {}

  // Adds a command; `setup` declares its arguments, `handler` runs if it is
  // the one chosen.
  void Add(std::string_view name, const CommandDoc& doc, Handler handler, const Setup& setup = {});
  // Whether a command has this name.
  bool Knows(std::string_view name) const;
  // Every command's name, in the order added.
  const std::vector<std::string_view>& names() const { return names_; }
  // The doc of a command added under this name, or null.
  const CommandDoc* Doc(std::string_view name) const;
  // The CLI11 subcommand declared for this name (built: `only` was empty or
  // this name), or null.
  CLI::App* Declared(std::string_view name) const;
  // The handler of the chosen command, or null.
  const Handler* Chosen() const;

 private:
  CLI::App& app_;
  std::string only_;
  std::vector<std::string_view> names_;
  std::vector<CommandDoc> docs_;  // parallel to names_
  std::map<CLI::App*, Handler> handlers_;
};

// The usual arguments, TABLE and one name (`what`: KEY, LOCK, QUEUE...), then
// whatever `more` declares. `table` and `name` must outlive the Setup call.
Setup TableAnd(const std::string& what, const std::string& help, std::string* table, std::string* name,
               Setup more = {});

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_COMMAND_H_
