// The queue calls of kvstore/queue.h: arguments checked once here, then
// served as the table's layout keeps queues (queue_ops.h).
#include "kvstore/queue.h"

#include "primitives/fence_checks.h"
#include "primitives/queue_ops.h"
#include "storage/engine.h"
#include "storage/limits.h"

namespace kvstore {
namespace queue_internal {

Result<std::unique_ptr<QueueOps>> OpenQueue(const Table& table, std::string_view queue) {
  auto layout = table.Layout();
  if (!layout.ok()) return layout.status();
  if (layout->version == 1) return QueueByState(table, queue);
  return ShardedQueue(table, queue, layout->shards);
}

}  // namespace queue_internal

namespace {

Status ValidateQueue(std::string_view queue) { return storage::ValidateName("queue name", queue); }

}  // namespace

Result<std::string> Queues::Push(std::string_view queue, std::string_view payload, const PushOptions& options) {
  KVSTORE_RETURN_IF_ERROR(ValidateQueue(queue));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateValue("payload", payload));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateWait("delay", options.delay));
  KVSTORE_RETURN_IF_ERROR(fence::Validate(options.fences));
  auto ops = queue_internal::OpenQueue(table_, queue);
  return ops.ok() ? (*ops)->Push(payload, options) : ops.status();
}

Result<Message> Queues::Pop(std::string_view queue, const PopOptions& options) {
  KVSTORE_RETURN_IF_ERROR(ValidateQueue(queue));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTtl("visibility timeout", options.visibility_timeout));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateWait("wait", options.wait));
  if (options.max_receives < 0) return Status::InvalidArgument("max receives must not be negative");
  auto ops = queue_internal::OpenQueue(table_, queue);
  return ops.ok() ? (*ops)->Pop(options) : ops.status();
}

Status Queues::Ack(std::string_view queue, std::string_view receipt) {
  KVSTORE_RETURN_IF_ERROR(ValidateQueue(queue));
  auto ops = queue_internal::OpenQueue(table_, queue);
  return ops.ok() ? (*ops)->Ack(receipt) : ops.status();
}

Status Queues::Nack(std::string_view queue, std::string_view receipt, Millis delay) {
  KVSTORE_RETURN_IF_ERROR(ValidateQueue(queue));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateWait("delay", delay));
  auto ops = queue_internal::OpenQueue(table_, queue);
  return ops.ok() ? (*ops)->Nack(receipt, delay) : ops.status();
}

Result<std::vector<Message>> Queues::Peek(std::string_view queue, size_t count) {
  KVSTORE_RETURN_IF_ERROR(ValidateQueue(queue));
  if (count == 0 || count > 1000) return Status::InvalidArgument("count must be from 1 to 1000");
  auto ops = queue_internal::OpenQueue(table_, queue);
  return ops.ok() ? (*ops)->Peek(count) : ops.status();
}

Result<QueueSize> Queues::Size(std::string_view queue) {
  KVSTORE_RETURN_IF_ERROR(ValidateQueue(queue));
  auto ops = queue_internal::OpenQueue(table_, queue);
  return ops.ok() ? (*ops)->Size() : ops.status();
}

}  // namespace kvstore
