// Sets (sadd, srem, sismember, smembers, scard) and lists (lpush, rpush,
// lpop, rpop, lrange, llen).
#include "cli/args.h"
#include "cli/command.h"
#include "kvstore/limits.h"
#include "kvstore/list.h"
#include "kvstore/set.h"

namespace kvstore::cli {
namespace {

struct CollectionArgs {
  std::string table;
  std::string name;
  std::vector<std::string> items;  // members or values
  std::string member;
  std::string count;
  std::string start;
  std::string stop;
  std::string ttl;
};

Status PrintNumber(Invocation& inv, const char* kind, const std::string& name, const char* field, size_t n) {
  if (inv.json()) {
    Json doc;
    PutBytes(doc, kind, name);
    doc[field] = n;
    inv.out().Document(doc);
  } else {
    inv.out().Line(std::to_string(n));
  }
  return Status::Ok();
}

// Text: one value per line, as it is. JSON: an array of strings (or
// {"base64": ...} objects for values that are not UTF-8).
Status PrintValues(Invocation& inv, const std::vector<std::string>& values) {
  if (inv.json()) {
    Json doc = Json::array();
    for (const std::string& v : values) {
      Json one;
      PutBytes(one, "v", v);
      doc.push_back(one.contains("v") ? one["v"] : Json{{"base64", one["v_base64"]}});
    }
    inv.out().Document(doc);
  } else {
    for (const std::string& v : values) inv.out().Line(v);
  }
  return Status::Ok();
}

Status RunSAdd(Invocation& inv, const CollectionArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto ttl = OptionalSeconds("--ttl", args.ttl);
  if (!ttl.ok()) return ttl.status();
  auto n = Sets(*table).Add(args.name, args.items, {.ttl = *ttl});
  return n.ok() ? PrintNumber(inv, "set", args.name, "added", *n) : n.status();
}

Status RunSRem(Invocation& inv, const CollectionArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto n = Sets(*table).Remove(args.name, args.items);
  return n.ok() ? PrintNumber(inv, "set", args.name, "removed", *n) : n.status();
}

Status RunSIsMember(Invocation& inv, const CollectionArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  Status st = Sets(*table).Contains(args.name, args.member);
  if (!st.ok() && !st.Is(Status::Code::kNotFound)) return st;
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "set", args.name);
    PutBytes(doc, "member", args.member);
    doc["is_member"] = st.ok();
    inv.out().Document(doc);
  } else {
    inv.out().Line(st.ok() ? "true" : "false");
  }
  inv.MarkAnswered();
  return st;
}

Status RunSMembers(Invocation& inv, const CollectionArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto members = Sets(*table).Members(args.name);
  if (!members.ok()) return members.status();
  return PrintValues(inv, *members);
}

Status RunSCard(Invocation& inv, const CollectionArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto n = Sets(*table).Count(args.name);
  if (!n.ok()) return n.status();
  return PrintNumber(inv, "set", args.name, "count", *n);
}

Status RunPush(Invocation& inv, const CollectionArgs& args, End end) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto ttl = OptionalSeconds("--ttl", args.ttl);
  if (!ttl.ok()) return ttl.status();
  auto n = Lists(*table).Push(args.name, end, args.items, {.ttl = *ttl});
  if (!n.ok()) return n.status();
  return PrintNumber(inv, "list", args.name, "length", *n);
}

Status RunPop(Invocation& inv, const CollectionArgs& args, End end) {
  auto count = CountOr("--count", args.count, kMaxAtomicValues, 1);
  if (!count.ok()) return count.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto values = Lists(*table).Pop(args.name, end, *count);
  if (!values.ok()) return values.status();
  return PrintValues(inv, *values);
}

Status RunLRange(Invocation& inv, const CollectionArgs& args) {
  auto start = ParseInt64("START", args.start);
  if (!start.ok()) return start.status();
  auto stop = ParseInt64("STOP", args.stop);
  if (!stop.ok()) return stop.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto values = Lists(*table).Range(args.name, *start, *stop);
  if (!values.ok()) return values.status();
  return PrintValues(inv, *values);
}

Status RunLLen(Invocation& inv, const CollectionArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto n = Lists(*table).Length(args.name);
  if (!n.ok()) return n.status();
  return PrintNumber(inv, "list", args.name, "length", *n);
}

// Options that take the values that follow: MEMBER..., VALUE...
Setup Items(const std::shared_ptr<CollectionArgs>& args, const std::string& what, const std::string& help) {
  return [args, what, help](CLI::App& cmd) { cmd.add_option(what, args->items, help)->required(); };
}

