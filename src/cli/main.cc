// kvstore [--store URL] [--json] [-v] COMMAND ARGS...
// Parses the global flags and the command, runs its handler, and maps the
// outcome to one exit code (exit_codes.cc). Nothing below main() exits.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/exit_codes.h"

namespace kvstore::cli {

namespace {

// --table-prefix, and KVSTORE_MAX_CLOCK_SKEW (seconds), which overrides the
// store's default allowance for clocks that disagree
// (OpenOptions::max_clock_skew).
Result<OpenOptions> OpenOptionsFor(const GlobalFlags& flags) {
  OpenOptions options{.table_prefix = flags.table_prefix};
  const char* skew = std::getenv("KVSTORE_MAX_CLOCK_SKEW");
  if (skew && *skew) {
    auto parsed = ParseSeconds("KVSTORE_MAX_CLOCK_SKEW", skew);
    if (!parsed.ok()) return parsed.status();
    options.max_clock_skew = *parsed;
  }
  return options;
}

}  // namespace

Result<Store*> Invocation::store() {
  if (!store_) {
    auto options = OpenOptionsFor(flags_);
    if (!options.ok()) return options.status();
    auto opened = Store::Open(flags_.store, *options);
    if (!opened.ok()) return opened.status();
    store_ = std::move(*opened);
    if (flags_.verbose) {
      std::fprintf(stderr, "kvstore: store %s\n", flags_.store.empty() ? "(default)" : flags_.store.c_str());
    }
  }
  return store_.get();
}

Result<Table> Invocation::table(const std::string& name) {
  table_name_ = name;
  auto s = store();
  if (!s.ok()) return s.status();
  return (*s)->OpenTable(name);
}

void Invocation::ReportStats() {
  if (!store_) return;
  StoreStats s = store_->stats();
  if (s.counts_requests) {
    std::fprintf(stderr, "kvstore: %s: %d requests, %d retries, %.1f read units, %.1f write units\n",
                 s.backend.c_str(), s.requests, s.retries, s.read_units, s.write_units);
  }
}

const Clock& Invocation::clock() { return store_ ? store_->clock() : *SystemClock::Shared(); }

Setup TableAnd(const std::string& what, const std::string& help, std::string* table, std::string* name,
               Setup more) {
  return [=](CLI::App& cmd) {
    cmd.add_option("TABLE", *table, "table name")->required();
    cmd.add_option(what, *name, help)->required();
    if (more) more(cmd);
  };
}

void CommandSet::Add(const std::string& name, const std::string& description, Handler handler, const Setup& setup) {
  names_.insert(name);
  if (!only_.empty() && name != only_) return;
  CLI::App* sub = app_.add_subcommand(name, description);
  if (setup) setup(*sub);
  handlers_[sub] = std::move(handler);
}

const Handler* CommandSet::Chosen() const {
  for (const CLI::App* sub : app_.get_subcommands()) {
    auto it = handlers_.find(sub);
    if (it != handlers_.end()) return &it->second;
  }
  return nullptr;
}

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

int Run(int argc, char** argv) {
  CLI::App app{"kvstore: keys, counters, locks, queues and more for scripts and programs"};
  app.name("kvstore");
  GlobalFlags flags;
  CLI::Option* store_option = app.add_option("--store", flags.store, "store URL: sqlite:PATH (default: $KVSTORE_STORE, then ~/.local/share/kvstore/kvstore.db)");
  app.add_flag("--json", flags.json, "print one JSON document on stdout");
  std::string table_prefix;
  CLI::Option* table_prefix_option = app.add_option(
      "--table-prefix", table_prefix, "DynamoDB: prefix of every table name (default: $KVSTORE_TABLE_PREFIX)");
  app.add_flag("-v,--verbose,--stats", flags.verbose,
               "report on stderr the store used and, on DynamoDB, the requests, retries and capacity consumed");
  app.require_subcommand(1);
  app.fallthrough();

  std::string command = CommandWord(argc, argv);
  CommandSet commands(app, command);
  AddTableCommands(commands);
  AddKvCommands(commands);
  AddCounterCommands(commands);
  AddLockCommands(commands);
  AddQueueCommands(commands);
  AddLeaderCommands(commands);
  AddCollectionCommands(commands);
  AddBulkCommands(commands);

  if (!command.empty() && !commands.Knows(command)) {
    std::fprintf(stderr, "kvstore: unknown command '%s' (see kvstore --help)\n", command.c_str());
    return kExitUsage;
  }

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
  // An empty --store would silently mean the default store: refuse it, as a
  // variable that expanded to nothing is the likely cause.
  if (store_option->count() > 0 && flags.store.empty()) {
    std::fprintf(stderr, "kvstore: --store is empty; give a store URL, or leave --store out for the default\n");
    return kExitUsage;
  }

  if (table_prefix_option->count() > 0) flags.table_prefix = table_prefix;
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
}  // namespace kvstore::cli

int main(int argc, char** argv) {
  try {
    return kvstore::cli::Run(argc, argv);
  } catch (const std::exception& e) {
    // Nothing should throw past the handlers; if it does, still one line.
    std::fprintf(stderr, "kvstore: internal error: %s\n", e.what());
    return kvstore::cli::kExitStore;
  }
}
