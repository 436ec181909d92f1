// Watch and wait: read the watched keys whenever they may have changed and
// report the difference from the last read. Nothing is logged by writers:
// a watch costs the store nothing until it reads, and coalescing is free.
#include "kvstore/watch.h"

#include <algorithm>
#include <utility>

#include "primitives/kv_entry.h"
#include "primitives/layout.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {
namespace {

constexpr size_t kPrefixPage = 1000;

struct Seen {
  Entry entry;
  int64_t version = 0;
};
using Snapshot = std::map<std::string, Seen>;

Result<Seen> SeenOf(const Table& table, const storage::Item& item) {
  auto entry = kv_entry::EntryOf(table, item);
  if (!entry.ok()) return entry.status();
  return Seen{std::move(*entry), item.version};
}

// A sharded counter's adds change its shards, not its item's version: its
// value tells.
bool Changed(const Seen& before, const Seen& after) {
  return after.version != before.version || after.entry.value != before.entry.value;
}

// Reads the watched keys whenever the store may have changed: at once, then
// when woken by the store, a watched key's expiry comes, or poll_interval
// passes, whichever is first.
class Reader {
 public:
  Reader(Table table, WatchOptions options)
      : table_(std::move(table)), options_(std::move(options)), may_notify_(table_.clock().WaitsInRealTime()) {}

  Result<Snapshot> Read() const { return options_.prefix ? ReadPrefix() : ReadKey(); }

  // Sleeps until the next read is due, at most `left`.
  void Pause(Millis left, const Snapshot& seen) {
    if (std::exchange(may_notify_, false)) {
      // Made on the first pause, as Backoff does (backoff.h says why); a
      // write since the last read is caught by reading again at once.
      notify_ = table_.engine().WatchChanges();
      if (notify_) return;
    }
    int64_t pause = std::min(left.count(), options_.poll_interval.count());
    // Woken, yet nothing new: the write may not be visible yet (engine.h's
    // ChangeWatch); read again after 1, 2, 4, 8 and 16 ms.
    if (settling_ > 0 && settling_ <= kSettleReads) pause = std::min<int64_t>(pause, int64_t{1} << (settling_++ - 1));
    int64_t now = table_.clock().NowMillis();
    for (const auto& [key, s] : seen) {
      if (s.entry.expires_at_ms) pause = std::min(pause, std::max<int64_t>(*s.entry.expires_at_ms - now + 1, 0));
    }
    if (notify_) {
      if (notify_->Wait(Millis(pause))) settling_ = 1;
    } else {
      table_.clock().SleepFor(Millis(pause));
    }
  }

  // The last read found the change a wake-up announced.
  void Settled() { settling_ = 0; }

  const Table& table() const { return table_; }

 private:
  Result<Snapshot> ReadKey() const {
    Snapshot snapshot;
    auto item = table_.engine().Get(table_.name(), layout::KeyOf(options_.key));
    if (!item.ok()) return item.status().Is(Status::Code::kNotFound) ? Result<Snapshot>(snapshot) : item.status();
    auto seen = SeenOf(table_, *item);
    if (!seen.ok()) return seen.status();
    snapshot[options_.key] = std::move(*seen);
    return snapshot;
  }

  Result<Snapshot> ReadPrefix() const {
    Snapshot snapshot;
    storage::QueryRequest request{.partition = std::string(layout::kKeysPartition), .prefix = options_.key,
                                  .limit = kPrefixPage};
    while (true) {
      auto page = table_.engine().Query(table_.name(), request);
      if (!page.ok()) return page.status();
      for (const storage::Item& item : page->items) {
        auto seen = SeenOf(table_, item);
        if (!seen.ok()) return seen.status();
        snapshot[item.key.sort] = std::move(*seen);
      }
      if (!page->continue_from) return snapshot;
      request.after = page->continue_from;
    }
  }

  static constexpr int kSettleReads = 5;

