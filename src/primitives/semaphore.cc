// Semaphores: one item per semaphore holding its limit (count), the last
// token issued (number) and its holders (value, encoded below). Every change
// reads the item, drops holders whose lease ran out for everyone, applies
// one holder's change and writes the item back on condition that it is
// still as read: with one item, at most `limit` holders is never a race.
#include "kvstore/semaphore.h"

#include <algorithm>
#include <charconv>

#include "primitives/backoff.h"
#include "primitives/layout.h"
#include "primitives/lease.h"
#include "primitives/retry.h"
#include "primitives/write_plans.h"
#include "storage/limits.h"

namespace kvstore {

using storage::Attr;
using storage::Item;

namespace {

// The semaphore as read: the item (for the write's condition) and what it says.
struct State {
  std::optional<Item> item;
  int64_t limit = 0;
  int64_t last_token = 0;
  std::vector<SemaphoreHolder> holders;  // live only
};

// Holders as text: "TOKEN DEADLINE SIZE:OWNER" one after another, the owner
// given by its size so that any bytes may appear in it.
std::string Encode(const std::vector<SemaphoreHolder>& holders) {
  std::string out;
  for (const SemaphoreHolder& h : holders) {
    out += std::to_string(h.token) + ' ' + std::to_string(h.expires_at_ms) + ' ' + std::to_string(h.owner.size()) +
           ':' + h.owner;
  }
  return out;
}

// Reads one number ending at `end`; advances past it and the separator.
bool TakeNumber(std::string_view& text, char end, int64_t& number) {
  auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || stop == text.data() + text.size() || *stop != end) return false;
  text.remove_prefix(stop - text.data() + 1);
  return true;
}

Result<std::vector<SemaphoreHolder>> Decode(std::string_view name, std::string_view text) {
  std::vector<SemaphoreHolder> holders;
  while (!text.empty()) {
    SemaphoreHolder h;
    int64_t size = 0;
    if (!TakeNumber(text, ' ', h.token) || !TakeNumber(text, ' ', h.expires_at_ms) || !TakeNumber(text, ':', size) ||
        size < 0 || static_cast<size_t>(size) > text.size()) {
      return Status::IoError("semaphore " + Quote(name) + " is unreadable: its holder list is damaged");
    }
    h.owner = std::string(text.substr(0, size));
    text.remove_prefix(size);
    holders.push_back(std::move(h));
  }
  return holders;
}

Result<State> Read(const Table& table, std::string_view name) {
  State state;
  auto item = table.engine().Get(table.name(), layout::SemaphoreKey(name));
  if (!item.ok()) return item.status().Is(Status::Code::kNotFound) ? Result<State>(state) : item.status();
  auto holders = Decode(name, item->value.value_or(""));
  if (!holders.ok()) return holders.status();
  int64_t past = lease::SurelyPast(table);
  for (SemaphoreHolder& h : *holders) {
    if (h.expires_at_ms > past) state.holders.push_back(std::move(h));
  }
  state.limit = state.holders.empty() ? 0 : item->count.value_or(0);
  state.last_token = item->number.value_or(0);
  state.item = std::move(*item);
  return state;
}

// Whether `owner`'s slot, as read back, ends at `deadline` (0: is gone):
// how a write whose answer was lost is settled (as lease.h does).
bool SlotShows(const State& state, std::string_view owner, int64_t deadline) {
  for (const SemaphoreHolder& h : state.holders) {
    if (h.owner == owner) return h.expires_at_ms == deadline;
  }
  return deadline == 0;
}

// Writes `after` over the item read as `before`. False: someone else wrote
// it first (read again). The item stays when nobody holds a slot, so the
// last token is never issued twice. A write whose answer never came (IoError)
// counts as done when a read shows `owner`'s slot ending at `deadline`.
Result<bool> Write(const Table& table, std::string_view name, const State& before, const State& after,
                   std::string_view owner, int64_t deadline) {
  Item item;
  item.key = layout::SemaphoreKey(name);
  item.kind = std::string(layout::kKindSemaphore);
  item.number = after.last_token;
  item.count = after.limit;
  item.value = Encode(after.holders);
  auto written = table.engine().Put(table.name(), item, AsRead(before.item));
  if (written.ok()) return written->applied;
  if (!written.status().Is(Status::Code::kIoError)) return written.status();
  auto now = Read(table, name);
  if (!now.ok() || !SlotShows(*now, owner, deadline)) return written.status();
  return true;
}

SemaphoreInfo InfoOf(std::string_view name, State state) {
  return SemaphoreInfo{.name = std::string(name), .limit = state.limit, .holders = std::move(state.holders),
                       .last_token = state.last_token};
}

std::vector<SemaphoreHolder>::iterator Find(State& state, std::string_view owner) {
  return std::find_if(state.holders.begin(), state.holders.end(),
                      [&](const SemaphoreHolder& h) { return h.owner == owner; });
}

Status Validate(std::string_view name, std::string_view owner) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("semaphore name", name));
  return storage::ValidateName("owner", owner);
}

Status NoSlot(std::string_view name, std::string_view owner) {
  return Status::ConditionFailed("semaphore " + Quote(name) + " has no slot held by " + Quote(owner));
}

// One read and one conditional write; nullopt when another writer raced us.
using Attempt = Result<std::optional<SemaphoreAcquireResult>>;

