// queue-push, queue-pop, queue-ack, queue-nack, queue-peek, queue-size.
#include "cli/args.h"
#include "cli/command.h"
#include "cli/fence_flags.h"
#include "kvstore/queue.h"
#include "kvstore/limits.h"

namespace kvstore::cli {
namespace {

struct QueueArgs {
  std::string table;
  std::string queue;
  std::string payload;
  std::string priority;
  std::string delay;
  std::string visibility_timeout;
  std::string wait;
  std::string max_receives;
  std::string receipt;
  std::string count;
  FenceFlags fences;
};

Json MessageJson(const std::string& queue, const Message& m) {
  Json doc;
  PutBytes(doc, "queue", queue);
  doc["id"] = m.id;
  if (!m.receipt.empty()) doc["receipt"] = m.receipt;
  doc["receive_count"] = m.receive_count;
  doc["priority"] = m.priority;
  PutBytes(doc, "payload", m.payload);
  return doc;
}

Status RunPush(Invocation& inv, const QueueArgs& args) {
  auto payload = ValueOrStdin("payload", args.payload, kMaxValue);
  if (!payload.ok()) return payload.status();
  PushOptions options;
  if (!args.priority.empty()) {
    auto priority = ParseInt64("--priority", args.priority);
    if (!priority.ok()) return priority.status();
    options.priority = *priority;
  }
  auto delay = SecondsOr("--delay", args.delay, Millis(0));
  if (!delay.ok()) return delay.status();
  options.delay = *delay;
  KVSTORE_ASSIGN_OR_RETURN(options.fences, ParseFences(args.fences));
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto id = Queues(*table).Push(args.queue, *payload, options);
  if (!id.ok()) return id.status();
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "queue", args.queue);
    doc["id"] = *id;
    inv.out().Document(doc);
  } else {
    inv.out().Line(*id);
  }
  return Status::Ok();
}

Status RunPop(Invocation& inv, const QueueArgs& args) {
  PopOptions options;
  auto visibility = SecondsOr("--visibility-timeout", args.visibility_timeout, kDefaultVisibilityTimeout);
  if (!visibility.ok()) return visibility.status();
  options.visibility_timeout = *visibility;
  auto wait = SecondsOr("--wait", args.wait, Millis(0));
  if (!wait.ok()) return wait.status();
  options.wait = *wait;
  inv.AllowWaiting(*wait);
  if (!args.max_receives.empty()) {
    auto max = ParseCount("--max-receives", args.max_receives, 1'000'000);
    if (!max.ok()) return max.status();
    options.max_receives = static_cast<int64_t>(*max);
  }
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto message = Queues(*table).Pop(args.queue, options);
  if (!message.ok()) return message.status();
  if (inv.json()) {
    inv.out().Document(MessageJson(args.queue, *message));
  } else {
    // A header line a shell can `read`, then the payload bytes as they are.
    inv.out().Line(message->id + " " + message->receipt + " " + std::to_string(message->receive_count));
    inv.out().Raw(message->payload);
  }
  return Status::Ok();
}

Status RunAck(Invocation& inv, const QueueArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  return PrintDone(inv.out(), Queues(*table).Ack(args.queue, args.receipt), "queue", args.queue, "acked");
}

Status RunNack(Invocation& inv, const QueueArgs& args) {
  auto delay = SecondsOr("--delay", args.delay, Millis(0));
  if (!delay.ok()) return delay.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  return PrintDone(inv.out(), Queues(*table).Nack(args.queue, args.receipt, *delay), "queue", args.queue, "nacked");
}

Status RunPeek(Invocation& inv, const QueueArgs& args) {
  auto count = CountOr("--count", args.count, 1000, 1);
  if (!count.ok()) return count.status();
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto messages = Queues(*table).Peek(args.queue, *count);
  if (!messages.ok()) return messages.status();
  if (inv.json()) {
    Json doc = Json::array();
    for (const Message& m : *messages) doc.push_back(MessageJson(args.queue, m));
    inv.out().Document(doc);
  } else {
    for (const Message& m : *messages) {
      inv.out().Line("id " + m.id + ", priority " + std::to_string(m.priority) + ", received " +
                     std::to_string(m.receive_count) + " times: " + m.payload);
    }
  }
  return Status::Ok();
}

