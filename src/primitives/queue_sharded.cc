// Queues of layout-2 tables (queue_ops.h). A message is one item, in one of
// the table's shards, and never moves while it lives:
//   partition q/<shard>, sort = queue name, NUL, priority key, id
// Its state is in its attributes: deadline = when it is visible (none: now),
// owner = the latest delivery's token, count = receives. An id is the time
// the message becomes visible (ms, top bits) with random low bits, so a
// shard serves its messages by priority, then in the order they became
// visible, and no item is written on every push.
//
//   push  one conditional put, into a random shard;
//   pop   one query of a shard's head + one update of the first visible
//         message, on condition it is as read; a popper that loses that race
//         tries another message of the page it read, at random, so
//         contenders spread instead of racing for the head. An empty shard
//         sends it to the next.
//   ack   one delete, on condition the receipt's token is the latest;
//   nack  one update, on the same condition.
// A message whose visibility timeout passes is visible again where it stands,
// at the head: no move, no sweep.
//
// Order: priority and FIFO within a shard (FIFO by visible time; a process
// pushes in order), none across shards. A queue named *.fifo is strict FIFO
// at one shard's throughput: ids from a header's sequence (a second write on
// push), one shard, and pops always take its first visible message.
#include <algorithm>
#include <atomic>
#include <charconv>

#include "primitives/backoff.h"
#include "primitives/fence_checks.h"
#include "primitives/queue_ops.h"
#include "primitives/retry.h"
#include "util/quote.h"
#include "util/shard_hash.h"

namespace kvstore::queue_internal {

using storage::Action;
using storage::Attr;
using storage::Condition;
using storage::Item;
using storage::WriteOp;

namespace {

constexpr size_t kCandidates = 8;      // visible messages a pop reads at once
constexpr size_t kMaxPage = 1000;      // read when looking past invisible ones
constexpr int kIdTimeShift = 22;       // the time in ms above (41 bits, to 2039)
constexpr int kIdRandomBits = 12;      // random below, leaving room to count up
constexpr int kIdAttempts = 3;         // new ids tried when one is taken

int64_t IdTime(int64_t id) { return id >> kIdTimeShift; }

int64_t RandomId(int64_t visible_at, int random_bits) {
  return visible_at << kIdTimeShift | static_cast<int64_t>(RandomU64() & ((1ULL << random_bits) - 1));
}

// A message visible now gets an id above every earlier one of this process,
// so one producer's messages keep their order even within a millisecond
// (four million ids a millisecond before the count reaches the time bits).
// Not above one of a later time, though: after the clock steps back (or in
// a process with several clocks) counting on would date the message in the
// future, and pops would pass it by as not visible yet.
int64_t NextId(int64_t visible_at, bool delayed) {
  if (delayed) return RandomId(visible_at, kIdTimeShift);  // many may share a millisecond
  static std::atomic<int64_t> last{0};
  int64_t fresh = RandomId(visible_at, kIdRandomBits);
  int64_t previous = last.load();
  int64_t id;
  do {
    id = IdTime(previous + 1) > visible_at ? fresh : std::max(fresh, previous + 1);
  } while (!last.compare_exchange_weak(previous, id));
  return id;
}

bool VisibleAt(const Item& item, int64_t now) { return item.deadline.value_or(0) <= now; }

// A receipt names the message and the delivery: SHARD.ORDERKEY.TOKEN.
struct Receipt {
  int shard = 0;
  std::string order;
  std::string token;
};

std::string MakeReceipt(int shard, std::string_view order, std::string_view token) {
  return std::to_string(shard) + "." + std::string(order) + "." + std::string(token);
}

Result<Receipt> ParseReceipt(std::string_view text, int shards) {
  Receipt receipt;
  size_t first = text.find('.');
  size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + std::min(first, text.size()), receipt.shard);
  bool ok = second != std::string_view::npos && ec == std::errc() && end == text.data() + first &&
            receipt.shard >= 0 && receipt.shard < shards && second - first - 1 == layout::kOrderSize &&
            text.size() - second - 1 == layout::kKeyDigits;
  if (ok) {
    receipt.order = std::string(text.substr(first + 1, layout::kOrderSize));
    receipt.token = std::string(text.substr(second + 1));
    ok = layout::ParseHex(receipt.order.substr(0, layout::kKeyDigits)) &&
         layout::ParseHex(receipt.order.substr(layout::kKeyDigits)) && layout::ParseHex(receipt.token);
  }
  if (!ok) return Status::InvalidArgument("'" + std::string(text.substr(0, 80)) + "' is not a queue receipt");
  return receipt;
}

class Sharded final : public QueueOps {
 public:
  Sharded(const Table& table, std::string_view queue, int shards)
      : table_(table), queue_(queue), shards_(std::max(shards, 1)), fifo_(layout::IsStrictFifo(queue)) {}

