// set, get, exists, delete, list, ttl, expire, persist, getset.
#include "cli/args.h"
#include "cli/command.h"
#include "cli/fence_flags.h"
#include "cli/progress.h"
#include "kvstore/kv.h"
#include "kvstore/limits.h"
#include "kvstore/list.h"
#include "kvstore/set.h"

namespace kvstore::cli {
namespace {

struct KvArgs {
  std::string table;
  std::string key;
  std::string value;
  std::string ttl;
  bool if_not_exists = false;
  std::string if_value;
  bool has_if_value = false;
  std::string prefix;
  std::string limit;
  std::string after;
  bool has_after = false;
  bool has_prefix = false;
  std::string seconds;
  std::string type = "kv";  // ttl, expire, persist: kv (keys and counters), set or list
  FenceFlags fences;
};

const char* KindName(KeyKind kind) { return kind == KeyKind::kCounter ? "counter" : "kv"; }

Json EntryJson(const Entry& e, int64_t now_ms, bool with_value) {
  Json doc;
  PutBytes(doc, "key", e.key);
  doc["type"] = KindName(e.kind);
  if (with_value) {
    if (e.kind == KeyKind::kCounter) {
      doc["value"] = std::stoll(e.value);
    } else {
      PutBytes(doc, "value", e.value);
    }
  }
  doc["ttl"] = SecondsLeft(e.expires_at_ms, now_ms);
  return doc;
}

// VALUE (- reads stdin) and --ttl, as set and getset take them.
Status ReadValueAndTtl(const KvArgs& args, std::string& value, std::optional<Millis>& ttl) {
  auto read = ValueOrStdin("value", args.value, kMaxValue);
  if (!read.ok()) return read.status();
  auto seconds = OptionalSeconds("--ttl", args.ttl);
  if (!seconds.ok()) return seconds.status();
  value = std::move(*read);
  ttl = *seconds;
  return Status::Ok();
}

Status RunSet(Invocation& inv, const KvArgs& args) {
  std::string value;
  SetOptions options;
  KVSTORE_RETURN_IF_ERROR(ReadValueAndTtl(args, value, options.ttl));
  options.if_not_exists = args.if_not_exists;
  if (args.has_if_value) options.if_value = args.if_value;
  KVSTORE_ASSIGN_OR_RETURN(options.fences, ParseFences(args.fences));
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  return PrintDone(inv.out(), KeyValue(*table).Set(args.key, value, options), "key", args.key, "ok");
}

Status RunGet(Invocation& inv, const KvArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto entry = KeyValue(*table).Get(args.key);
  if (!entry.ok()) return entry.status();
  if (inv.json()) {
    inv.out().Document(EntryJson(*entry, inv.NowMillis(), /*with_value=*/true));
  } else {
    inv.out().Raw(entry->value);
  }
  return Status::Ok();
}

Status RunExists(Invocation& inv, const KvArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  Status st = KeyValue(*table).Exists(args.key);
  if (!st.ok() && !st.Is(Status::Code::kNotFound)) return st;
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "key", args.key);
    doc["exists"] = st.ok();
    inv.out().Document(doc);
  } else {
    inv.out().Line(st.ok() ? "true" : "false");
  }
  inv.MarkAnswered();
  return st;
}

// delete --prefix: pages of keys, one batch each; the count at the end.
Status RunDeletePrefix(Invocation& inv, const KvArgs& args, Table& table) {
  inv.NoDefaultTimeout();
  Progress progress("delete --prefix", "keys deleted");
  auto deleted = KeyValue(table).DeletePrefix(args.prefix, [&](int64_t n) { progress.Update(n); });
  progress.Clear();
  if (!deleted.ok()) return deleted.status();
  if (inv.json()) {
    inv.out().Document({{"deleted", *deleted}});
  } else {
    inv.out().Line(std::to_string(*deleted) + " deleted");
  }
  return Status::Ok();
}

Status RunDelete(Invocation& inv, const KvArgs& args) {
  if (args.has_prefix == !args.key.empty()) return Status::InvalidArgument("give either a KEY or --prefix PREFIX");
  if (args.has_prefix && args.has_if_value) return Status::InvalidArgument("--if-value applies to one KEY, not --prefix");
  if (args.has_prefix && !(args.fences.if_lock.empty() && args.fences.if_leader.empty())) {
    return Status::InvalidArgument("--if-lock and --if-leader apply to one KEY, not --prefix");
  }
  DeleteOptions options;
  if (args.has_if_value) options.if_value = args.if_value;
  KVSTORE_ASSIGN_OR_RETURN(options.fences, ParseFences(args.fences));
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  if (args.has_prefix) return RunDeletePrefix(inv, args, *table);
  return PrintDone(inv.out(), KeyValue(*table).Delete(args.key, options), "key", args.key, "deleted");
}

