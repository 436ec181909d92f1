// sem-acquire, sem-release, sem-extend, sem-check, sem-run.
#include "cli/args.h"
#include "cli/command.h"
#include "cli/run_while_held.h"
#include "kvstore/semaphore.h"
#include "util/quote.h"

namespace kvstore::cli {
namespace {

struct SemArgs {
  std::string table;
  std::string name;
  std::string owner;
  std::string limit;
  std::string ttl;
  std::string wait;
  std::string conflict_exit_code;
  std::vector<std::string> command;
};

Json HolderJson(const SemaphoreHolder& h, int64_t now) {
  Json doc;
  PutBytes(doc, "owner", h.owner);
  doc["token"] = h.token;
  doc["ttl"] = SecondsLeft(h.expires_at_ms, now);
  return doc;
}

Json SemaphoreJson(const SemaphoreInfo& info, int64_t now) {
  Json doc;
  PutBytes(doc, "semaphore", info.name);
  doc["limit"] = info.limit == 0 ? Json(nullptr) : Json(info.limit);
  doc["held"] = info.holders.size();
  doc["free"] = info.Free();
  doc["holders"] = Json::array();
  for (const SemaphoreHolder& h : info.holders) doc["holders"].push_back(HolderJson(h, now));
  return doc;
}

// "'a', 'b' and 1 more": who fills a full semaphore, briefly.
std::string HoldersText(const SemaphoreInfo& info) {
  constexpr size_t kNamed = 3;
  std::string text;
  for (size_t i = 0; i < info.holders.size() && i < kNamed; ++i) text += std::string(i ? ", " : "") + Quote(info.holders[i].owner);
  if (info.holders.size() > kNamed) text += " and " + std::to_string(info.holders.size() - kNamed) + " more";
  return text;
}

Status Full(const SemaphoreInfo& info) {
  return Status::ConditionFailed("all " + std::to_string(info.limit) + " slots of semaphore " + Quote(info.name) +
                                 " are held (by " + HoldersText(info) + ")");
}

Result<SemaphoreAcquireOptions> AcquireOptions(Invocation& inv, const SemArgs& args) {
  SemaphoreAcquireOptions options;
  auto limit = ParseCount("--limit", args.limit, kMaxSemaphoreLimit);
  if (!limit.ok()) return limit.status();
  if (*limit == 0) return Status::InvalidArgument("--limit must be 1 to " + std::to_string(kMaxSemaphoreLimit));
  options.limit = static_cast<int64_t>(*limit);
  KVSTORE_ASSIGN_OR_RETURN(options.ttl, SecondsOr("--ttl", args.ttl, kDefaultSemaphoreTtl));
  KVSTORE_ASSIGN_OR_RETURN(options.wait, SecondsOr("--wait", args.wait, Millis(0)));
  inv.AllowWaiting(options.wait);
  return options;
}

// Acquire and extend print the token alone: TOKEN=$(kvstore sem-acquire ...).
void PrintSlot(Invocation& inv, const std::string& name, const SemaphoreHolder& slot) {
  if (inv.json()) {
    Json doc = HolderJson(slot, inv.NowMillis());
    PutBytes(doc, "semaphore", name);
    inv.out().Document(doc);
  } else {
    inv.out().Line(std::to_string(slot.token));
  }
}

Status RunAcquire(Invocation& inv, const SemArgs& args) {
  SemaphoreAcquireOptions options;
  KVSTORE_ASSIGN_OR_RETURN(options, AcquireOptions(inv, args));
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto result = Semaphores(*table).Acquire(args.name, args.owner, options);
  if (!result.ok()) return result.status();
  if (!result->acquired) return Full(result->semaphore);
  PrintSlot(inv, args.name, {.owner = args.owner, .token = result->token, .expires_at_ms = result->expires_at_ms});
  return Status::Ok();
}

Status RunRelease(Invocation& inv, const SemArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  return PrintDone(inv.out(), Semaphores(*table).Release(args.name, args.owner), "semaphore", args.name, "released");
}

Status RunExtend(Invocation& inv, const SemArgs& args) {
  Millis ttl;
  KVSTORE_ASSIGN_OR_RETURN(ttl, SecondsOr("--ttl", args.ttl, kDefaultSemaphoreTtl));
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto slot = Semaphores(*table).Extend(args.name, args.owner, ttl);
  if (!slot.ok()) return slot.status();
  PrintSlot(inv, args.name, *slot);
  return Status::Ok();
}

Status RunCheck(Invocation& inv, const SemArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto info = Semaphores(*table).Check(args.name);
  if (!info.ok()) return info.status();
  int64_t now = inv.NowMillis();
  if (inv.json()) {
    inv.out().Document(SemaphoreJson(*info, now));
  } else if (info->limit == 0) {
    inv.out().Line("free (no slot held)");
  } else {
    inv.out().Line(std::to_string(info->holders.size()) + " of " + std::to_string(info->limit) + " slots held, " +
                   std::to_string(info->Free()) + " free");
    for (const SemaphoreHolder& h : info->holders) {
      inv.out().Line(h.owner + ", token " + std::to_string(h.token) + ", " + SecondsText(h.expires_at_ms - now) +
                     " left");
    }
  }
  if (info->Free() > 0) return Status::Ok();
  inv.MarkAnswered();
  return Status::NotFound("no slot is free");
}

Status RunSemRun(Invocation& inv, const SemArgs& args) {
  SemaphoreAcquireOptions options;
  KVSTORE_ASSIGN_OR_RETURN(options, AcquireOptions(inv, args));
  RunWhileHeldRequest request{.what = "slot of semaphore '" + args.name + "'", .env_prefix = "KVSTORE_SEM",
                              .ttl = options.ttl, .command = args.command};
  KVSTORE_ASSIGN_OR_RETURN(request.conflict_exit_code, ConflictExitCode(args.conflict_exit_code));
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  Semaphores semaphores(*table);
  return RunWhileHeld(inv, request, [&](const std::string& owner) -> Result<HeldLease> {
    auto acquired = semaphores.Acquire(args.name, owner, options);
    if (!acquired.ok()) return acquired.status();
    if (!acquired->acquired) return Full(acquired->semaphore);
    return HeldLease{.lease = semaphores.HeldSlot(args.name, owner), .token = acquired->token,
                     .expires_at_ms = acquired->expires_at_ms};
  });
}

void AddSemCommand(CommandSet& commands, std::string_view name, const CommandDoc& doc,
                   const std::shared_ptr<SemArgs>& args, Handler handler, Setup more = {}) {
  commands.Add(name, doc, std::move(handler),
               TableAnd("SEM", "semaphore name", &args->table, &args->name, std::move(more)));
}

void AddOwner(CLI::App& cmd, SemArgs& args) {
  cmd.add_option("--owner", args.owner, "who holds the slot: any ID unique to this holder")
      ->type_name("OWNER")
      ->required();
}

void AddTtl(CLI::App& cmd, SemArgs& args) {
  cmd.add_option("--ttl", args.ttl, "the slot's lease in seconds (default 30)")->type_name("SECONDS");
}

void AddLimitAndWait(CLI::App& cmd, SemArgs& args) {
  cmd.add_option("--limit", args.limit, "how many may hold a slot at once (1-500); every caller must agree")
      ->type_name("N")
      ->required();
  AddTtl(cmd, args);
  cmd.add_option("--wait", args.wait, "wait this many seconds for a free slot")->type_name("SECONDS");
}

}  // namespace

void AddSemaphoreCommands(CommandSet& commands) {
  auto args = std::make_shared<SemArgs>();
  AddSemCommand(commands, "sem-acquire",
                {Group::kSemaphores, "Take one of N slots; prints its fencing token",
                 "token=$(kvstore sem-acquire jobs deploys --limit 3 --owner \"$HOSTNAME\" --ttl 600 --wait 60)",
                 "all N slots are held (after --wait, if given)"},
                args, [args](Invocation& inv) { return RunAcquire(inv, *args); },
                [args](CLI::App& cmd) {
                  AddOwner(cmd, *args);
                  AddLimitAndWait(cmd, *args);
                });
  AddSemCommand(commands, "sem-release",
                {Group::kSemaphores, "Give up the slot you hold", "kvstore sem-release jobs deploys --owner \"$HOSTNAME\"",
                 "this owner holds no slot"},
                args, [args](Invocation& inv) { return RunRelease(inv, *args); },
                [args](CLI::App& cmd) { AddOwner(cmd, *args); });
  AddSemCommand(commands, "sem-extend",
                {Group::kSemaphores, "Renew the lease of the slot you hold",
                 "kvstore sem-extend jobs deploys --owner \"$HOSTNAME\" --ttl 600",
                 "this owner holds no slot (its lease ran out, or it released it)"},
                args, [args](Invocation& inv) { return RunExtend(inv, *args); },
                [args](CLI::App& cmd) {
                  AddOwner(cmd, *args);
                  AddTtl(cmd, *args);
                });
  AddSemCommand(commands, "sem-check",
                {Group::kSemaphores, "Show a semaphore's holders and free slots", "kvstore sem-check jobs deploys",
                 "no slot is free"},
                args, [args](Invocation& inv) { return RunCheck(inv, *args); });
  AddSemCommand(commands, "sem-run",
                {Group::kSemaphores, "Run a command while holding one of N slots",
                 "kvstore sem-run jobs deploys --limit 3 --wait 600 -- ./deploy.sh",
                 "no slot was free (or the code of --conflict-exit-code); else the command's own exit code"},
                args, [args](Invocation& inv) { return RunSemRun(inv, *args); },
                [args](CLI::App& cmd) {
                  AddLimitAndWait(cmd, *args);
                  cmd.add_option("--conflict-exit-code", args->conflict_exit_code,
                                 "exit code when no slot is acquired (default 1)")
                      ->type_name("CODE");
                  cmd.add_option("COMMAND", args->command, "the command and its arguments, after --")->required();
                });
}

}  // namespace kvstore::cli
