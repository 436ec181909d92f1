// watch, wait.
#include <cstdio>

#include "cli/args.h"
#include "cli/command.h"
#include "kvstore/limits.h"
#include "kvstore/watch.h"
#include "util/quote.h"

namespace kvstore::cli {
namespace {

struct WatchArgs {
  std::string table;
  std::string key;
  std::string prefix;
  bool has_prefix = false;
  std::string count;
  std::string timeout;
  std::string interval;
  bool exists = false;
  bool missing = false;
  std::string value;
  bool has_value = false;
};

const char* EventName(Change::Type type) {
  switch (type) {
    case Change::Type::kPut: return "put";
    case Change::Type::kDelete: return "delete";
    case Change::Type::kExpire: return "expire";
  }
  return "?";
}

// Bytes fit for one text line: backslash and control characters escaped as
// in C (\n, \t, \x01), everything else as it is. --json gives exact bytes.
std::string OneLine(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void PrintChange(Invocation& inv, const Change& change) {
  const Entry& e = change.entry;
  bool put = change.type == Change::Type::kPut;
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "key", e.key);
    doc["type"] = e.kind == KeyKind::kCounter ? "counter" : "kv";
    doc["event"] = EventName(change.type);
    if (!put) {
      doc["value"] = nullptr;
    } else if (e.kind == KeyKind::kCounter) {
      doc["value"] = std::stoll(e.value);
    } else {
      PutBytes(doc, "value", e.value);
    }
    doc["version"] = put ? Json(change.version) : Json(nullptr);
    inv.out().Document(doc);
  } else {
    inv.out().Line(std::string(EventName(change.type)) + " " + OneLine(e.key) + (put ? " " + OneLine(e.value) : ""));
  }
  std::fflush(stdout);  // a line as it happens, also into a pipe
}

// --timeout after the command; else the global --timeout / KVSTORE_TIMEOUT;
// else none (empty).
Result<std::optional<Millis>> WatchTimeout(Invocation& inv, const WatchArgs& args) {
  auto own = OptionalSeconds("--timeout", args.timeout);
  if (!own.ok() || *own) return own;
  return inv.global_timeout();
}

Result<Millis> PollInterval(const WatchArgs& args) {
  return SecondsOr("--interval", args.interval, kDefaultPollInterval);
}

// No --timeout: the longest wait there is.
constexpr Millis kForever{kMaxDurationMillis};

Status RunWatch(Invocation& inv, const WatchArgs& args) {
  if (args.has_prefix == !args.key.empty()) return Status::InvalidArgument("give either a KEY or --prefix PREFIX");
  WatchOptions options{.key = args.has_prefix ? args.prefix : args.key, .prefix = args.has_prefix};
  KVSTORE_ASSIGN_OR_RETURN(options.poll_interval, PollInterval(args));
  size_t count = 0;
  KVSTORE_ASSIGN_OR_RETURN(count, CountOr("--count", args.count, 1'000'000'000, 0));
  std::optional<Millis> timeout;
  KVSTORE_ASSIGN_OR_RETURN(timeout, WatchTimeout(inv, args));
  inv.LiftDeadline();  // the watch lasts as long as asked; each read keeps its request timeout
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto watch = Watch::Start(*table, options);
  if (!watch.ok()) return watch.status();
  int64_t give_up_at = inv.NowMillis() + timeout.value_or(kForever).count();
  size_t seen = 0;
  while (count == 0 || seen < count) {
    int64_t left = give_up_at - inv.NowMillis();
    if (left <= 0) break;
    auto changes = (*watch)->Next(Millis(left));
    if (!changes.ok()) return changes.status();
    for (const Change& change : *changes) {
      if (count != 0 && seen == count) break;
      PrintChange(inv, change);
      ++seen;
    }
  }
  if (count == 0 || seen == count) return Status::Ok();
  return Status::ConditionFailed("saw " + std::to_string(seen) + " of " + std::to_string(count) + " changes within " +
                                 SecondsText(timeout->count()));
}

Result<WaitCondition> ConditionOf(const WatchArgs& args) {
  if (args.exists + args.missing + args.has_value > 1) {
    return Status::InvalidArgument("give at most one of --exists, --missing and --value");
  }
  if (args.missing) return WaitCondition{.kind = WaitCondition::Kind::kMissing};
  if (args.has_value) return WaitCondition{.kind = WaitCondition::Kind::kValue, .value = args.value};
  return WaitCondition{.kind = WaitCondition::Kind::kExists};
}

std::string Describe(const WaitCondition& c) {
  switch (c.kind) {
    case WaitCondition::Kind::kExists: return "exist";
    case WaitCondition::Kind::kMissing: return "go away";
    case WaitCondition::Kind::kValue: return "hold the value waited for";
  }
  return "";
}

Status RunWait(Invocation& inv, const WatchArgs& args) {
  WaitCondition condition;
  KVSTORE_ASSIGN_OR_RETURN(condition, ConditionOf(args));
  Millis interval;
  KVSTORE_ASSIGN_OR_RETURN(interval, PollInterval(args));
  std::optional<Millis> timeout;
  KVSTORE_ASSIGN_OR_RETURN(timeout, WatchTimeout(inv, args));
  inv.LiftDeadline();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto met = WaitFor(*table, args.key, condition, timeout.value_or(kForever), interval);
  if (!met.ok()) return met.status();
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "key", args.key);
    doc["met"] = *met;
    inv.out().Document(doc);
  }
  if (*met) return Status::Ok();
  if (inv.json()) inv.MarkAnswered();
  return Status::ConditionFailed("key " + Quote(args.key) + " did not " + Describe(condition) + " within " +
                                 SecondsText(timeout.value_or(kForever).count()));
}

void AddTimeoutAndInterval(CLI::App& cmd, WatchArgs& args, const char* what) {
  cmd.add_option("--timeout", args.timeout, what)->type_name("SECONDS");
  cmd.add_option("--interval", args.interval, "DynamoDB: seconds between reads (default 1)")->type_name("SECONDS");
}

}  // namespace