Status RunList(Invocation& inv, const KvArgs& args) {
  ListOptions options;
  options.prefix = args.prefix;
  if (args.has_after) options.after = args.after;
  auto limit = CountOr("--limit", args.limit, 1'000'000'000, 0);
  if (!limit.ok()) return limit.status();
  options.limit = *limit;
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto entries = KeyValue(*table).List(options);
  if (!entries.ok()) return entries.status();
  if (inv.json()) {
    Json doc = Json::array();
    int64_t now = inv.NowMillis();
    for (const Entry& e : *entries) doc.push_back(EntryJson(e, now, /*with_value=*/false));
    inv.out().Document(doc);
  } else {
    for (const Entry& e : *entries) inv.out().Line(e.key);
  }
  return Status::Ok();
}

// ttl, expire and persist on a key or counter, a set or a list (--type).
Result<std::optional<Millis>> TtlOf(Table& table, const KvArgs& args) {
  if (args.type == "set") return Sets(table).Ttl(args.key);
  if (args.type == "list") return Lists(table).Ttl(args.key);
  return KeyValue(table).Ttl(args.key);
}

Status ExpireOf(Table& table, const KvArgs& args, std::optional<Millis> ttl) {
  if (args.type == "set") return ttl ? Sets(table).Expire(args.key, *ttl) : Sets(table).Persist(args.key);
  if (args.type == "list") return ttl ? Lists(table).Expire(args.key, *ttl) : Lists(table).Persist(args.key);
  return ttl ? KeyValue(table).Expire(args.key, *ttl) : KeyValue(table).Persist(args.key);
}

Status RunTtl(Invocation& inv, const KvArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto ttl = TtlOf(*table, args);
  if (!ttl.ok()) return ttl.status();
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "key", args.key);
    doc["ttl"] = *ttl ? Json(static_cast<double>((*ttl)->count()) / 1000.0) : Json(nullptr);
    inv.out().Document(doc);
  } else {
    // Whole seconds, rounded up: 0 would read as "expired".
    inv.out().Line(*ttl ? std::to_string(((*ttl)->count() + 999) / 1000) : "no expiry");
  }
  return Status::Ok();
}

Status RunExpire(Invocation& inv, const KvArgs& args, bool persist) {
  std::optional<Millis> ttl;
  if (!persist) {
    auto parsed = ParseSeconds("SECONDS", args.seconds);
    if (!parsed.ok()) return parsed.status();
    ttl = *parsed;
  }
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  return PrintDone(inv.out(), ExpireOf(*table, args, ttl), "key", args.key, "ok");
}

Status RunGetSet(Invocation& inv, const KvArgs& args) {
  std::string value;
  std::optional<Millis> ttl;
  KVSTORE_RETURN_IF_ERROR(ReadValueAndTtl(args, value, ttl));
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto old = KeyValue(*table).GetSet(args.key, value, ttl);
  if (!old.ok()) return old.status();
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "key", args.key);
    if (*old) PutBytes(doc, "old_value", **old);
    else doc["old_value"] = nullptr;
    inv.out().Document(doc);
  } else if (*old) {
    inv.out().Raw(**old);
  }
  if (!*old) {
    inv.MarkAnswered();
    return Status::NotFound("key " + args.key + " did not exist (it is set now)");
  }
  return Status::Ok();
}

// --type for ttl, expire and persist.
Setup TypeFlag(const std::shared_ptr<KvArgs>& args) {
  return [args](CLI::App& cmd) {
    cmd.add_option("--type", args->type, "kv (a key or counter, the default), set or list")
        ->type_name("TYPE")
        ->check(CLI::IsMember({"kv", "set", "list"}));
  };
}

