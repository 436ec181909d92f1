// Fenced writes: a lease check riding in the same transaction as the write.
#include "kvstore/fence.h"

#include <charconv>
#include <map>

#include "primitives/fence_checks.h"
#include "primitives/layout.h"
#include "primitives/lease.h"
#include "storage/limits.h"

namespace kvstore {
namespace {

bool IsLock(const Fence& fence) { return fence.holder == Fence::Holder::kLock; }

storage::Key LeaseKey(const Fence& fence) {
  return IsLock(fence) ? layout::LockKey(fence.name) : layout::LeaderKey(fence.name);
}

const char* TokenWord(const Fence& fence) { return IsLock(fence) ? "token" : "term"; }

std::string Flag(Fence::Holder holder) { return holder == Fence::Holder::kLock ? "if-lock" : "if-leader"; }

}  // namespace

Result<Fence> ParseFence(Fence::Holder holder, std::string_view text) {
  Fence fence{.holder = holder};
  size_t colon = text.rfind(':');
  std::string shape = Flag(holder) + " takes " + (IsLock(fence) ? "LOCK:TOKEN" : "GROUP:TERM");
  if (colon == std::string_view::npos) return Status::InvalidArgument(shape + ", got " + Quote(text));
  fence.name = std::string(text.substr(0, colon));
  std::string_view digits = text.substr(colon + 1);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), fence.token);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || fence.token <= 0) {
    return Status::InvalidArgument(shape + "; " + Quote(digits) + " is not a positive " + TokenWord(fence));
  }
  return fence;
}

std::string DescribeFence(const Fence& fence) {
  return std::string(IsLock(fence) ? "lock " : "leader group ") + Quote(fence.name) + " " + TokenWord(fence) + " " +
         std::to_string(fence.token);
}

namespace fence {

Status Validate(const Fences& fences) {
  std::map<std::pair<bool, std::string>, int64_t> token_of;
  for (const Fence& f : fences) {
    KVSTORE_RETURN_IF_ERROR(storage::ValidateName(IsLock(f) ? "lock name" : "group name", f.name));
    if (f.token <= 0) return Status::InvalidArgument(DescribeFence(f) + ": a " + TokenWord(f) + " is positive");
    auto [it, fresh] = token_of.emplace(std::make_pair(IsLock(f), f.name), f.token);
    if (!fresh && it->second != f.token) {
      return Status::InvalidArgument("two fences name " + std::string(IsLock(f) ? "lock " : "leader group ") +
                                     Quote(f.name) + " with different " + TokenWord(f) + "s");
    }
  }
  return Status::Ok();
}

Fences Distinct(const Fences& fences) {
  Fences distinct;
  for (const Fence& f : fences) {
    bool seen = false;
    for (const Fence& d : distinct) seen = seen || (d.holder == f.holder && d.name == f.name);
    if (!seen) distinct.push_back(f);
  }
  return distinct;
}

std::vector<storage::WriteOp> Checks(const Table& table, const Fences& fences) {
  int64_t now = table.clock().NowMillis();
  std::vector<storage::WriteOp> checks;
  for (const Fence& f : fences) checks.push_back(storage::WriteOp::Check(LeaseKey(f), lease::HeldWithNumber(f.token, now)));
  return checks;
}

Status Lost(const Table& table, const Fence& f) {
  auto state = lease::Read(table, LeaseKey(f));
  if (!state.ok()) return state.status();
  std::string now;
  if (state->holder && state->number == f.token) {
    // Still the holder's by the allowance for clock skew, but past its end
    // by this machine's clock, which a fence goes by.
    now = "its lease has run out by this machine's clock";
  } else if (state->holder) {
    now = (IsLock(f) ? "it is held by " : "its leader is ") + Quote(*state->holder) + " with " + TokenWord(f) + " " +
          std::to_string(state->number);
  } else if (state->number == f.token) {
    now = "that lease ran out or was given up";
  } else if (state->number > f.token) {
    now = std::string(IsLock(f) ? "token " : "term ") + std::to_string(state->number) + " was issued since, and " +
          (IsLock(f) ? "it is free now" : "it has no leader now");
  } else {
    now = std::string(TokenWord(f)) + " " + std::to_string(f.token) + " was never issued (the last is " +
          std::to_string(state->number) + ")";
  }
  std::string what = IsLock(f) ? "lock " + Quote(f.name) + " is not held with token "
                               : "leader group " + Quote(f.name) + " is not led in term ";
  return Status::ConditionFailed(what + std::to_string(f.token) + ": " + now + "; nothing was written");
}

Result<storage::TransactOutcome> Commit(const Table& table, const Fences& fences,
                                        std::vector<storage::WriteOp> writes) {
  Fences distinct = Distinct(fences);
  std::vector<storage::WriteOp> ops = Checks(table, distinct);
  for (storage::WriteOp& w : writes) ops.push_back(std::move(w));
  auto done = table.engine().Transact(table.name(), ops);
  if (!done.ok() || done->applied) return done;
  if (done->failed_index < distinct.size()) return Lost(table, distinct[done->failed_index]);
  done->failed_index -= distinct.size();
  return done;
}

Result<storage::WriteOutcome> Write(const Table& table, const Fences& fences, storage::WriteOp write) {
  storage::Engine& engine = table.engine();
  bool is_delete = write.type == storage::WriteOp::Type::kDelete;
  if (fences.empty()) {
    return is_delete ? engine.Delete(table.name(), write.key, write.condition)
                     : engine.Put(table.name(), write.item, write.condition);
  }
  storage::Key key = is_delete ? write.key : write.item.key;
  if (is_delete) write.condition = storage::Condition::AllOf({storage::Condition::Exists(), write.condition});
  auto done = Commit(table, fences, {std::move(write)});
  if (!done.ok()) return done.status();
  storage::WriteOutcome outcome;
  outcome.applied = done->applied;
  if (outcome.applied) {
    outcome.item.emplace().key = key;
    return outcome;
  }
  auto current = engine.Get(table.name(), key);
  if (current.ok()) outcome.item = std::move(*current);
  if (!current.ok() && !current.status().Is(Status::Code::kNotFound)) return current.status();
  return outcome;
}

}  // namespace fence
}  // namespace kvstore
