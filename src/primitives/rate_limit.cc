// Rate limits: GCRA over one item per bucket. The item's number is the
// bucket's theoretical arrival time (TAT, microseconds since the epoch): the
// moment it will be full again. With I = period / rate per token, burst B
// and a call costing c tokens, the call is admitted when
// TAT - now <= (B - c) x I, and moves TAT to max(TAT, now) + c x I.
//
// A store's conditional write can add to a number but not take a maximum,
// so the two sides of max() are two writes, each conditioned on its side:
// "in use" (TAT > now): add c x I; "full" (TAT <= now, or no item): set
// now + c x I. The first is tried first, as a bucket worth limiting is
// mostly in use; its refusal returns the item, which says whether the
// bucket is full (try the second) or short of tokens (refused).
#include "kvstore/rate_limit.h"

#include <algorithm>

#include "primitives/layout.h"
#include "primitives/retry.h"
#include "storage/engine.h"
#include "storage/limits.h"
#include "util/random.h"

namespace kvstore {

using storage::Action;
using storage::Attr;
using storage::CompareOp;
using storage::Condition;

namespace {

constexpr int64_t kMaxBurst = 1'000'000'000;
constexpr int64_t kMicrosPerMilli = 1000;
// A full bucket refills within this (so every sum stays far inside 64 bits).
constexpr int64_t kMaxRefillMicros = 10LL * 366 * 24 * 3600 * 1'000'000;

// One bucket's parameters, in microseconds.
struct Bucket {
  int64_t interval = 0;  // I: time one token takes to come back
  int64_t burst = 0;
  int64_t cost = 0;
};

Result<Bucket> BucketOf(const RateLimitOptions& o) {
  if (o.rate < 1) return Status::InvalidArgument("rate must be at least 1 token per period");
  if (o.period.count() <= 0) return Status::InvalidArgument("the rate's period must be more than 0");
  int64_t period_us = o.period.count() * kMicrosPerMilli;
  if (o.rate > period_us) return Status::InvalidArgument("rate is over 1,000,000 per second");
  Bucket b;
  b.interval = (period_us + o.rate - 1) / o.rate;  // rounded up: never faster than asked
  b.burst = o.burst == 0 ? o.rate : o.burst;
  b.cost = o.cost;
  if (b.burst < 1 || b.burst > kMaxBurst) return Status::InvalidArgument("burst must be 1 to 1,000,000,000");
  if (b.cost < 1 || b.cost > b.burst) {
    return Status::InvalidArgument("cost must be 1 to the burst (" + std::to_string(b.burst) + ")");
  }
  int64_t span;
  if (__builtin_mul_overflow(b.burst, b.interval, &span) || span > kMaxRefillMicros) {
    return Status::InvalidArgument("a full bucket would take over 10 years to refill (burst x period / rate)");
  }
  return b;
}

int64_t Remaining(const Bucket& b, int64_t now, int64_t tat) {
  return std::clamp<int64_t>((now + b.burst * b.interval - tat) / b.interval, 0, b.burst);
}

// One try: a decision, or nullopt when another caller changed the bucket
// between our two writes (try again).
Result<std::optional<RateDecision>> TryTake(const Table& table, const storage::Key& key, const Bucket& b) {
  int64_t now = table.clock().NowMillis() * kMicrosPerMilli;
  int64_t step = b.cost * b.interval;
  int64_t latest = now + (b.burst - b.cost) * b.interval;  // the last TAT that still has `cost` tokens
  Action kind = Action::Set(Attr::kKind, std::string(layout::kKindRateLimit));
  auto in_use = table.engine().Update(
      table.name(), key, {kind, Action::Add(Attr::kNumber, step)},
      Condition::AllOf({Condition::Compare(Attr::kNumber, CompareOp::kGt, now),
                        Condition::Compare(Attr::kNumber, CompareOp::kLe, latest)}));
  if (!in_use.ok()) return in_use.status();
  if (in_use->applied) return std::optional(RateDecision{true, Remaining(b, now, *in_use->item->number), Millis(0)});
  if (in_use->item && in_use->item->number.value_or(0) > now) {
    int64_t wait_us = *in_use->item->number - latest;
    return std::optional(RateDecision{false, 0, Millis((wait_us + kMicrosPerMilli - 1) / kMicrosPerMilli)});
  }
  auto full = table.engine().Update(
      table.name(), key, {kind, Action::Set(Attr::kNumber, now + step)},
      Condition::AnyOf({Condition::NotExists(), Condition::Compare(Attr::kNumber, CompareOp::kLe, now)}));
  if (!full.ok()) return full.status();
  if (!full->applied) return std::optional<RateDecision>();
  return std::optional(RateDecision{true, b.burst - b.cost, Millis(0)});
}

}  // namespace

Result<RateDecision> RateLimits::Take(std::string_view name, const RateLimitOptions& options) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("rate limit name", name));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateWait("wait", options.wait));
  auto bucket = BucketOf(options);
  if (!bucket.ok()) return bucket.status();
  storage::Key key = layout::RateLimitKey(name);
  int64_t give_up_at = table_.clock().NowMillis() + options.wait.count();
  while (true) {
    auto decision = RetryOnConflict<RateDecision>(table_.clock(), [&] { return "rate limit " + Quote(name); },
                                                  [&] { return TryTake(table_, key, *bucket); });
    if (!decision.ok() || decision->admitted) return decision;
    int64_t left = give_up_at - table_.clock().NowMillis();
    if (decision->retry_after.count() > left) return decision;
    // Waiters that went for the same tokens wake spread out, not together.
    int64_t jitter = static_cast<int64_t>(RandomU64() % static_cast<uint64_t>(std::min<int64_t>(left, 20) + 1));
    table_.clock().SleepFor(Millis(std::min(left, decision->retry_after.count() + jitter)));
  }
}

}  // namespace kvstore