Attempt TryAcquire(const Table& table, std::string_view name, std::string_view owner,
                   const SemaphoreAcquireOptions& options) {
  auto read = Read(table, name);
  if (!read.ok()) return read.status();
  if (read->limit != 0 && read->limit != options.limit) {
    return Status::InvalidArgument("semaphore " + Quote(name) + " has a limit of " + std::to_string(read->limit) +
                                   " while its slots are held; this call asked for " + std::to_string(options.limit));
  }
  State after = *read;
  after.limit = options.limit;
  int64_t now = table.clock().NowMillis();
  SemaphoreHolder me{.owner = std::string(owner), .token = 0, .expires_at_ms = now + options.ttl.count()};
  auto mine = Find(after, owner);
  if (mine != after.holders.end() && mine->expires_at_ms > now) {
    me.token = mine->token;  // already ours: renewed, same token
    *mine = me;
  } else {
    if (mine != after.holders.end()) after.holders.erase(mine);  // ours but lapsed: a new token
    if (static_cast<int64_t>(after.holders.size()) >= options.limit) {
      return std::optional(SemaphoreAcquireResult{.semaphore = InfoOf(name, std::move(*read))});
    }
    me.token = ++after.last_token;
    after.holders.push_back(me);
  }
  auto written = Write(table, name, *read, after, owner, me.expires_at_ms);
  if (!written.ok()) return written.status();
  if (!*written) return std::optional<SemaphoreAcquireResult>();
  return std::optional(SemaphoreAcquireResult{.acquired = true, .token = me.token, .expires_at_ms = me.expires_at_ms,
                                              .semaphore = InfoOf(name, std::move(after))});
}

// Applies `change` to `owner`'s live slot (by this process's clock) and
// writes it back, retrying races; NoSlot when there is none.
template <typename Change>
Result<SemaphoreHolder> ChangeSlot(const Table& table, std::string_view name, std::string_view owner, Change change) {
  auto attempt = [&]() -> Result<std::optional<SemaphoreHolder>> {
    auto read = Read(table, name);
    if (!read.ok()) return read.status();
    State after = *read;
    auto mine = Find(after, owner);
    if (mine == after.holders.end() || mine->expires_at_ms <= table.clock().NowMillis()) return NoSlot(name, owner);
    SemaphoreHolder result = change(after, mine);
    int64_t deadline = Find(after, owner) == after.holders.end() ? 0 : result.expires_at_ms;
    auto written = Write(table, name, *read, after, owner, deadline);
    if (!written.ok()) return written.status();
    return *written ? std::optional(result) : std::nullopt;
  };
  return RetryOnConflict<SemaphoreHolder>(table.clock(), [&] { return "changing semaphore " + Quote(name); },
                                          attempt);
}

}  // namespace

Result<SemaphoreAcquireResult> Semaphores::Acquire(std::string_view name, std::string_view owner,
                                                   const SemaphoreAcquireOptions& options) {
  KVSTORE_RETURN_IF_ERROR(Validate(name, owner));
  if (options.limit < 1 || options.limit > kMaxSemaphoreLimit) {
    return Status::InvalidArgument("limit must be 1 to " + std::to_string(kMaxSemaphoreLimit) + ", not " +
                                   std::to_string(options.limit));
  }
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", options.ttl));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateWait("wait", options.wait));
  Backoff backoff(table_, options.wait);
  while (true) {
    auto result = RetryOnConflict<SemaphoreAcquireResult>(
        table_.clock(), [&] { return "acquiring semaphore " + Quote(name); },
        [&] { return TryAcquire(table_, name, owner, options); });
    if (!result.ok() || result->acquired || !backoff.Pause()) return result;
  }
}

Status Semaphores::Release(std::string_view name, std::string_view owner) {
  KVSTORE_RETURN_IF_ERROR(Validate(name, owner));
  return ChangeSlot(table_, name, owner, [](State& after, auto mine) {
           SemaphoreHolder gone = *mine;
           after.holders.erase(mine);
           return gone;
         })
      .status();
}

Result<SemaphoreHolder> Semaphores::Extend(std::string_view name, std::string_view owner, Millis ttl) {
  KVSTORE_RETURN_IF_ERROR(Validate(name, owner));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("ttl", ttl));
  int64_t until = table_.clock().NowMillis() + ttl.count();
  return ChangeSlot(table_, name, owner, [until](State&, auto mine) {
    mine->expires_at_ms = until;
    return *mine;
  });
}

Result<SemaphoreInfo> Semaphores::Check(std::string_view name) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateName("semaphore name", name));
  auto read = Read(table_, name);
  if (!read.ok()) return read.status();
  return InfoOf(name, std::move(*read));
}

std::unique_ptr<RenewableLease> Semaphores::HeldSlot(std::string_view name, std::string_view owner) const {
  return std::make_unique<lease::HeldByOwner<Semaphores>>(table_, name, owner);
}

Result<std::unique_ptr<LeaseKeeper>> Semaphores::Hold(std::string_view name, std::string_view owner,
                                                      const SemaphoreAcquireOptions& options, LeaseKeeperOptions keep) {
  auto acquired = Acquire(name, owner, options);
  if (!acquired.ok()) return acquired.status();
  if (!acquired->acquired) {
    return Status::ConditionFailed("semaphore " + Quote(name) + " has no free slot: all " +
                                   std::to_string(acquired->semaphore.limit) + " are held");
  }
  keep.ttl = options.ttl;
  return std::make_unique<LeaseKeeper>(HeldSlot(name, owner), acquired->expires_at_ms, acquired->token, table_.clock(),
                                       std::move(keep));
}

}  // namespace kvstore
