// kvstore [--store URL] [--json] [-v] COMMAND ARGS...: parse the global flags
// and the command, run its handler, and map the outcome to one exit code
// (exit_codes.cc). Nothing below RunCli exits.
#include "cli/app.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <string_view>

#include "cli/args.h"
#include "cli/catalog.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/output.h"
#include "kvstore/version.h"

namespace kvstore::cli {

// The command families, each defined in its cmd_*.cc: the one list a new
// family joins.
void AddTableCommands(CommandSet& commands);
void AddKvCommands(CommandSet& commands);
void AddCounterCommands(CommandSet& commands);
void AddLockCommands(CommandSet& commands);
void AddSemaphoreCommands(CommandSet& commands);
void AddRateLimitCommands(CommandSet& commands);
void AddWatchCommands(CommandSet& commands);
void AddQueueCommands(CommandSet& commands);
void AddLeaderCommands(CommandSet& commands);
void AddCollectionCommands(CommandSet& commands);
void AddTxnBatchCommands(CommandSet& commands);
void AddQueryCommands(CommandSet& commands);
void AddStoreCommands(CommandSet& commands);
void AddDumpCommands(CommandSet& commands);
void AddShellCommands(CommandSet& commands, const CLI::App& app);
// What the completion scripts ask: the candidates for the last of `words`.
int RunComplete(const std::vector<std::string>& words, const CommandSet& commands, const CLI::App& app);

namespace {

// The library says what is wrong; the CLI adds what to type about it.
Status WithAdvice(Status status, const Invocation& inv) {
  if (status.Is(Status::Code::kUnknownTable) && inv.table_name()) {
    return Status::UnknownTable(status.message() + "; create it with: kvstore create-table " + *inv.table_name());
  }
  return status;
}

// The words before the command: global flags and their values.
struct Preamble {
  std::string command;  // the first word that is not a global flag, or empty
  bool version = false;  // --version
  bool help = false;     // -h, --help
  bool json = false;     // --json
};

// The global options that take a value (DeclareGlobalFlags), whose value
// the preamble must not take for the command.
constexpr std::string_view kGlobalValueFlags[] = {"--store", "--table-prefix", "--timeout", "--profile", "--region"};

// CLI11 would report an unknown command as a missing one; this names it.
Preamble ReadPreamble(int argc, char** argv) {
  Preamble preamble;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (std::find(std::begin(kGlobalValueFlags), std::end(kGlobalValueFlags), arg) != std::end(kGlobalValueFlags)) {
      ++i;
    } else if (arg.empty() || arg[0] != '-') {
      preamble.command = arg;
      break;
    }
    preamble.version |= arg == "--version";
    preamble.help |= arg == "-h" || arg == "--help";
    preamble.json |= arg == "--json";
  }
  return preamble;
}

// kvstore 0.4.0, then what it was built with.
int PrintVersion(bool json) {
  Output out(json);
  if (json) {
    Json doc{{"version", Version()}, {"sqlite", SqliteVersion()}};
    doc["commit"] = *BuildCommit() ? Json(BuildCommit()) : Json(nullptr);
    out.Document(doc);
  } else {
    out.Line(std::string("kvstore ") + Version());
    out.Line(std::string("SQLite ") + SqliteVersion());
    if (*BuildCommit()) out.Line(std::string("commit ") + BuildCommit());
  }
  return kExitOk;
}

int Refuse(const Status& status) {
  std::fprintf(stderr, "kvstore: %s\n", status.message().c_str());
  return kExitUsage;
}

// help, and the shell's helpers, read every command; any other builds itself
// only (see CommandSet).
bool NeedsEveryCommand(const std::string& command) {
  return command.empty() || command == "help" || command == "__complete" || command == "__man";
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
  std::string timeout;
  std::string profile;
  std::string region;
  CLI::Option* store = nullptr;
  CLI::Option* table_prefix_option = nullptr;
  CLI::Option* timeout_option = nullptr;
  CLI::Option* profile_option = nullptr;
  CLI::Option* region_option = nullptr;
};

void DeclareGlobalFlags(CLI::App& app, GlobalOptions& global) {
  global.store = app.add_option("--store", global.flags.store,
                                "store URL: sqlite:PATH, dynamodb: or dynamodb+http://HOST:PORT (default: $KVSTORE_STORE, "
                                "then ~/.local/share/kvstore/kvstore.db)")
                     ->type_name("URL");
  app.add_flag("--json", global.flags.json, "print one JSON document on stdout");
  global.table_prefix_option =
      app.add_option("--table-prefix", global.table_prefix,
                     "DynamoDB: prefix of every table name (default: $KVSTORE_TABLE_PREFIX)")
          ->type_name("PREFIX");
  global.timeout_option =
      app.add_option("--timeout", global.timeout,
                     "most seconds the command may spend on the store, retries included (default: $KVSTORE_TIMEOUT, "
                     "else 15; create-table and drop-table 300; a --wait adds to it)")
          ->type_name("SECONDS");
  global.profile_option =
      app.add_option("--profile", global.profile,
                     "DynamoDB: the AWS profile to take credentials and region from (default: $AWS_PROFILE)")
          ->type_name("NAME");
  global.region_option =
      app.add_option("--region", global.region, "DynamoDB: the AWS region (default: $AWS_REGION, the profile's, us-east-1)")
          ->type_name("REGION");
  app.add_flag("-v,--verbose,--stats", global.flags.verbose,
               "report on stderr the store used and, on DynamoDB, the requests, retries and capacity consumed");
  app.add_flag("--version")->description("print kvstore's version, its SQLite's and the commit it was built from");
  app.require_subcommand(1);
  app.fallthrough();
}

// --timeout, else $KVSTORE_TIMEOUT, else unset (the command's default).
Result<std::optional<Millis>> CommandTimeout(const GlobalOptions& global) {
  const char* env = std::getenv("KVSTORE_TIMEOUT");
  bool from_flag = global.timeout_option->count() > 0;
  if (!from_flag && (env == nullptr || *env == '\0')) return std::optional<Millis>();
  std::string name = from_flag ? "--timeout" : "KVSTORE_TIMEOUT";
  auto timeout = ParseSeconds(name, from_flag ? global.timeout : std::string(env));
  if (!timeout.ok()) return timeout.status();
  if (*timeout <= Millis(0)) return Status::InvalidArgument(name + " must be more than 0 seconds");
  return std::optional<Millis>(*timeout);
}

void AddEveryCommand(CommandSet& commands) {
  AddTableCommands(commands);
  AddKvCommands(commands);
  AddCounterCommands(commands);
  AddLockCommands(commands);
  AddSemaphoreCommands(commands);
  AddRateLimitCommands(commands);
  AddWatchCommands(commands);
  AddQueueCommands(commands);
  AddLeaderCommands(commands);
  AddCollectionCommands(commands);
  AddTxnBatchCommands(commands);
  AddQueryCommands(commands);
  AddStoreCommands(commands);
  AddDumpCommands(commands);
}

// The command whose arguments are being parsed (or were), or null.
const CLI::App* ChosenSubcommand(const CLI::App& app) {
  auto chosen = app.get_subcommands();
  return chosen.empty() ? nullptr : chosen.front();
}

// CLI11's "The following argument was not expected: --tll 5": the flag named,
// and the closest one the command has.
std::string UnexpectedArguments(const CLI::ExtrasError& e, const CLI::App& app) {
  std::string what = e.what();
  size_t colon = what.find(": ");
  std::string extras = colon == std::string::npos ? what : what.substr(colon + 2);
  // Report a flag-like word first: "--tll 5" lists 5 before --tll.
  std::string first = extras.substr(0, extras.find(' '));
  for (size_t start = 0; start < extras.size();) {
    size_t end = std::min(extras.find(' ', start), extras.size());
    if (extras[start] == '-') {
      first = extras.substr(start, end - start);
      break;
    }
    start = end + 1;
  }
  const CLI::App* sub = ChosenSubcommand(app);
  std::string where = sub ? " for " + sub->get_name() : "";
  std::string see = sub ? "kvstore " + sub->get_name() + " --help" : "kvstore --help";
  if (!first.starts_with("-")) return "unexpected argument '" + first + "'" + where + " (see " + see + ")";
  std::vector<std::string> flags;  // the command's and the global ones, which may come after it
  std::vector<FlagSpec> specs = GlobalFlagSpecs(app);
  if (sub) {
    std::vector<FlagSpec> own = Describe(sub->get_name(), {}, *sub).flags;
    specs.insert(specs.end(), own.begin(), own.end());
  }
  for (const FlagSpec& flag : specs) flags.insert(flags.end(), flag.names.begin(), flag.names.end());
  std::string closest = ClosestMatch(first.substr(0, first.find('=')), flags);
  return "unknown flag '" + first + "'" + where + (closest.empty() ? "" : "; did you mean " + closest + "?") +
         " (see " + see + ")";
}

// Parses the arguments; an exit code when that is already the end (help was
// printed, or the usage is wrong).
std::optional<int> Parse(CLI::App& app, const CommandSet& commands, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError& e) {
    std::fprintf(stderr, "kvstore: %s\n", UnexpectedArguments(e, app).c_str());
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    // --help, of the app or a command (CLI11 throws CallForHelp as a ParseError).
    if (e.get_exit_code() == 0) {
      const CLI::App* sub = ChosenSubcommand(app);
      std::string name = sub ? sub->get_name() : "";
      std::fputs(sub ? CommandHelp(Describe(name, *commands.Doc(name), *sub)).c_str()
                     : OverviewHelp(Catalog(commands), GlobalFlagSpecs(app)).c_str(),
                 stdout);
      return kExitOk;
    }
    const CLI::App* sub = ChosenSubcommand(app);
    std::fprintf(stderr, "kvstore: %s (see kvstore %s--help)\n", UsageProblem(e).c_str(),
                 sub ? (sub->get_name() + " ").c_str() : "");
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
  invocation.WarnOfUnreadableItems();
  if (flags.verbose) invocation.ReportStats();
  std::fflush(stdout);
  return invocation.exit_code().value_or(ExitCodeFor(status));
}

}  // namespace

