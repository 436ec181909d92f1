// kvstore [--store URL] [--json] [-v] COMMAND ARGS...: parse the global flags
// and the command, run its handler, and map the outcome to one exit code
// (exit_codes.cc). Nothing below RunCli exits.
#include "cli/app.h"

#include <cstdio>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/exit_codes.h"

namespace kvstore::cli {

// The command families, each defined in its cmd_*.cc: the one list a new
// family joins.
void AddTableCommands(CommandSet& commands);
void AddKvCommands(CommandSet& commands);
void AddCounterCommands(CommandSet& commands);
void AddLockCommands(CommandSet& commands);
void AddQueueCommands(CommandSet& commands);
void AddLeaderCommands(CommandSet& commands);
void AddCollectionCommands(CommandSet& commands);
void AddTxnBatchCommands(CommandSet& commands);
void AddQueryCommands(CommandSet& commands);

namespace {

// The library says what is wrong; the CLI adds what to type about it.
Status WithAdvice(Status status, const Invocation& inv) {
  if (status.Is(Status::Code::kUnknownTable) && inv.table_name()) {
    return Status::UnknownTable(status.message() + "; create it with: kvstore create-table " + *inv.table_name());
  }
  return status;
}

// The first argument that is not a global flag: the command name, or empty.
// CLI11 would report an unknown command as a missing one; this names it.
std::string CommandWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--store" || arg == "--table-prefix") {  // the global options that take a value
      ++i;
    } else if (arg.empty() || arg[0] != '-') {
      return arg;
    }
  }
  return {};
}

// CLI11's message, in our words where its own is obscure.
std::string UsageProblem(const CLI::ParseError& e) {
  std::string what = e.what();
  // "--by: 1 required TEXT missing": the flag was given without its value.
  size_t colon = what.find(": ");
  if (what.starts_with("--") && colon != std::string::npos && what.ends_with(" missing") &&
      what.find(" required ", colon) != std::string::npos) {
    return what.substr(0, colon) + " needs a value";
  }
  return what;
}

// The global flags, declared on the app; `table_prefix` holds --table-prefix until
// parsing tells whether it was given.
struct GlobalOptions {
  GlobalFlags flags;
  std::string table_prefix;
  CLI::Option* store = nullptr;
  CLI::Option* table_prefix_option = nullptr;
};

void DeclareGlobalFlags(CLI::App& app, GlobalOptions& global) {
  global.store = app.add_option("--store", global.flags.store,
                                "store URL: sqlite:PATH (default: $KVSTORE_STORE, then ~/.local/share/kvstore/kvstore.db)");
  app.add_flag("--json", global.flags.json, "print one JSON document on stdout");
  global.table_prefix_option = app.add_option(
      "--table-prefix", global.table_prefix, "DynamoDB: prefix of every table name (default: $KVSTORE_TABLE_PREFIX)");
  app.add_flag("-v,--verbose,--stats", global.flags.verbose,
               "report on stderr the store used and, on DynamoDB, the requests, retries and capacity consumed");
  app.require_subcommand(1);
  app.fallthrough();
}

void AddEveryCommand(CommandSet& commands) {
  AddTableCommands(commands);
  AddKvCommands(commands);
  AddCounterCommands(commands);
  AddLockCommands(commands);
  AddQueueCommands(commands);
  AddLeaderCommands(commands);
  AddCollectionCommands(commands);
  AddTxnBatchCommands(commands);
  AddQueryCommands(commands);
}

// Parses the arguments; an exit code when that is already the end (help was
// printed, or the usage is wrong).
std::optional<int> Parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // CLI11 throws CallForHelp from a subcommand as a ParseError subclass too.
    if (e.get_exit_code() == 0) {
      const CLI::App* sub = app.get_subcommands().empty() ? &app : app.get_subcommands().front();
      std::fputs(sub->help().c_str(), stdout);
      return kExitOk;
    }
    std::fprintf(stderr, "kvstore: %s (see kvstore --help)\n", UsageProblem(e).c_str());
    return kExitUsage;
  }
  return std::nullopt;
}

// Runs the chosen command and reports its outcome: one stderr line for a
// failure, the exit code from the one table.
int Execute(const CommandSet& commands, const GlobalFlags& flags) {
  Output out(flags.json);
  Invocation invocation(flags, out);
  const Handler* handler = commands.Chosen();
  Status status = handler ? (*handler)(invocation) : Status::InvalidArgument("no command given");
  status = WithAdvice(std::move(status), invocation);
  if (!status.ok() && !(invocation.answered() && ExitCodeFor(status) == kExitNo)) out.Failure(status);
  if (flags.verbose) invocation.ReportStats();
  std::fflush(stdout);
  return invocation.exit_code().value_or(ExitCodeFor(status));
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{"kvstore: keys, counters, locks, queues and more for scripts and programs"};
  app.name("kvstore");
  GlobalOptions global;
  DeclareGlobalFlags(app, global);
  std::string command = CommandWord(argc, argv);
  CommandSet commands(app, command);
  AddEveryCommand(commands);
  if (!command.empty() && !commands.Knows(command)) {
    std::fprintf(stderr, "kvstore: unknown command '%s' (see kvstore --help)\n", command.c_str());
    return kExitUsage;
  }
  if (auto done = Parse(app, argc, argv)) return *done;
  // An empty --store would silently mean the default store: refuse it, as a
  // variable that expanded to nothing is the likely cause.
  if (global.store->count() > 0 && global.flags.store.empty()) {
    std::fprintf(stderr, "kvstore: --store is empty; give a store URL, or leave --store out for the default\n");
    return kExitUsage;
  }
  if (global.table_prefix_option->count() > 0) global.flags.table_prefix = global.table_prefix;
  return Execute(commands, global.flags);
}

}  // namespace kvstore::cli
