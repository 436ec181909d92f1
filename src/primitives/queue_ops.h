// The two ways a queue is kept, one per table layout (kvstore/options.h),
// behind the calls of kvstore/queue.h:
//   layout 1 (queue_by_state.cc): a partition per state and queue, a header
//     item holding the last sequence number (kvstore 0.3's tables);
//   layout 2 (queue_sharded.cc): one item per message, spread over the
//     table's shards, its state in its attributes.
// The public calls (queue.cc) validate their arguments first.
#ifndef KVSTORE_PRIMITIVES_QUEUE_OPS_H_
#define KVSTORE_PRIMITIVES_QUEUE_OPS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/queue.h"
#include "primitives/layout.h"
#include "storage/engine.h"
#include "util/random.h"

namespace kvstore::queue_internal {

// The message an item holds (its id is the end of its sort key, in both
// layouts); no receipt.
inline Message MessageOf(const storage::Item& item) {
  return Message{.id = std::to_string(layout::MessageSequence(item.key.sort)),
                 .receipt = "",
                 .receive_count = item.count.value_or(0),
                 .priority = item.number.value_or(0),
                 .payload = item.value.value_or("")};
}

// A delivery's token: only the latest delivery's receipt acks.
inline std::string NewDeliveryToken() { return layout::Hex64(RandomU64()); }

inline Status StaleReceipt() {
  return Status::ConditionFailed("the receipt is stale: the message was delivered again since, or already acked");
}

inline storage::Condition Unchanged(const storage::Item& item) {
  return storage::Condition::Equals(storage::Attr::kVersion, item.version);
}

class QueueOps {
 public:
  virtual ~QueueOps() = default;
  virtual Result<std::string> Push(std::string_view payload, const PushOptions& options) = 0;
  virtual Result<Message> Pop(const PopOptions& options) = 0;
  virtual Status Ack(std::string_view receipt) = 0;
  virtual Status Nack(std::string_view receipt, Millis delay) = 0;
  virtual Result<std::vector<Message>> Peek(size_t count) = 0;
  virtual Result<QueueSize> Size() = 0;
};

std::unique_ptr<QueueOps> QueueByState(const Table& table, std::string_view queue);
std::unique_ptr<QueueOps> ShardedQueue(const Table& table, std::string_view queue, int shards);

// The queue as its table's layout keeps it.
Result<std::unique_ptr<QueueOps>> OpenQueue(const Table& table, std::string_view queue);

// For export, import and query (queue_storage.cc): the table's queues and
// their messages as stored, whatever the layout.

// Every queue of the table whose name starts with `prefix`, in byte order:
// those with messages and those with a header (layout 1, and strict-FIFO
// queues), with the last id the header gave (0 without one).
struct QueueName {
  std::string name;
  int64_t last_id = 0;
};
Result<std::vector<QueueName>> ListQueues(const Table& table, const std::string& prefix);

// Every message item of a queue: layout 1 ready, in flight, then delayed;
// layout 2 by priority, then id (all shards merged).
Status ForEachMessage(const Table& table, std::string_view queue, const std::function<Status(const storage::Item&)>& each);

// The item a message becomes (an imported one): where it sorts by its id.
// `visible_at` is absent for a message visible now.
storage::Item StoredMessage(const TableLayout& layout, std::string_view queue, int64_t priority, int64_t id,
                            std::string payload, int64_t receive_count, std::optional<int64_t> visible_at);

// Whether the layout keeps a header item for the queue (layout.h's
// QueueHeaderKey), holding its last id.
bool HasHeader(const TableLayout& layout, std::string_view queue);

}  // namespace kvstore::queue_internal

#endif  // KVSTORE_PRIMITIVES_QUEUE_OPS_H_