  Table table_;
  WatchOptions options_;
  bool may_notify_;  // until the first pause: the store may notify
  std::unique_ptr<storage::ChangeWatch> notify_;
  int settling_ = 0;  // re-reads left after a wake-up (see Pause), counting up
};

// What changed from `before` to `after`, in key order. A key gone whose TTL
// had passed by `now` expired; any other key gone was deleted.
std::vector<Change> Diff(const Snapshot& before, const Snapshot& after, int64_t now) {
  std::vector<Change> changes;
  auto gone = [&](const Seen& s) {
    bool expired = s.entry.expires_at_ms && *s.entry.expires_at_ms <= now;
    changes.push_back({expired ? Change::Type::kExpire : Change::Type::kDelete, s.entry, 0});
  };
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      gone((b++)->second);
    } else if (b == before.end() || a->first < b->first) {
      changes.push_back({Change::Type::kPut, a->second.entry, a->second.version});
      ++a;
    } else {
      if (Changed(b->second, a->second)) changes.push_back({Change::Type::kPut, a->second.entry, a->second.version});
      ++a;
      ++b;
    }
  }
  return changes;
}

Status ValidateWatched(const WatchOptions& options) {
  if (options.poll_interval.count() <= 0) return Status::InvalidArgument("the poll interval must be more than 0");
  if (!options.prefix) return storage::ValidateName("key", options.key);
  if (options.key.size() > kMaxName) return Status::InvalidArgument("prefix is longer than the 512-byte key limit");
  return Status::Ok();
}

bool Holds(const WaitCondition& condition, const Snapshot& snapshot, const std::string& key) {
  auto it = snapshot.find(key);
  switch (condition.kind) {
    case WaitCondition::Kind::kExists: return it != snapshot.end();
    case WaitCondition::Kind::kMissing: return it == snapshot.end();
    case WaitCondition::Kind::kValue: return it != snapshot.end() && it->second.entry.value == condition.value;
  }
  return false;
}

}  // namespace

class Watch::State {
 public:
  State(Table table, WatchOptions options) : reader(std::move(table), std::move(options)) {}
  Reader reader;
  Snapshot last;
};

Watch::Watch(std::unique_ptr<State> state) : state_(std::move(state)) {}
Watch::~Watch() = default;

Result<std::unique_ptr<Watch>> Watch::Start(Table table, WatchOptions options) {
  KVSTORE_RETURN_IF_ERROR(ValidateWatched(options));
  auto state = std::make_unique<State>(std::move(table), std::move(options));
  auto first = state->reader.Read();
  if (!first.ok()) return first.status();
  state->last = std::move(*first);
  return std::unique_ptr<Watch>(new Watch(std::move(state)));
}

Result<std::vector<Change>> Watch::Next(Millis timeout) {
  const Clock& clock = state_->reader.table().clock();
  int64_t give_up_at = clock.NowMillis() + std::max<int64_t>(timeout.count(), 0);
  while (true) {
    auto now = state_->reader.Read();
    if (!now.ok()) return now.status();
    std::vector<Change> changes = Diff(state_->last, *now, clock.NowMillis());
    state_->last = std::move(*now);
    int64_t left = give_up_at - clock.NowMillis();
    if (!changes.empty()) state_->reader.Settled();
    if (!changes.empty() || left <= 0) return changes;
    state_->reader.Pause(Millis(left), state_->last);
  }
}

Result<bool> WaitFor(const Table& table, std::string_view key, const WaitCondition& condition, Millis timeout,
                     Millis poll_interval) {
  WatchOptions options{.key = std::string(key), .prefix = false, .poll_interval = poll_interval};
  KVSTORE_RETURN_IF_ERROR(ValidateWatched(options));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateWait("timeout", timeout));
  Reader reader(table, options);
  int64_t give_up_at = table.clock().NowMillis() + timeout.count();
  while (true) {
    auto now = reader.Read();
    if (!now.ok()) return now.status();
    if (Holds(condition, *now, options.key)) return true;
    int64_t left = give_up_at - table.clock().NowMillis();
    if (left <= 0) return false;
    reader.Pause(Millis(left), *now);
  }
}

}  // namespace kvstore