  Result<std::string> Push(std::string_view payload, const PushOptions& options) override {
    int64_t visible_at = Now() + options.delay.count();
    for (int attempt = 0; attempt < kIdAttempts; ++attempt) {
      Result<int64_t> id = fifo_ ? NextSequence(queue_) : Result<int64_t>(NextId(visible_at, options.delay.count() > 0));
      if (!id.ok()) return id.status();
      Item item = NewMessage(queue_, PushShard(), options.priority, *id, payload);
      if (options.delay.count() > 0) item.deadline = visible_at;
      storage::Key key = item.key;
      auto put = fence::Write(table_, options.fences, WriteOp::Put(std::move(item), Condition::NotExists()));
      if (!put.ok()) return ShowsOurPush(key, payload, put.status(), *id);
      if (put->applied) return std::to_string(*id);
    }
    return Status::IoError("could not find a free message id in queue " + Quote(queue_));
  }

  Result<Message> Pop(const PopOptions& options) override {
    Backoff backoff(table_, options.wait);
    while (true) {
      int first = fifo_ ? FifoShard() : RandomShard();
      for (int i = 0; i < (fifo_ ? 1 : shards_); ++i) {
        auto delivered = DeliverFrom((first + i) % shards_, options);
        if (!delivered.ok()) return delivered.status();
        if (*delivered) return std::move(**delivered);
      }
      if (!backoff.Pause()) return Status::NotFound("queue " + Quote(queue_) + " is empty");
    }
  }

  Status Ack(std::string_view receipt_text) override {
    auto receipt = ParseReceipt(receipt_text, shards_);
    if (!receipt.ok()) return receipt.status();
    auto deleted = Engine().Delete(table_.name(), KeyOf(*receipt), Condition::Equals(Attr::kOwner, receipt->token));
    if (!deleted.ok()) return deleted.status();
    return deleted->applied ? Status::Ok() : StaleReceipt();
  }

  Status Nack(std::string_view receipt_text, Millis delay) override {
    auto receipt = ParseReceipt(receipt_text, shards_);
    if (!receipt.ok()) return receipt.status();
    Action visible = delay.count() > 0 ? Action::Set(Attr::kDeadline, Now() + delay.count()) : Action::Remove(Attr::kDeadline);
    auto updated = Engine().Update(table_.name(), KeyOf(*receipt), {visible}, Condition::Equals(Attr::kOwner, receipt->token));
    if (!updated.ok()) return updated.status();
    return updated->applied ? Status::Ok() : StaleReceipt();
  }

  Result<std::vector<Message>> Peek(size_t count) override {
    std::vector<Item> visible;
    for (int shard = 0; shard < shards_; ++shard) {
      auto found = VisibleIn(shard, count, /*settle=*/false);
      if (!found.ok()) return found.status();
      visible.insert(visible.end(), found->begin(), found->end());
    }
    std::sort(visible.begin(), visible.end(), [](const Item& a, const Item& b) { return a.key.sort < b.key.sort; });
    std::vector<Message> messages;
    for (size_t i = 0; i < visible.size() && i < count; ++i) messages.push_back(MessageOf(visible[i]));
    return messages;
  }

