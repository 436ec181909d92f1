// Sharded counters (counter_shards.h): add to one shard at random, read the
// counter's item and every shard in one BatchGet, count only the shards of
// the generation the counter's item declares.
#include "primitives/counter_shards.h"

#include <cstdlib>
#include <limits>
#include <map>
#include <mutex>
#include <vector>

#include "primitives/layout.h"
#include "primitives/retry.h"
#include "primitives/write_plans.h"
#include "storage/limits.h"
#include "util/random.h"

namespace kvstore::counter_shards {

using storage::Attr;
using storage::CompareOp;
using storage::Condition;

namespace {

// A shard stays within 1/128 of the 64-bit range, so the shards' sum fits
// in 64 bits whatever their count; only the counter's own item may hold
// more, and a sum that overflows is reported when read.
constexpr int64_t kShardLimit = std::numeric_limits<int64_t>::max() / 128;

// Hints for a few thousand counters are plenty; past that, start afresh.
constexpr size_t kMaxRemembered = 4096;

std::mutex& HintsMutex() {
  static std::mutex mutex;
  return mutex;
}

// Empty: this process knows the counter has no shards, or that the machine
// remembers none (an add on its own item would say otherwise): the engine's
// hint is looked up once per counter, not on every add.
std::map<std::string, std::optional<Plan>>& Hints() {
  static std::map<std::string, std::optional<Plan>> hints;
  return hints;
}

std::string HintKey(const Table& table, std::string_view name) {
  return table.name() + '\0' + std::string(name);
}

void RememberInProcess(const Table& table, std::string_view name, const std::optional<Plan>& plan) {
  std::lock_guard<std::mutex> lock(HintsMutex());
  if (Hints().size() >= kMaxRemembered) Hints().clear();
  Hints()[HintKey(table, name)] = plan;
}

// Between processes (Engine::KeepHint): "counter-shards NAME" -> "N GENERATION".
std::string EngineHintKey(std::string_view name) { return "counter-shards " + std::string(name); }

std::optional<Plan> PlanFromText(const std::string& text) {
  size_t space = text.find(' ');
  if (space == std::string::npos || space + 1 == text.size()) return std::nullopt;
  int shards = std::atoi(text.substr(0, space).c_str());
  if (shards < 2 || shards > kMaxShards) return std::nullopt;
  return Plan{shards, text.substr(space + 1)};
}

Status NotACounter(std::string_view name) {
  return Status::WrongType("key " + Quote(name) + " holds a value, not a counter");
}

// The shard holds the plan's generation and adding delta keeps it in range.
Condition CanAddToShard(const Plan& plan, int64_t delta) {
  Condition ours = Condition::Equals(Attr::kOwner, plan.generation);
  if (delta > 0) return Condition::AllOf({ours, Condition::Compare(Attr::kNumber, CompareOp::kLe, kShardLimit - delta)});
  if (delta < 0) return Condition::AllOf({ours, Condition::Compare(Attr::kNumber, CompareOp::kGe, -kShardLimit - delta)});
  return ours;
}

// The counter's item's number plus its shards' numbers of the plan's
// generation; `shards[i]` is shard i as read.
Result<int64_t> Sum(std::string_view name, const storage::Item& counter, const Plan& plan,
                    const std::vector<std::optional<storage::Item>>& shards) {
  int64_t sum = counter.number.value_or(0);
  for (const std::optional<storage::Item>& shard : shards) {
    if (!shard || shard->owner != plan.generation) continue;
    if (__builtin_add_overflow(sum, shard->number.value_or(0), &sum)) {
      return Status::OutOfRange("counter " + Quote(name) + " adds up to more than 64 bits");
    }
  }
  return sum;
}

std::vector<storage::Key> ShardKeys(std::string_view name, const Plan& plan) {
  std::vector<storage::Key> keys;
  for (int i = 0; i < plan.shards; ++i) keys.push_back(layout::CounterShardKey(name, plan.generation, i));
  return keys;
}

// Fresh shards for a new generation, expiring with the counter's item.
Status MakeShards(const Table& table, std::string_view name, const Plan& plan, std::optional<int64_t> expires_at) {
  std::vector<storage::WriteOp> puts;
  for (storage::Key& key : ShardKeys(name, plan)) {
    storage::Item shard;
    shard.key = std::move(key);
    shard.kind = std::string(layout::kKindCounterShard);
    shard.number = 0;
    shard.owner = plan.generation;
    shard.expires_at = expires_at;
    puts.push_back(storage::WriteOp::Put(std::move(shard)));
  }
  return table.engine().BatchWrite(table.name(), puts);
}

}  // namespace

std::optional<Plan> PlanOf(const storage::Item& counter) {
  if (counter.kind != layout::kKindCounter || !counter.count || !counter.owner) return std::nullopt;
  return Plan{static_cast<int>(*counter.count), *counter.owner};
}

std::optional<Plan> Remembered(const Table& table, std::string_view name) {
  {
    std::lock_guard<std::mutex> lock(HintsMutex());
    auto it = Hints().find(HintKey(table, name));
    if (it != Hints().end()) return it->second;
  }
  std::optional<std::string> kept = table.engine().RecallHint(table.name(), EngineHintKey(name));
  std::optional<Plan> plan = kept ? PlanFromText(*kept) : std::nullopt;
  RememberInProcess(table, name, plan);
  return plan;
}

void Remember(const Table& table, std::string_view name, const Plan& plan) {
  if (Remembered(table, name) == plan) return;
  RememberInProcess(table, name, plan);
  table.engine().KeepHint(table.name(), EngineHintKey(name), std::to_string(plan.shards) + " " + plan.generation);
}

void Forget(const Table& table, std::string_view name) {
  RememberInProcess(table, name, std::nullopt);
  table.engine().KeepHint(table.name(), EngineHintKey(name), std::nullopt);
}

Result<int64_t> ValueOf(const Table& table, const storage::Item& counter) {
  std::optional<Plan> plan = PlanOf(counter);
  if (!plan) return counter.number.value_or(0);
  const std::string& name = counter.key.sort;
  auto shards = table.engine().BatchGet(table.name(), ShardKeys(name, *plan));
  if (!shards.ok()) return shards.status();
  return Sum(name, counter, *plan, *shards);
}

Result<std::optional<int64_t>> AddToShard(const Table& table, std::string_view name, const Plan& plan, int64_t delta,
                                          bool with_value) {
  int shard = static_cast<int>(RandomU64() % static_cast<uint64_t>(plan.shards));
  auto added = table.engine().Update(table.name(), layout::CounterShardKey(name, plan.generation, shard),
                                     {storage::Action::Add(Attr::kNumber, delta)}, CanAddToShard(plan, delta));
  if (!added.ok()) return added.status();
  if (!added->applied) {
    if (added->item && added->item->owner == plan.generation) {
      return Status::OutOfRange("counter " + Quote(name) + ": a shard would leave its range of +-" +
                                std::to_string(kShardLimit) + "; nothing was added");
    }
    return std::optional<int64_t>();  // another generation: the plan is stale
  }
  // The counter's item is read back: if it no longer declares this
  // generation, the add landed in a left-over shard.
  std::vector<storage::Key> keys = {layout::KeyOf(name)};
  if (with_value) {
    std::vector<storage::Key> shards = ShardKeys(name, plan);
    keys.insert(keys.end(), shards.begin(), shards.end());
  }
  auto read = table.engine().BatchGet(table.name(), keys);
  if (!read.ok()) return read.status();
  std::optional<storage::Item> counter = std::move(read->front());
  read->erase(read->begin());
  if (!counter || PlanOf(*counter) != plan) return std::optional<int64_t>();
  if (!with_value) return std::optional<int64_t>(0);
  auto sum = Sum(name, *counter, plan, *read);
  if (!sum.ok()) return sum.status();
  return std::optional<int64_t>(*sum);
}

Status RemoveShards(const Table& table, std::string_view name, const Plan& plan) {
  std::vector<storage::WriteOp> deletes;
  for (storage::Key& key : ShardKeys(name, plan)) deletes.push_back(storage::WriteOp::Delete(std::move(key)));
  return table.engine().BatchWrite(table.name(), deletes);
}

Status Declare(const Table& table, std::string_view name, int shards) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("counter name", name));
  if (shards < 2 || shards > kMaxShards) {
    return Status::InvalidArgument("shards must be 2 to " + std::to_string(kMaxShards) + ", not " + std::to_string(shards));
  }
  storage::Key key = layout::KeyOf(name);
  auto attempt = [&]() -> Result<std::optional<bool>> {
    auto read = table.engine().BatchGet(table.name(), {key});
    if (!read.ok()) return read.status();
    const std::optional<storage::Item>& current = (*read)[0];
    if (current && current->kind != layout::kKindCounter) return NotACounter(name);
    if (std::optional<Plan> plan = current ? PlanOf(*current) : std::nullopt) {
      if (plan->shards == shards) return std::optional<bool>(true);
      return Status::InvalidArgument("counter " + Quote(name) + " already has " + std::to_string(plan->shards) +
                                     " shards; the count is fixed while the counter lives");
    }
    Plan plan{shards, layout::Hex64(RandomU64())};
    // Shards before the declaration: no writer uses the generation earlier.
    KVSTORE_RETURN_IF_ERROR(MakeShards(table, name, plan, current ? current->expires_at : std::nullopt));
    auto declared = table.engine().Update(
        table.name(), key,
        {storage::Action::Set(Attr::kKind, std::string(layout::kKindCounter)), storage::Action::Add(Attr::kNumber, 0),
         storage::Action::Set(Attr::kCount, int64_t{shards}), storage::Action::Set(Attr::kOwner, plan.generation)},
        AsRead(current));
    if (!declared.ok()) return declared.status();
    if (!declared->applied) {
      RemoveShards(table, name, plan);  // never the counter's; left over if this fails
      return std::optional<bool>();
    }
    Remember(table, name, plan);
    return std::optional<bool>(true);
  };
  auto done = RetryOnConflict<bool>(table.clock(), [&] { return "sharding counter " + Quote(name); }, attempt);
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace kvstore::counter_shards
