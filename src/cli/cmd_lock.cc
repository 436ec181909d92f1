// lock-acquire, lock-release, lock-extend, lock-check, lock-run.
#include "cli/args.h"
#include "cli/command.h"
#include "cli/run_while_held.h"
#include "kvstore/lock.h"

namespace kvstore::cli {
namespace {

struct LockArgs {
  std::string table;
  std::string lock;
  std::string owner;
  std::string ttl;
  std::string wait;
  std::string conflict_exit_code;
  std::vector<std::string> command;
};

void PrintLock(Invocation& inv, const LockInfo& info) {
  int64_t now = inv.NowMillis();
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "lock", info.name);
    doc["held"] = info.held;
    doc["owner"] = info.held ? Json(info.owner) : Json(nullptr);
    doc["token"] = info.token;
    doc["ttl"] = SecondsLeft(info.expires_at_ms, now);
    inv.out().Document(doc);
  } else if (info.held) {
    inv.out().Line("held by " + info.owner + ", token " + std::to_string(info.token) + ", " +
                   SecondsText(info.expires_at_ms.value_or(now) - now) + " left");
  } else {
    inv.out().Line("free");
  }
}

// Acquire and extend print the token alone: TOKEN=$(kvstore lock-acquire ...).
void PrintToken(Invocation& inv, const LockInfo& info) {
  if (inv.json()) {
    PrintLock(inv, info);
  } else {
    inv.out().Line(std::to_string(info.token));
  }
}

Status RunAcquire(Invocation& inv, const LockArgs& args) {
  auto ttl = SecondsOr("--ttl", args.ttl, kDefaultLockTtl);
  if (!ttl.ok()) return ttl.status();
  auto wait = SecondsOr("--wait", args.wait, Millis(0));
  if (!wait.ok()) return wait.status();
  inv.AllowWaiting(*wait);
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto result = Locks(*table).Acquire(args.lock, args.owner, {.ttl = *ttl, .wait = *wait});
  if (!result.ok()) return result.status();
  if (!result->acquired) {
    const LockInfo& lock = result->lock;
    return Status::ConditionFailed("lock '" + args.lock + "' is held by '" + lock.owner + "' for " +
                                   SecondsText(lock.expires_at_ms.value_or(0) - inv.NowMillis()) + " more");
  }
  PrintToken(inv, result->lock);
  return Status::Ok();
}

Status RunRelease(Invocation& inv, const LockArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  return PrintDone(inv.out(), Locks(*table).Release(args.lock, args.owner), "lock", args.lock, "released");
}

Status RunExtend(Invocation& inv, const LockArgs& args) {
  auto ttl = SecondsOr("--ttl", args.ttl, kDefaultLockTtl);
  if (!ttl.ok()) return ttl.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto info = Locks(*table).Extend(args.lock, args.owner, *ttl);
  if (!info.ok()) return info.status();
  PrintToken(inv, *info);
  return Status::Ok();
}

Status RunCheck(Invocation& inv, const LockArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto info = Locks(*table).Check(args.lock);
  if (!info.ok()) return info.status();
  PrintLock(inv, *info);
  if (info->held) return Status::Ok();
  inv.MarkAnswered();
  return Status::NotFound("lock is free");
}

Status RunLockRun(Invocation& inv, const LockArgs& args) {
  RunWhileHeldRequest request{.what = "lock '" + args.lock + "'", .env_prefix = "KVSTORE_LOCK",
                              .command = args.command};
  KVSTORE_ASSIGN_OR_RETURN(request.ttl, SecondsOr("--ttl", args.ttl, kDefaultLockTtl));
  Millis wait;
  KVSTORE_ASSIGN_OR_RETURN(wait, SecondsOr("--wait", args.wait, Millis(0)));
  KVSTORE_ASSIGN_OR_RETURN(request.conflict_exit_code, ConflictExitCode(args.conflict_exit_code));
  inv.AllowWaiting(wait);
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  Locks locks(*table);
  return RunWhileHeld(inv, request, [&](const std::string& owner) -> Result<HeldLease> {
    auto acquired = locks.Acquire(args.lock, owner, {.ttl = request.ttl, .wait = wait});
    if (!acquired.ok()) return acquired.status();
    if (!acquired->acquired) {
      return Status::ConditionFailed("lock '" + args.lock + "' is held by '" + acquired->lock.owner + "'");
    }
    return HeldLease{.lease = locks.HeldLease(args.lock, owner), .token = acquired->lock.token,
                     .expires_at_ms = acquired->lock.expires_at_ms.value_or(0)};
  });
}