void AddWatchCommands(CommandSet& commands) {
  auto args = std::make_shared<WatchArgs>();
  commands.Add(
      "watch",
      {Group::kWatch, "Print a line for each change to a key or a prefix",
       "kvstore watch jobs build:42\nkvstore --json watch jobs --prefix build: --count 1 --timeout 600",
       "--count changes did not come within --timeout"},
      [args](Invocation& inv) { return RunWatch(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("TABLE", args->table, "table name")->required();
        cmd.add_option("KEY", args->key, "the key to watch");
        cmd.add_option("--prefix", args->prefix, "watch every key and counter starting with this")
            ->type_name("PREFIX")
            ->each([args](const std::string&) { args->has_prefix = true; });
        cmd.add_option("--count", args->count, "stop after this many changes")->type_name("N");
        AddTimeoutAndInterval(cmd, *args, "stop after this many seconds (default: never)");
      });
  commands.Add(
      "wait",
      {Group::kWatch, "Block until a key exists, is gone, or holds a value",
       "kvstore wait jobs artifact:42 --timeout 600 && ./deploy.sh\nkvstore wait jobs state --value ready --timeout 60",
       "the condition did not hold within --timeout"},
      [args](Invocation& inv) { return RunWait(inv, *args); },
      TableAnd("KEY", "the key to wait on", &args->table, &args->key, [args](CLI::App& cmd) {
        cmd.add_flag("--exists", args->exists, "until the key exists (the default)");
        cmd.add_flag("--missing", args->missing, "until the key does not exist");
        cmd.add_option("--value", args->value, "until the key holds exactly this value")
            ->type_name("VALUE")
            ->each([args](const std::string&) { args->has_value = true; });
        AddTimeoutAndInterval(cmd, *args, "give up after this many seconds (exit 1; default: never)");
      }));
}

}  // namespace kvstore::cli
