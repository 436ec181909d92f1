// leader-elect, leader-heartbeat, leader-check, leader-resign.
#include "cli/args.h"
#include "cli/command.h"
#include "kvstore/leader.h"

namespace kvstore::cli {
namespace {

struct LeaderArgs {
  std::string table;
  std::string group;
  std::string candidate;
  std::string ttl;
};

// "leader alice, term 3, 29.9 s left" or "no leader (last term 3)".
void PrintLeader(Invocation& inv, const LeaderInfo& info, std::optional<bool> is_leader) {
  int64_t left = info.expires_at_ms.value_or(0) - inv.NowMillis();
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "group", info.group);
    doc["leader"] = info.leader ? Json(*info.leader) : Json(nullptr);
    doc["term"] = info.term;
    doc["ttl"] = SecondsLeft(info.expires_at_ms, inv.NowMillis());
    if (is_leader) doc["is_leader"] = *is_leader;
    inv.out().Document(doc);
  } else if (info.leader) {
    inv.out().Line("leader " + *info.leader + ", term " + std::to_string(info.term) + ", " + SecondsText(left) +
                   " left");
  } else {
    inv.out().Line("no leader (last term " + std::to_string(info.term) + ")");
  }
}

Status RunElect(Invocation& inv, const LeaderArgs& args) {
  auto ttl = SecondsOr("--ttl", args.ttl, kDefaultLeaderTtl);
  if (!ttl.ok()) return ttl.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto result = Elections(*table).Campaign(args.group, args.candidate, *ttl);
  if (!result.ok()) return result.status();
  PrintLeader(inv, result->group, result->elected);
  if (result->elected) return Status::Ok();
  inv.MarkAnswered();
  return Status::ConditionFailed("not the leader");
}

Status RunHeartbeat(Invocation& inv, const LeaderArgs& args) {
  auto ttl = SecondsOr("--ttl", args.ttl, kDefaultLeaderTtl);
  if (!ttl.ok()) return ttl.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto info = Elections(*table).Heartbeat(args.group, args.candidate, *ttl);
  if (!info.ok()) return info.status();
  PrintLeader(inv, *info, true);
  return Status::Ok();
}

Status RunCheck(Invocation& inv, const LeaderArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto info = Elections(*table).Check(args.group);
  if (!info.ok()) return info.status();
  PrintLeader(inv, *info, std::nullopt);
  if (info->leader) return Status::Ok();
  inv.MarkAnswered();
  return Status::NotFound("no leader");
}

Status RunResign(Invocation& inv, const LeaderArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  return PrintDone(inv.out(), Elections(*table).Resign(args.group, args.candidate), "group", args.group, "resigned");
}

// A command on one election group: TABLE GROUP, then what `more` declares.
void AddGroupCommand(CommandSet& commands, std::string_view name, const CommandDoc& doc,
                     const std::shared_ptr<LeaderArgs>& args, Handler handler, Setup more = {}) {
  commands.Add(name, doc, std::move(handler),
               TableAnd("GROUP", "election group name", &args->table, &args->group, std::move(more)));
}

void AddCandidate(CLI::App& cmd, LeaderArgs& args) {
  cmd.add_option("--candidate", args.candidate, "this candidate's ID")->type_name("ID")->required();
}

void AddTtl(CLI::App& cmd, LeaderArgs& args) {
  cmd.add_option("--ttl", args.ttl, "leadership lease in seconds (default 30)")->type_name("SECONDS");
}

}  // namespace

void AddLeaderCommands(CommandSet& commands) {
  auto args = std::make_shared<LeaderArgs>();
  auto candidate_and_ttl = [args](CLI::App& cmd) {
    AddCandidate(cmd, *args);
    AddTtl(cmd, *args);
  };
  AddGroupCommand(commands, "leader-elect",
                  {Group::kLeader, "Become leader if there is none; prints the leader and its term",
                   "kvstore leader-elect app scheduler --candidate \"$HOSTNAME\" --ttl 30 && run-scheduler",
                   "another candidate is leader"},
                  args,
                  [args](Invocation& inv) { return RunElect(inv, *args); }, candidate_and_ttl);
  AddGroupCommand(commands, "leader-heartbeat",
                  {Group::kLeader, "Renew leadership",
                   "while kvstore leader-heartbeat app scheduler --candidate \"$HOSTNAME\"; do sleep 10; done",
                   "this candidate is no longer leader"},
                  args,
                  [args](Invocation& inv) { return RunHeartbeat(inv, *args); }, candidate_and_ttl);
  AddGroupCommand(commands, "leader-check",
                  {Group::kLeader, "Show the leader", "kvstore leader-check app scheduler", "there is no leader"}, args,
                  [args](Invocation& inv) { return RunCheck(inv, *args); });
  AddGroupCommand(commands, "leader-resign",
                  {Group::kLeader, "Step down as leader", "kvstore leader-resign app scheduler --candidate \"$HOSTNAME\"",
                   "this candidate was not leader"},
                  args,
                  [args](Invocation& inv) { return RunResign(inv, *args); },
                  [args](CLI::App& cmd) { AddCandidate(cmd, *args); });
}

}  // namespace kvstore::cli