  // States are attributes, kept in no index: each shard's messages are
  // counted by state in one pass (one SQL statement on the embedded store).
  Result<QueueSize> Size() override {
    using storage::CompareOp;
    int64_t now = Now();  // one instant for every state, so none is counted twice
    Condition not_yet = Condition::Compare(Attr::kDeadline, CompareOp::kGt, now);
    Condition never_delivered = Condition::AnyOf({Condition::AttrNotExists(Attr::kCount), Condition::Equals(Attr::kCount, int64_t{0})});
    // Delayed at push, or delivered and not yet visible again (SQS counts a
    // nacked message as in flight too).
    std::vector<Condition> states = {Condition::AnyOf({Condition::AttrNotExists(Attr::kDeadline),
                                                       Condition::Compare(Attr::kDeadline, CompareOp::kLe, now)}),
                                     Condition::AllOf({not_yet, Condition::Compare(Attr::kCount, CompareOp::kGt, int64_t{0})}),
                                     Condition::AllOf({not_yet, never_delivered})};
    QueueSize size;
    for (int shard = 0; shard < shards_; ++shard) {
      storage::QueryRequest request{.partition = layout::QueueShardPartition(shard), .prefix = layout::MessagePrefix(queue_)};
      auto counts = Engine().CountEach(table_.name(), request, states);
      if (!counts.ok()) return counts.status();
      size.visible += (*counts)[0];
      size.in_flight += (*counts)[1];
      size.delayed += (*counts)[2];
    }
    return size;
  }

 private:
  storage::Engine& Engine() const { return table_.engine(); }
  int64_t Now() const { return table_.clock().NowMillis(); }
  int FifoShard() const { return ShardOf(queue_, shards_); }
  int RandomShard() const { return static_cast<int>(RandomU64() % static_cast<uint64_t>(shards_)); }
  int PushShard() const { return fifo_ ? FifoShard() : RandomShard(); }

  // A put whose answer never came (DynamoDB: sent, then no answer) may or
  // may not have been applied, and is not sent again; its id is new, so
  // finding the message there settles it. Not finding it settles nothing
  // (it may have been popped and acked since): the error stands.
  Result<std::string> ShowsOurPush(const storage::Key& key, std::string_view payload, const Status& failed, int64_t id) {
    if (!failed.Is(Status::Code::kIoError)) return failed;
    auto stored = Engine().Get(table_.name(), key);
    if (stored.ok() && stored->value == payload) return std::to_string(id);
    return failed;
  }

  storage::Key KeyOf(const Receipt& receipt) const {
    return {layout::QueueShardPartition(receipt.shard), layout::MessagePrefix(queue_) + receipt.order};
  }

  static Item NewMessage(std::string_view queue, int shard, int64_t priority, int64_t id, std::string_view payload) {
    Item item;
    item.key = layout::MessageKey(queue, shard, priority, id);
    item.kind = std::string(layout::kKindMessage);
    item.value = std::string(payload);
    item.number = priority;
    item.count = 0;
    return item;
  }

  Result<int64_t> NextSequence(std::string_view queue) {
    auto header = Engine().Update(table_.name(), layout::QueueHeaderKey(queue),
                                  {Action::Set(Attr::kKind, std::string(layout::kKindQueue)), Action::Add(Attr::kNumber, 1)},
                                  Condition::Always());
    if (!header.ok()) return header.status();
    return header->item->number.value_or(0);
  }

  // Up to `wanted` visible messages of a shard in order, reading past the
  // invisible ones: in-flight messages where they stand, and -- skipped a
  // priority at a time -- messages that become visible later. With `settle`,
  // the first page that shows any visible message is enough.
  Result<std::vector<Item>> VisibleIn(int shard, size_t wanted, bool settle) {
    const std::string prefix = layout::MessagePrefix(queue_);
    storage::QueryRequest request{.partition = layout::QueueShardPartition(shard), .prefix = prefix, .limit = wanted};
    std::vector<Item> visible;
    const int64_t now = Now();
    // Ids of messages visible by now are at most this (other clocks may run ahead).
    const int64_t latest = now + table_.max_clock_skew().count();
    while (true) {
      auto page = Engine().Query(table_.name(), request);
      if (!page.ok()) return page.status();
      std::optional<std::string> resume = page->continue_from;
      for (const Item& item : page->items) {
        if (VisibleAt(item, now)) {
          visible.push_back(item);
          if (visible.size() == wanted) return visible;
        } else if (!fifo_ && IdTime(layout::MessageSequence(item.key.sort)) > latest) {
          // The rest of this priority becomes visible later still.
          resume = prefix + item.key.sort.substr(prefix.size(), layout::kKeyDigits) + "~";
          break;
        }
      }
      if (!resume || (settle && !visible.empty())) return visible;
      request.after = resume;
      request.limit = std::min(request.limit * 4, kMaxPage);
    }
  }

