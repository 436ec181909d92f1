// Work queues with priorities, delays, visibility timeouts, receipts and a
// dead-letter queue, in the manner of SQS.
//
// Higher priority pops first; FIFO within a priority. A popped message is
// invisible for its visibility timeout; if it is not acked by then it is
// delivered again with its receive count increased. Each delivery has its own
// receipt: only the latest delivery's receipt acks (deletes) the message.
// With max_receives set, a message delivered that many times without an ack
// moves to the queue "<name>.dlq" instead of being delivered again.
//
// In a table of several shards (Table::Layout, docs/scale.md) a queue's
// messages are spread over them: priority and FIFO then hold within each
// shard and ids are large numbers growing with time. A queue named "*.fifo"
// keeps strict FIFO and ids 1, 2, 3... at one shard's throughput.
//
// Pop costs the same on a queue of ten or of a million messages: order and
// visibility come from sort keys, never from reading messages one by one
// (in a table of several shards, a nearly empty queue's pop may read each).
// Every call is atomic and safe from many threads and processes at once.
// Queue names are 1 to 512 bytes of UTF-8; payloads up to 256 KiB of any
// bytes. Errors common to all calls: InvalidArgument, UnknownTable, IoError.
#ifndef KVSTORE_QUEUE_H_
#define KVSTORE_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/fence.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

inline constexpr Millis kDefaultVisibilityTimeout{30'000};

struct PushOptions {
  // Higher pops first. Default 0.
  int64_t priority = 0;
  // Invisible for this long after the push. Default 0.
  Millis delay = Millis(0);
  // Apply only while every fence holds (fence.h): ConditionFailed naming
  // the lost one otherwise. Default: none.
  Fences fences{};
};

struct PopOptions {
  // How long a popped message stays invisible unless acked. Default 30 s.
  Millis visibility_timeout = kDefaultVisibilityTimeout;
  // How long to wait for a message when the queue is empty. Default 0.
  Millis wait = Millis(0);
  // Move a message to "<queue>.dlq" once it has been delivered this many
  // times without an ack. Default 0: never.
  int64_t max_receives = 0;
};

struct Message {
  std::string id;                 // unique within the queue
  std::string receipt{};          // for ack/nack (empty in peek)
  int64_t receive_count = 0;      // deliveries so far, this one included
  int64_t priority = 0;
  std::string payload{};
};

struct QueueSize {
  size_t visible = 0;    // would be delivered by the next pops
  size_t in_flight = 0;  // delivered, not acked, visibility timeout running
  size_t delayed = 0;    // pushed with a delay that has not passed yet
};

class Queues {
 public:
  explicit Queues(Table table) : table_(std::move(table)) {}

  // Adds a message; returns its id.
  Result<std::string> Push(std::string_view queue, std::string_view payload, const PushOptions& options = {});

  // Delivers the next visible message. NotFound when the queue stays empty
  // for options.wait.
  Result<Message> Pop(std::string_view queue, const PopOptions& options = {});

  // Deletes the message of this delivery. ConditionFailed when the receipt is
  // stale (delivered again since, or already acked); InvalidArgument when it
  // is not a receipt at all.
  Status Ack(std::string_view queue, std::string_view receipt);

  // Makes the message of this delivery visible again after `delay` (0: now),
  // without waiting for its visibility timeout. ConditionFailed when stale.
  Status Nack(std::string_view queue, std::string_view receipt, Millis delay = Millis(0));

  // The next `count` visible messages in pop order, changing nothing.
  Result<std::vector<Message>> Peek(std::string_view queue, size_t count = 1);

  // How many messages are visible, in flight and delayed. The three counts
  // are read one after another, not as one snapshot (like SQS's approximate
  // counts): while pops run, a message moving between states can be missed
  // or counted twice. Exact when nothing pops meanwhile.
  Result<QueueSize> Size(std::string_view queue);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_QUEUE_H_
