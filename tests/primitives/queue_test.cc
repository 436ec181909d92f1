#include "kvstore/queue.h"

#include <algorithm>

#include "primitives/fixture.h"

namespace kvstore {
namespace {

using Code = Status::Code;

class QueueTest : public testing::StoreFixture {
 protected:
  Queues queues() { return Queues(table()); }
  std::string Push(const std::string& payload, PushOptions options = {}) {
    auto id = queues().Push("jobs", payload, options);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }
  Result<Message> Pop(PopOptions options = {}) { return queues().Pop("jobs", options); }
  std::string PopPayload(PopOptions options = {}) {
    auto m = Pop(options);
    return m.ok() ? m->payload : "<" + m.status().message() + ">";
  }
  QueueSize Size() { return *queues().Size("jobs"); }
  std::vector<Message> Peek(size_t n) { return *queues().Peek("jobs", n); }
  TableLayout Layout() { return *table().Layout(); }
  // Whether a queue's messages all share one shard: the order is then the
  // queue's, not each shard's.
  bool OneShard() { return Layout().shards == 1; }
};

TEST_P(QueueTest, FifoWithinAPriorityHigherPriorityFirst) {
  Push("a");
  Push("b");
  Push("urgent", {.priority = 10});
  Push("c");
  Push("meh", {.priority = -1});
  Push("urgent2", {.priority = 10});
  std::vector<std::string> popped;
  for (int i = 0; i < 6; ++i) popped.push_back(PopPayload());
  EXPECT_TRUE(Pop().status().Is(Code::kNotFound));
  if (OneShard()) {
    EXPECT_EQ(popped, (std::vector<std::string>{"urgent", "urgent2", "a", "b", "c", "meh"}));
  } else {  // each shard in its own order, none across shards
    std::sort(popped.begin(), popped.end());
    EXPECT_EQ(popped, (std::vector<std::string>{"a", "b", "c", "meh", "urgent", "urgent2"}));
  }
}

TEST_P(QueueTest, AStrictFifoQueueKeepsItsOrderInEveryLayout) {
  for (const char* payload : {"a", "b", "c", "d", "e", "f", "g", "h"}) ASSERT_TRUE(queues().Push("jobs.fifo", payload).ok());
  ASSERT_TRUE(queues().Push("jobs.fifo", "urgent", {.priority = 1}).ok());
  std::string order;
  for (int i = 0; i < 9; ++i) order += queues().Pop("jobs.fifo")->payload + " ";
  EXPECT_EQ(order, "urgent a b c d e f g h ");
}

TEST_P(QueueTest, PushReturnsIncreasingIds) {
  std::string a = Push("a"), b = Push("b");
  if (Layout().version == 1) {
    EXPECT_EQ(a, "1");
    EXPECT_EQ(b, "2");
  }
  EXPECT_LT(std::stoll(a), std::stoll(b)) << "one producer's ids increase";
  EXPECT_EQ(*queues().Push("ids.fifo", "x"), "1") << "a strict-FIFO queue counts its messages";
  EXPECT_EQ(*queues().Push("ids.fifo", "y"), "2");
  auto m = Pop();
  if (OneShard()) {
    EXPECT_EQ(m->id, a);
  }
  EXPECT_EQ(m->receive_count, 1);
  EXPECT_FALSE(m->receipt.empty());
}

TEST_P(QueueTest, PoppedMessageIsInvisibleUntilItsTimeoutThenRedelivered) {
  Push("job");
  auto first = Pop({.visibility_timeout = Millis(1000)});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(Pop().status().Is(Code::kNotFound));
  EXPECT_EQ(Size().in_flight, 1u);
  clock_->Advance(Millis(1000));
  EXPECT_EQ(Size().visible, 1u);
  auto second = Pop();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->receive_count, 2);
  EXPECT_NE(second->receipt, first->receipt);
  // Only the latest delivery's receipt acks.
  EXPECT_TRUE(queues().Ack("jobs", first->receipt).Is(Code::kConditionFailed));
  EXPECT_TRUE(queues().Ack("jobs", second->receipt).ok());
  EXPECT_TRUE(queues().Ack("jobs", second->receipt).Is(Code::kConditionFailed));
  QueueSize size = Size();
  EXPECT_EQ(size.visible + size.in_flight + size.delayed, 0u);
}

TEST_P(QueueTest, AckAfterTimeoutButBeforeRedeliveryStillWorks) {
  Push("job");
  auto m = Pop({.visibility_timeout = Millis(100)});
  clock_->Advance(Millis(200));
  ASSERT_EQ(Size().visible, 1u);
  EXPECT_TRUE(Peek(1).size() == 1);
  EXPECT_TRUE(queues().Ack("jobs", m->receipt).ok());
  EXPECT_TRUE(Pop().status().Is(Code::kNotFound));
}

TEST_P(QueueTest, DelayedMessageAppearsWhenItsDelayPasses) {
  Push("later", {.delay = Millis(500)});
  Push("now");
  EXPECT_EQ(Size().delayed, 1u);
  EXPECT_EQ(Size().visible, 1u);
  EXPECT_EQ(PopPayload(), "now");
  EXPECT_TRUE(Pop().status().Is(Code::kNotFound));
  clock_->Advance(Millis(500));
  EXPECT_EQ(PopPayload(), "later");
}

TEST_P(QueueTest, PopWaitsForAMessage) {
  Push("later", {.delay = Millis(300)});
  int64_t start = clock_->NowMillis();
  EXPECT_EQ(PopPayload({.wait = Millis(1000)}), "later");
  EXPECT_GE(clock_->NowMillis() - start, 300);
  start = clock_->NowMillis();
  EXPECT_TRUE(Pop({.wait = Millis(200)}).status().Is(Code::kNotFound));
  EXPECT_EQ(clock_->NowMillis() - start, 200);
}

TEST_P(QueueTest, NackMakesAMessageVisibleAgainEarly) {
  Push("job");
  auto m = Pop({.visibility_timeout = Millis(60000)});
  ASSERT_TRUE(queues().Nack("jobs", m->receipt).ok());
  auto again = Pop();
  EXPECT_EQ(again->receive_count, 2);
  EXPECT_TRUE(queues().Nack("jobs", m->receipt).Is(Code::kConditionFailed)) << "stale receipt";
  ASSERT_TRUE(queues().Nack("jobs", again->receipt, Millis(1000)).ok());
  // Layout 2 counts it in flight, as SQS does after ChangeMessageVisibility.
  EXPECT_EQ(Layout().version == 1 ? Size().delayed : Size().in_flight, 1u);
  EXPECT_TRUE(Pop().status().Is(Code::kNotFound));
  clock_->Advance(Millis(1000));
  EXPECT_EQ(Pop()->receive_count, 3);
}

TEST_P(QueueTest, MaxReceivesMovesToDeadLetterQueue) {
  Push("poison");
  PopOptions options{.visibility_timeout = Millis(100), .max_receives = 2};
  EXPECT_EQ(PopPayload(options), "poison");
  clock_->Advance(Millis(100));  // not acked
  auto second = Pop(options);
  EXPECT_EQ(second->payload, "poison");
  EXPECT_EQ(second->receive_count, 2);
  Push("fine");
  clock_->Advance(Millis(100));
  auto fine = Pop(options);
  EXPECT_EQ(fine->payload, "fine") << "poison is not delivered a third time";
  ASSERT_TRUE(queues().Ack("jobs", fine->receipt).ok());
  EXPECT_TRUE(Pop(options).status().Is(Code::kNotFound)) << "poison went to the dead-letter queue";
  auto dead = queues().Pop("jobs.dlq");
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  EXPECT_EQ(dead->payload, "poison");
  EXPECT_EQ(dead->receive_count, 3) << "its receives so far, and this one";
}

TEST_P(QueueTest, PeekChangesNothing) {
  Push("a");
  Push("b", {.priority = 1});
  std::vector<Message> peeked = Peek(5);
  ASSERT_EQ(peeked.size(), 2u);
  EXPECT_EQ(peeked[0].payload, "b");
  EXPECT_EQ(peeked[1].payload, "a");
  EXPECT_TRUE(peeked[0].receipt.empty());
  EXPECT_EQ(Size().visible, 2u);
  std::string popped = PopPayload();
  if (OneShard()) {
    EXPECT_EQ(popped, "b");
  }
  EXPECT_EQ(Peek(5).size(), 1u);
}

TEST_P(QueueTest, MessagesDueLaterDoNotHideTheOnesVisibleNow) {
  for (int i = 0; i < 300; ++i) Push("tomorrow", {.priority = 5, .delay = Millis(86'400'000)});
  Push("now", {.priority = 1});
  EXPECT_EQ(PopPayload(), "now");
  EXPECT_TRUE(Pop().status().Is(Code::kNotFound));
  EXPECT_EQ(Size().delayed, 300u);
}

TEST_P(QueueTest, QueuesAreSeparate) {
  Push("x");
  EXPECT_TRUE(queues().Pop("other").status().Is(Code::kNotFound));
  EXPECT_EQ(PopPayload(), "x");
}

TEST_P(QueueTest, BadInput) {
  EXPECT_TRUE(queues().Push("", "x").status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(queues().Push("q", std::string(262145, 'x')).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(queues().Push("q", "x", {.delay = Millis(-1)}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(queues().Pop("q", {.visibility_timeout = Millis(0)}).status().Is(Code::kInvalidArgument));
  EXPECT_TRUE(queues().Ack("q", "not-a-receipt").Is(Code::kInvalidArgument));
  EXPECT_TRUE(queues().Peek("q", 0).status().Is(Code::kInvalidArgument));
  EXPECT_EQ(queues().Size("q")->visible, 0u);
}

// A clock that steps back (NTP) must not date this process's next messages
// in the future, where pops would pass them by.
TEST_P(QueueTest, AClockSteppingBackDoesNotHideNewMessages) {
  clock_->Advance(Millis(60'000));
  Push("pushed before the step");
  clock_->Advance(Millis(-60'000));
  Push("pushed after the step");
  std::vector<std::string> popped;
  for (int i = 0; i < 2; ++i) {
    auto m = Pop();
    if (m.ok()) popped.push_back(m->payload);
  }
  EXPECT_NE(std::find(popped.begin(), popped.end(), "pushed after the step"), popped.end());
}

TEST_P(QueueTest, ManyInFlightMessagesDoNotHideTheReadyOnes) {
  if (!OneShard()) GTEST_SKIP() << "the order checked is one shard's";
  for (int i = 0; i < 3000; ++i) Push("m" + std::to_string(i));
  for (int i = 0; i < 2000; ++i) {
    auto popped = Pop({.visibility_timeout = Millis(60000)});
    ASSERT_TRUE(popped.ok()) << i << ": " << popped.status().ToString();
  }
  EXPECT_EQ(PopPayload(), "m2000");
  QueueSize size = Size();
  EXPECT_EQ(size.in_flight, 2001u);
  EXPECT_EQ(size.visible, 999u);
}

KVSTORE_ON_EVERY_STORE_AND_LAYOUT(QueueTest);

}  // namespace
}  // namespace kvstore