// A command on one lock: TABLE LOCK, then what `more` declares.
void AddLockCommand(CommandSet& commands, std::string_view name, const CommandDoc& doc,
                    const std::shared_ptr<LockArgs>& args, Handler handler, Setup more = {}) {
  commands.Add(name, doc, std::move(handler),
               TableAnd("LOCK", "lock name", &args->table, &args->lock, std::move(more)));
}

void AddOwner(CLI::App& cmd, LockArgs& args) {
  cmd.add_option("--owner", args.owner, "who holds the lock: any ID unique to this holder")
      ->type_name("OWNER")
      ->required();
}

void AddTtl(CLI::App& cmd, LockArgs& args) {
  cmd.add_option("--ttl", args.ttl, "lease in seconds (default 30)")->type_name("SECONDS");
}

}  // namespace

void AddLockCommands(CommandSet& commands) {
  auto args = std::make_shared<LockArgs>();
  AddLockCommand(
      commands, "lock-acquire",
      {Group::kLocks, "Take a lock; prints its fencing token",
       "token=$(kvstore lock-acquire app deploy --owner \"$HOSTNAME\" --ttl 60 --wait 30)",
       "another owner holds the lock (after --wait, if given)"},
      args,
      [args](Invocation& inv) { return RunAcquire(inv, *args); },
      [args](CLI::App& cmd) {
        AddOwner(cmd, *args);
        AddTtl(cmd, *args);
        cmd.add_option("--wait", args->wait, "keep trying for this many seconds")->type_name("SECONDS");
      });

  AddLockCommand(
      commands, "lock-release",
      {Group::kLocks, "Release a lock you hold", "kvstore lock-release app deploy --owner \"$HOSTNAME\"",
       "the lock is not held by this owner"},
      args, [args](Invocation& inv) { return RunRelease(inv, *args); },
      [args](CLI::App& cmd) { AddOwner(cmd, *args); });

  AddLockCommand(
      commands, "lock-extend",
      {Group::kLocks, "Renew the lease of a lock you hold", "kvstore lock-extend app deploy --owner \"$HOSTNAME\" --ttl 60",
       "the lock is not held by this owner (it expired or was taken)"},
      args,
      [args](Invocation& inv) { return RunExtend(inv, *args); },
      [args](CLI::App& cmd) {
        AddOwner(cmd, *args);
        AddTtl(cmd, *args);
      });

  AddLockCommand(commands, "lock-check",
                 {Group::kLocks, "Show who holds a lock", "kvstore lock-check app deploy", "the lock is free"}, args,
                 [args](Invocation& inv) { return RunCheck(inv, *args); });

  AddLockCommand(
      commands, "lock-run",
      {Group::kLocks, "Run a command while holding a lock",
       "kvstore lock-run app nightly-backup --ttl 60 -- ./backup.sh --full",
       "the lock is held by another (or the code of --conflict-exit-code); else the command's own exit code"},
      args,
      [args](Invocation& inv) { return RunLockRun(inv, *args); },
      [args](CLI::App& cmd) {
        AddTtl(cmd, *args);
        cmd.add_option("--wait", args->wait, "wait this many seconds for the lock")->type_name("SECONDS");
        cmd.add_option("--conflict-exit-code", args->conflict_exit_code,
                       "exit code when the lock is not acquired (default 1)")
            ->type_name("CODE");
        cmd.add_option("COMMAND", args->command, "the command and its arguments, after --")->required();
      });
}

}  // namespace kvstore::cli