int RunCli(int argc, char** argv) {
  Preamble preamble = ReadPreamble(argc, argv);
  if (preamble.command.empty() && preamble.version) return PrintVersion(preamble.json);
  CLI::App app{"kvstore: keys, counters, locks, queues and more for scripts and programs"};
  app.name("kvstore");
  GlobalOptions global;
  DeclareGlobalFlags(app, global);
  std::string command = preamble.command;
  CommandSet commands(app, NeedsEveryCommand(command) ? "" : command);
  AddEveryCommand(commands);
  AddShellCommands(commands, app);
  if (command.empty() && preamble.help) {
    std::fputs(OverviewHelp(Catalog(commands), GlobalFlagSpecs(app)).c_str(), stdout);
    return kExitOk;
  }
  if (command.empty()) return Refuse(Status::InvalidArgument("no command given (see kvstore help)"));
  if (command == "__complete" && argc >= 2 && argv[1] == command) {
    return RunComplete(std::vector<std::string>(argv + 2, argv + argc), commands, app);
  }
  if (!commands.Knows(command)) return Refuse(UnknownCommand(command, commands));
  if (auto done = Parse(app, commands, argc, argv)) return *done;
  // An empty --store would silently mean the default store: refuse it, as a
  // variable that expanded to nothing is the likely cause.
  if (global.store->count() > 0 && global.flags.store.empty()) {
    std::fprintf(stderr, "kvstore: --store is empty; give a store URL, or leave --store out for the default\n");
    return kExitUsage;
  }
  if (global.table_prefix_option->count() > 0) global.flags.table_prefix = global.table_prefix;
  if (global.profile_option->count() > 0) global.flags.aws_profile = global.profile;
  if (global.region_option->count() > 0) global.flags.aws_region = global.region;
  auto timeout = CommandTimeout(global);
  if (!timeout.ok()) return Refuse(timeout.status());
  global.flags.timeout = *timeout;
  return Execute(commands, global.flags);
}

}  // namespace kvstore::cli