Status RunSize(Invocation& inv, const QueueArgs& args) {
  auto table = inv.table(args.table);
  if (!table.ok()) return table.status();
  auto size = Queues(*table).Size(args.queue);
  if (!size.ok()) return size.status();
  if (inv.json()) {
    Json doc;
    PutBytes(doc, "queue", args.queue);
    doc["visible"] = size->visible;
    doc["in_flight"] = size->in_flight;
    doc["delayed"] = size->delayed;
    inv.out().Document(doc);
  } else {
    inv.out().Line("visible " + std::to_string(size->visible) + ", in flight " + std::to_string(size->in_flight) +
                   ", delayed " + std::to_string(size->delayed));
  }
  return Status::Ok();
}

// A command on one queue: TABLE QUEUE, then what `more` declares.
void AddQueueCommand(CommandSet& commands, std::string_view name, const CommandDoc& doc,
                     const std::shared_ptr<QueueArgs>& args, Handler handler, Setup more = {}) {
  commands.Add(name, doc, std::move(handler),
               TableAnd("QUEUE", "queue name", &args->table, &args->queue, std::move(more)));
}

}  // namespace

void AddQueueCommands(CommandSet& commands) {
  auto args = std::make_shared<QueueArgs>();
  AddQueueCommand(
      commands, "queue-push",
      {Group::kQueues, "Add a message; prints its id", "kvstore queue-push app jobs '{\"resize\": 42}' --priority 5", kFenceLost},
      args, [args](Invocation& inv) { return RunPush(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("PAYLOAD", args->payload, "the message (up to 256 KiB); - reads it from stdin")->required();
        cmd.add_option("--priority", args->priority, "higher pops first (default 0)")->type_name("N");
        cmd.add_option("--delay", args->delay, "invisible for this many seconds")->type_name("SECONDS");
        AddFenceFlags(cmd, args->fences);
      });

  AddQueueCommand(
      commands, "queue-pop",
      {Group::kQueues, "Take the next message; prints its receipt and payload",
       "kvstore --json queue-pop app jobs --wait 20 --visibility-timeout 300", "the queue is empty (after --wait)"},
      args,
      [args](Invocation& inv) { return RunPop(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("--visibility-timeout", args->visibility_timeout,
                       "seconds before redelivery unless acked (default 30)")
            ->type_name("SECONDS");
        cmd.add_option("--wait", args->wait, "wait up to this many seconds for a message")->type_name("SECONDS");
        cmd.add_option("--max-receives", args->max_receives, "move a message delivered this often to QUEUE.dlq")
            ->type_name("N");
      });

  AddQueueCommand(
      commands, "queue-ack",
      {Group::kQueues, "Delete a delivered message", "kvstore queue-ack app jobs \"$receipt\"",
       "the receipt is stale: the message was redelivered or acked"},
      args, [args](Invocation& inv) { return RunAck(inv, *args); },
      [args](CLI::App& cmd) { cmd.add_option("RECEIPT", args->receipt, "the receipt queue-pop printed")->required(); });

  AddQueueCommand(
      commands, "queue-nack",
      {Group::kQueues, "Make a delivered message visible again", "kvstore queue-nack app jobs \"$receipt\" --delay 60",
       "the receipt is stale: the message was redelivered or acked"},
      args,
      [args](Invocation& inv) { return RunNack(inv, *args); },
      [args](CLI::App& cmd) {
        cmd.add_option("RECEIPT", args->receipt, "the receipt queue-pop printed")->required();
        cmd.add_option("--delay", args->delay, "visible again after this many seconds (default 0)")
            ->type_name("SECONDS");
      });

  AddQueueCommand(
      commands, "queue-peek",
      {Group::kQueues, "Show the next messages without taking them", "kvstore queue-peek app jobs --count 10",
       "the queue has no visible message"},
      args,
      [args](Invocation& inv) { return RunPeek(inv, *args); },
      [args](CLI::App& cmd) { cmd.add_option("--count", args->count, "how many (default 1, at most 1000)")->type_name("N"); });

  AddQueueCommand(commands, "queue-size",
                  {Group::kQueues, "Count visible, in-flight and delayed messages", "kvstore queue-size app jobs", ""},
                  args,
                  [args](Invocation& inv) { return RunSize(inv, *args); });
}

}  // namespace kvstore::cli