  // A message of `shard`, or nothing when it has none visible.
  Result<std::optional<Message>> DeliverFrom(int shard, const PopOptions& options) {
    return RetryOnConflict<std::optional<Message>>(table_.clock(), [&] { return "popping from queue " + Quote(queue_); },
                                                   [&] { return DeliverOnce(shard, options); });
  }

  // One try: a message, no message, or every candidate lost to other
  // poppers (the outer optional empty: read again).
  Result<std::optional<std::optional<Message>>> DeliverOnce(int shard, const PopOptions& options) {
    using Outcome = std::optional<std::optional<Message>>;
    auto candidates = VisibleIn(shard, fifo_ ? 1 : kCandidates, /*settle=*/true);
    if (!candidates.ok()) return candidates.status();
    if (candidates->empty()) return Outcome(std::optional<Message>());
    // The head first; after a lost race, any other at random.
    for (size_t i = candidates->size() - 1; i > 1; --i) {
      std::swap((*candidates)[i], (*candidates)[1 + RandomU64() % i]);
    }
    for (const Item& item : *candidates) {
      if (options.max_receives > 0 && item.count.value_or(0) >= options.max_receives) {
        KVSTORE_RETURN_IF_ERROR(DeadLetter(item));
        continue;
      }
      auto claimed = Claim(shard, item, options);
      if (!claimed.ok()) return claimed.status();
      if (*claimed) return Outcome(std::move(*claimed));
    }
    return Outcome();
  }

  // Delivers `item` if no one else has since it was read.
  Result<std::optional<Message>> Claim(int shard, const Item& item, const PopOptions& options) {
    std::string token = NewDeliveryToken();
    auto updated = Engine().Update(table_.name(), item.key,
                                   {Action::Set(Attr::kDeadline, Now() + options.visibility_timeout.count()),
                                    Action::Set(Attr::kOwner, token), Action::Add(Attr::kCount, 1)},
                                   Unchanged(item));
    if (!updated.ok()) return ShowsOurClaim(shard, item.key, token, updated.status());
    if (!updated->applied) return std::optional<Message>();
    return Delivered(shard, *updated->item, token);
  }

  // A claim whose answer never came is ours if the message names our token
  // (a lease's rule, lease.cc); otherwise it was not applied.
  Result<std::optional<Message>> ShowsOurClaim(int shard, const storage::Key& key, const std::string& token,
                                               const Status& failed) {
    if (!failed.Is(Status::Code::kIoError)) return failed;
    auto stored = Engine().Get(table_.name(), key);
    if (stored.ok() && stored->owner == token) return Delivered(shard, *stored, token);
    if (stored.ok() || stored.status().Is(Status::Code::kNotFound)) return std::optional<Message>();
    return failed;
  }

  Result<std::optional<Message>> Delivered(int shard, const Item& item, const std::string& token) {
    Message message = MessageOf(item);
    message.receipt = MakeReceipt(shard, item.key.sort.substr(queue_.size() + 1), token);
    return std::optional<Message>(std::move(message));
  }

  // Moves a message delivered too often to "<queue>.dlq", as pushed now.
  Status DeadLetter(const Item& item) {
    std::string dlq = queue_ + ".dlq";
    Item dead = NewMessage(dlq, RandomShard(), item.number.value_or(0), NextId(Now(), false), item.value.value_or(""));
    dead.count = item.count;
    auto moved = Engine().Transact(table_.name(), {WriteOp::Delete(item.key, Unchanged(item)),
                                                   WriteOp::Put(std::move(dead), Condition::NotExists())});
    return moved.ok() ? Status::Ok() : moved.status();  // losing the race to another popper is fine
  }

  const Table& table_;
  std::string queue_;
  int shards_;
  bool fifo_;
};

}  // namespace

std::unique_ptr<QueueOps> ShardedQueue(const Table& table, std::string_view queue, int shards) {
  return std::make_unique<Sharded>(table, queue, shards);
}

}  // namespace kvstore::queue_internal