// MEMBER.../VALUE... and --ttl: for commands that may create the collection.
Setup ItemsWithTtl(const std::shared_ptr<CollectionArgs>& args, const std::string& what, const std::string& help,
                   const std::string& kind) {
  return [args, what, help, kind](CLI::App& cmd) {
    Items(args, what, help)(cmd);
    cmd.add_option("--ttl", args->ttl, "a " + kind + " this creates expires after SECONDS, whole (expire changes it)")
        ->type_name("SECONDS");
  };
}

Setup PopCount(const std::shared_ptr<CollectionArgs>& args) {
  return [args](CLI::App& cmd) { cmd.add_option("--count", args->count, "how many (default 1, at most " + std::to_string(kMaxAtomicValues) + ")")
        ->type_name("N");
  };
}

}  // namespace

void AddCollectionCommands(CommandSet& commands) {
  auto args = std::make_shared<CollectionArgs>();
  auto set_command = [&](std::string_view name, const CommandDoc& doc, Handler handler, Setup more = {}) {
    commands.Add(name, doc, std::move(handler),
                 TableAnd("SET", "name of the set", &args->table, &args->name, std::move(more)));
  };
  auto list_command = [&](std::string_view name, const CommandDoc& doc, Handler handler, Setup more = {}) {
    commands.Add(name, doc, std::move(handler),
                 TableAnd("LIST", "name of the list", &args->table, &args->name, std::move(more)));
  };

  set_command("sadd", {Group::kSets, "Add members to a set; prints how many were new", "kvstore sadd app hosts web1 web2", ""},
              [args](Invocation& inv) { return RunSAdd(inv, *args); }, ItemsWithTtl(args, "MEMBER", "members to add", "set"));
  set_command("srem", {Group::kSets, "Remove members from a set; prints how many were there", "kvstore srem app hosts web2", ""},
              [args](Invocation& inv) { return RunSRem(inv, *args); }, Items(args, "MEMBER", "members to remove"));
  set_command("sismember",
              {Group::kSets, "Tell whether a member is in a set", "kvstore sismember app hosts web1 && echo member",
               "the member is not in the set (prints false)"},
              [args](Invocation& inv) { return RunSIsMember(inv, *args); },
              [args](CLI::App& cmd) { cmd.add_option("MEMBER", args->member, "the member")->required(); });
  set_command("smembers", {Group::kSets, "List a set's members in byte order", "kvstore smembers app hosts", ""},
              [args](Invocation& inv) { return RunSMembers(inv, *args); });
  set_command("scard", {Group::kSets, "Print a set's member count", "kvstore scard app hosts", ""}, [args](Invocation& inv) { return RunSCard(inv, *args); });

  list_command("lpush", {Group::kLists, "Push values at the front of a list; prints the new length", "kvstore lpush app recent e3 e4", ""},
               [args](Invocation& inv) { return RunPush(inv, *args, End::kFront); },
               ItemsWithTtl(args, "VALUE", "values to push", "list"));
  list_command("rpush", {Group::kLists, "Push values at the back of a list; prints the new length", "kvstore rpush app log line1", ""},
               [args](Invocation& inv) { return RunPush(inv, *args, End::kBack); },
               ItemsWithTtl(args, "VALUE", "values to push", "list"));
  list_command("lpop", {Group::kLists, "Remove and print values from the front", "kvstore lpop app recent --count 2", "the list is empty"},
               [args](Invocation& inv) { return RunPop(inv, *args, End::kFront); }, PopCount(args));
  list_command("rpop", {Group::kLists, "Remove and print values from the back", "kvstore rpop app log", "the list is empty"},
               [args](Invocation& inv) { return RunPop(inv, *args, End::kBack); }, PopCount(args));
  list_command("lrange", {Group::kLists, "Print values from START to STOP (0 -1: all)", "kvstore lrange app log 0 -1", ""},
               [args](Invocation& inv) { return RunLRange(inv, *args); }, [args](CLI::App& cmd) {
                 cmd.add_option("START", args->start, "first index; negative counts from the end")->required();
                 cmd.add_option("STOP", args->stop, "last index, inclusive; -1 is the last")->required();
               });
  list_command("llen", {Group::kLists, "Print a list's length", "kvstore llen app log", ""}, [args](Invocation& inv) { return RunLLen(inv, *args); });
}

}  // namespace kvstore::cli