// ttl, expire, persist, getset.
void AddExpiryCommands(CommandSet& commands, const std::shared_ptr<KvArgs>& args, const std::function<Setup(Setup)>& table_and_key) {
  commands.Add("ttl",
               {Group::kKeys, "Print the whole seconds a key, counter, set or list has left, or \"no expiry\"",
                "kvstore ttl app session:42\nkvstore ttl app online --type set",
                "the key does not exist"},
               [args](Invocation& inv) { return RunTtl(inv, *args); }, table_and_key(TypeFlag(args)));
  commands.Add("expire",
               {Group::kKeys, "Make a key, counter, set or list expire after SECONDS",
                "kvstore expire app session:42 3600\nkvstore expire app recent 600 --type list",
                "the key does not exist (nothing written)"},
               [args](Invocation& inv) { return RunExpire(inv, *args, /*persist=*/false); },
               table_and_key([args](CLI::App& cmd) {
                 cmd.add_option("SECONDS", args->seconds, "seconds from now (decimals allowed)")->required();
                 TypeFlag(args)(cmd);
               }));
  commands.Add("persist",
               {Group::kKeys, "Make a key, counter, set or list never expire", "kvstore persist app session:42",
                "the key does not exist"},
               [args](Invocation& inv) { return RunExpire(inv, *args, /*persist=*/true); }, table_and_key(TypeFlag(args)));
  commands.Add("getset",
               {Group::kKeys, "Set a key and print the value it held", "old=$(kvstore getset app config v3)",
                "the key did not exist before (it is set now; nothing printed)"},
               [args](Invocation& inv) { return RunGetSet(inv, *args); },
               table_and_key([args](CLI::App& cmd) {
                 cmd.add_option("VALUE", args->value, "the new value; - reads it from stdin")->required();
                 cmd.add_option("--ttl", args->ttl, "expire the key after this many seconds")->type_name("SECONDS");
               }));

}

}  // namespace

void AddKvCommands(CommandSet& commands) {
  auto args = std::make_shared<KvArgs>();

  auto table_and_key = [args](Setup more) {
    return TableAnd("KEY", "key: 1-512 bytes of UTF-8", &args->table, &args->key, std::move(more));
  };
  commands.Add("set",
               {Group::kKeys, "Store a value under a key",
                "kvstore set app greeting hello --ttl 3600\necho -n v2 | kvstore set app config - --if-value v1",
                "a condition (--if-not-exists, --if-value, --if-lock, --if-leader) did not hold; nothing was written"}, [args](Invocation& inv) { return RunSet(inv, *args); },
               table_and_key([args](CLI::App& cmd) {
                 cmd.add_option("VALUE", args->value, "the value (up to 256 KiB); - reads it from stdin")->required();
                 cmd.add_option("--ttl", args->ttl, "expire the key after this many seconds (decimals allowed)")
                     ->type_name("SECONDS");
                 auto* if_not_exists =
                     cmd.add_flag("--if-not-exists", args->if_not_exists, "write only if the key does not exist");
                 cmd.add_option("--if-value", args->if_value, "write only if the key holds this value")
                     ->type_name("VALUE")
                     ->excludes(if_not_exists)
                     ->each([args](const std::string&) { args->has_if_value = true; });
                 AddFenceFlags(cmd, args->fences);
               }));

  commands.Add("get", {Group::kKeys, "Print a key's value", "kvstore get app greeting", "the key does not exist"}, [args](Invocation& inv) { return RunGet(inv, *args); },
               table_and_key({}));

  commands.Add("exists",
               {Group::kKeys, "Tell whether a key exists", "kvstore exists app greeting && echo present",
                "the key does not exist (prints false)"},
               [args](Invocation& inv) { return RunExists(inv, *args); }, table_and_key({}));

  commands.Add("delete",
               {Group::kKeys, "Delete a key, or every key with a prefix",
                "kvstore delete app greeting\nkvstore delete app config --if-value v2\nkvstore delete app --prefix tmp:",
                "the key did not exist, or --if-value, --if-lock or --if-leader did not hold"}, [args](Invocation& inv) { return RunDelete(inv, *args); },
               [args](CLI::App& cmd) {
                 cmd.add_option("TABLE", args->table, "table name")->required();
                 cmd.add_option("KEY", args->key, "key: 1-512 bytes of UTF-8");
                 cmd.add_option("--if-value", args->if_value, "delete only if the key holds this value")
                     ->type_name("VALUE")
                     ->each([args](const std::string&) { args->has_if_value = true; });
                 cmd.add_option("--prefix", args->prefix, "delete every key and counter starting with this; prints how many")
                     ->type_name("PREFIX")
                     ->each([args](const std::string&) { args->has_prefix = true; });
                 AddFenceFlags(cmd, args->fences);
               });

  commands.Add("list",
               {Group::kKeys, "List keys in byte order", "kvstore list app --prefix user: --limit 100", ""}, [args](Invocation& inv) { return RunList(inv, *args); },
               [args](CLI::App& cmd) {
                 cmd.add_option("TABLE", args->table, "table name")->required();
                 cmd.add_option("--prefix", args->prefix, "only keys starting with this")->type_name("PREFIX");
                 cmd.add_option("--limit", args->limit, "at most this many keys")->type_name("N");
                 cmd.add_option("--after", args->after, "only keys after this one (continue a listing)")
                     ->type_name("KEY")
                     ->each([args](const std::string&) { args->has_after = true; });
               });
  AddExpiryCommands(commands, args, table_and_key);
}

}  // namespace kvstore::cli
