// Queues of layout-1 tables (queue_ops.h). A message lives in one of three
// partitions of its queue, and its
// sort key there gives the order, so no operation reads past messages it
// does not return:
//   ready      qr/<queue>  sort = priority key + sequence   (pop order)
//   in flight  qi/<queue>  sort = visible-at + priority key + sequence
//   delayed    qd/<queue>  sort = visible-at + priority key + sequence
// Pop first moves due in-flight and delayed messages back to ready, then
// moves the head of ready to in flight, each move one transaction (delete
// where the version is unchanged + put), so two poppers never both win.
// Attributes: value = payload, number = priority, count = receive count,
// owner = the latest delivery's token, deadline = visible-at.
#include <algorithm>
#include <cstdio>

#include "primitives/backoff.h"
#include "primitives/fence_checks.h"
#include "primitives/queue_ops.h"
#include "primitives/retry.h"
#include "primitives/layout.h"
#include "storage/engine.h"
#include "storage/limits.h"
#include "util/random.h"

namespace kvstore::queue_internal {

using storage::Attr;
using storage::Condition;
using storage::Item;
using storage::WriteOp;

namespace {

using layout::kKeyDigits;
using layout::kOrderSize;
using layout::OrderKey;
using layout::OrderOf;
using layout::ParseHex;
using layout::TimeKey;

constexpr size_t kPromoteBatch = 16;    // due messages moved back per pop
constexpr size_t kCandidates = 8;       // ready messages tried per round


// A receipt names the in-flight item exactly, plus the delivery's token:
// <in-flight sort key>.<token>
struct Receipt {
  std::string in_flight_sort;
  std::string token;
};

std::string MakeReceipt(const std::string& in_flight_sort, const std::string& token) {
  return in_flight_sort + "." + token;
}

Result<Receipt> ParseReceipt(std::string_view text) {
  size_t dot = text.find('.');
  if (dot != kKeyDigits + kOrderSize || text.size() != dot + 1 + kKeyDigits ||
      !ParseHex(text.substr(0, kKeyDigits)) || !ParseHex(text.substr(kKeyDigits, kKeyDigits)) ||
      !ParseHex(text.substr(2 * kKeyDigits, kKeyDigits)) || !ParseHex(text.substr(dot + 1))) {
    return Status::InvalidArgument("'" + std::string(text.substr(0, 80)) + "' is not a queue receipt");
  }
  return Receipt{std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
}

// The same message under a new key, e.g. moved from in flight to ready.
Item Moved(const Item& from, storage::Key to) {
  Item item = from;
  item.key = std::move(to);
  return item;
}

class StateQueue final : public QueueOps {
 public:
  StateQueue(const Table& table, std::string_view queue) : table_(table), queue_(queue) {}

  Result<std::string> Push(std::string_view payload, const PushOptions& options) override {
    auto seq = NextSequence(queue_);
    if (!seq.ok()) return seq.status();
    Item item;
    item.kind = std::string(layout::kKindMessage);
    item.value = std::string(payload);
    item.number = options.priority;
    item.count = 0;
    std::string order = OrderKey(options.priority, *seq);
    if (options.delay.count() > 0) {
      int64_t visible_at = Now() + options.delay.count();
      item.deadline = visible_at;
      item.key = {layout::DelayedPartition(queue_), TimeKey(visible_at) + order};
    } else {
      item.key = {layout::ReadyPartition(queue_), order};
    }
    auto put = fence::Write(table_, options.fences, storage::WriteOp::Put(std::move(item), Condition::NotExists()));
    if (!put.ok()) return put.status();
    if (!put->applied) return Status::IoError("message id " + std::to_string(*seq) + " is already taken");
    return std::to_string(*seq);
  }

  Result<Message> Pop(const PopOptions& options) override {
    Backoff backoff(table_, options.wait);
    while (true) {
      KVSTORE_RETURN_IF_ERROR(PromoteDue(layout::InFlightPartition(queue_)));
      KVSTORE_RETURN_IF_ERROR(PromoteDue(layout::DelayedPartition(queue_)));
      auto delivered = Deliver(options);
      if (!delivered.ok() || *delivered) return delivered.ok() ? Result<Message>(**delivered) : delivered.status();
      if (!backoff.Pause()) return Status::NotFound("queue " + Quote(queue_) + " is empty");
    }
  }

  Status Ack(std::string_view receipt_text) override {
    auto receipt = ParseReceipt(receipt_text);
    if (!receipt.ok()) return receipt.status();
    Condition this_delivery = Condition::Equals(Attr::kOwner, receipt->token);
    auto in_flight = Engine().Delete(table_.name(), {layout::InFlightPartition(queue_), receipt->in_flight_sort},
                                     this_delivery);
    if (!in_flight.ok()) return in_flight.status();
    if (in_flight->applied) return Status::Ok();
    // Its timeout passed and it went back to ready, not yet delivered again:
    // this is still the latest delivery, as in SQS.
    auto ready = Engine().Delete(table_.name(),
                                 {layout::ReadyPartition(queue_), std::string(OrderOf(receipt->in_flight_sort))},
                                 this_delivery);
    if (!ready.ok()) return ready.status();
    return ready->applied ? Status::Ok() : StaleReceipt();
  }

  Status Nack(std::string_view receipt_text, Millis delay) override {
    auto receipt = ParseReceipt(receipt_text);
    if (!receipt.ok()) return receipt.status();
    auto item = Engine().Get(table_.name(), {layout::InFlightPartition(queue_), receipt->in_flight_sort});
    if (!item.ok()) return item.status().Is(Status::Code::kNotFound) ? StaleReceipt() : item.status();
    if (item->owner != receipt->token) return StaleReceipt();
    std::string order(OrderOf(item->key.sort));
    Item back = *item;
    if (delay.count() > 0) {
      back.deadline = Now() + delay.count();
      back.key = {layout::DelayedPartition(queue_), TimeKey(*back.deadline) + order};
    } else {
      back.deadline.reset();
      back.key = {layout::ReadyPartition(queue_), order};
    }
    auto moved = Move(*item, back);
    if (!moved.ok()) return moved.status();
    return *moved ? Status::Ok() : StaleReceipt();
  }

  Result<std::vector<Message>> Peek(size_t count) override {
    std::vector<Item> candidates;
    for (const storage::QueryRequest& request :
         {ReadyRequest(count), DueRequest(layout::InFlightPartition(queue_), count),
          DueRequest(layout::DelayedPartition(queue_), count)}) {
      auto page = Engine().Query(table_.name(), request);
      if (!page.ok()) return page.status();
      candidates.insert(candidates.end(), page->items.begin(), page->items.end());
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Item& a, const Item& b) { return OrderOf(a.key.sort) < OrderOf(b.key.sort); });
    std::vector<Message> messages;
    for (size_t i = 0; i < candidates.size() && i < count; ++i) messages.push_back(MessageOf(candidates[i]));
    return messages;
  }

  Result<QueueSize> Size() override {
    std::string not_due_after = TimeKey(Now()) + "~";  // '~' sorts after every hex digit
    QueueSize size;
    auto count = [&](storage::QueryRequest request, size_t& into) -> Status {
      auto n = Engine().Count(table_.name(), request);
      if (!n.ok()) return n.status();
      into += *n;
      return Status::Ok();
    };
    KVSTORE_RETURN_IF_ERROR(count(ReadyRequest(0), size.visible));
    for (auto [partition, later] : {std::pair{layout::InFlightPartition(queue_), &size.in_flight},
                                    std::pair{layout::DelayedPartition(queue_), &size.delayed}}) {
      KVSTORE_RETURN_IF_ERROR(count(DueRequest(partition, 0), size.visible));
      KVSTORE_RETURN_IF_ERROR(count({.partition = partition, .after = not_due_after}, *later));
    }
    return size;
  }

 private:
  storage::Engine& Engine() const { return table_.engine(); }
  int64_t Now() const { return table_.clock().NowMillis(); }

  storage::QueryRequest ReadyRequest(size_t limit) const {
    return {.partition = layout::ReadyPartition(queue_), .limit = limit};
  }

  // Messages of an in-flight or delayed partition whose visible-at has come.
  storage::QueryRequest DueRequest(std::string partition, size_t limit) const {
    return {.partition = std::move(partition), .before = TimeKey(Now() + 1), .limit = limit};
  }

  Result<int64_t> NextSequence(std::string_view queue) {
    auto header = Engine().Update(table_.name(), layout::QueueHeaderKey(queue),
                                  {storage::Action::Set(Attr::kKind, std::string(layout::kKindQueue)),
                                   storage::Action::Add(Attr::kNumber, 1)},
                                  Condition::Always());
    if (!header.ok()) return header.status();
    return header->item->number.value_or(0);
  }

  // Replaces `from` by `to` if `from` is unchanged. False when it changed.
  Result<bool> Move(const Item& from, const Item& to) {
    auto moved = Engine().Transact(table_.name(), {WriteOp::Delete(from.key, Unchanged(from)),
                                                   WriteOp::Put(to, Condition::NotExists())});
    if (!moved.ok()) return moved.status();
    return moved->applied;
  }

  // Moves messages whose visible-at has come back to ready; the token stays,
  // so the last delivery's receipt can still ack until the next delivery.
  Status PromoteDue(std::string partition) {
    auto due = Engine().Query(table_.name(), DueRequest(std::move(partition), kPromoteBatch));
    if (!due.ok()) return due.status();
    for (const Item& item : due->items) {
      Item ready = Moved(item, {layout::ReadyPartition(queue_), std::string(OrderOf(item.key.sort))});
      ready.deadline.reset();
      auto moved = Move(item, ready);  // losing the race to another popper is fine
      if (!moved.ok()) return moved.status();
    }
    return Status::Ok();
  }

  // Moves a message that was delivered too often to "<queue>.dlq".
  Status DeadLetter(const Item& item) {
    std::string dlq = queue_ + ".dlq";
    auto seq = NextSequence(dlq);
    if (!seq.ok()) return seq.status();
    Item dead = Moved(item, {layout::ReadyPartition(dlq), OrderKey(item.number.value_or(0), *seq)});
    dead.owner.reset();
    auto moved = Move(item, dead);
    return moved.ok() ? Status::Ok() : moved.status();
  }

  // Takes the head of ready into flight. Empty when ready is empty. When
  // other poppers take every candidate first, reads again (RetryOnConflict).
  Result<std::optional<Message>> Deliver(const PopOptions& options) {
    return RetryOnConflict<std::optional<Message>>(table_.clock(), [&] { return "popping from queue " + Quote(queue_); },
                                                   [&] { return DeliverOnce(options); });
  }

  // One try: a message, no message (ready is empty), or a lost race (outer
  // optional empty).
  Result<std::optional<std::optional<Message>>> DeliverOnce(const PopOptions& options) {
    using Outcome = std::optional<std::optional<Message>>;
    auto ready = Engine().Query(table_.name(), ReadyRequest(kCandidates));
    if (!ready.ok()) return ready.status();
    if (ready->items.empty()) return Outcome(std::optional<Message>());
    for (const Item& item : ready->items) {
      if (options.max_receives > 0 && item.count.value_or(0) >= options.max_receives) {
        KVSTORE_RETURN_IF_ERROR(DeadLetter(item));
        continue;
      }
      int64_t visible_at = Now() + options.visibility_timeout.count();
      std::string token = NewDeliveryToken();
      Item flying = Moved(item, {layout::InFlightPartition(queue_), TimeKey(visible_at) + item.key.sort});
      flying.owner = token;
      flying.deadline = visible_at;
      flying.count = item.count.value_or(0) + 1;
      auto moved = Move(item, flying);
      if (!moved.ok()) return moved.status();
      if (!*moved) continue;  // another popper took it first
      Message message = MessageOf(flying);
      message.receipt = MakeReceipt(flying.key.sort, token);
      return Outcome(std::optional<Message>(std::move(message)));
    }
    return Outcome();
  }

  const Table& table_;
  std::string queue_;
};

}  // namespace

std::unique_ptr<QueueOps> QueueByState(const Table& table, std::string_view queue) {
  return std::make_unique<StateQueue>(table, queue);
}

}  // namespace kvstore::queue_internal
