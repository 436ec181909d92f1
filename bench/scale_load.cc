// Load for the scaling bench (bench/scale.py): WORKERS threads, each a client
// of its own (a Store, so a connection of its own), run one workload against
// TABLE for SECONDS and count what succeeded. Errors are counted, not fatal:
// the bench's claim is that none reaches the caller.
//
//   set      keys named by the time they are written (as event logs and
//            job ids are): one sequence, whoever writes
//   inc      each worker adds to its own 64 counters in turn
//   hot-inc  every worker adds to one counter
//   sharded-inc  every worker adds to one counter of 16 shards (AddOnly)
//   queue    WORKERS producers push to one queue and WORKERS consumers pop
//            and ack; producers pause while the backlog exceeds 100 a
//            consumer, so what is measured is messages through, not a
//            backlog growing
//
// Usage: scale_load STORE_URL TABLE WORKLOAD WORKERS SECONDS
// Prints one JSON line: workload, workers, seconds, ops, ops_per_s,
// steady_ops_per_s (the second half's rate), pushes, errors, first_error.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kvstore/counter.h"
#include "kvstore/kv.h"
#include "kvstore/queue.h"
#include "kvstore/store.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kBacklogPerConsumer = 100;

struct Totals {
  int64_t consumers = 0;
  std::atomic<int64_t> ops{0};
  std::atomic<int64_t> pushes{0};
  std::atomic<int64_t> errors{0};
  std::mutex mu;
  std::string first_error;

  void Failed(const kvstore::Status& status) {
    if (errors++ == 0) {
      std::lock_guard lock(mu);
      first_error = status.ToString();
    }
  }
};

std::string Numbered(const char* prefix, int worker, int64_t i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%d-%08lld", prefix, worker, static_cast<long long>(i));
  return buf;
}

// "000001764633600123456-w3": microseconds since the epoch, then the writer.
std::string TimeKey(int worker) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%021lld-w%d", static_cast<long long>(micros), worker);
  return buf;
}

void RunWorker(const std::string& url, const std::string& table_name, const std::string& workload, int worker,
               Clock::time_point until, Totals& totals) {
  auto store = kvstore::Store::Open(url);
  if (!store.ok()) return totals.Failed(store.status());
  auto table = (*store)->OpenTable(table_name);
  if (!table.ok()) return totals.Failed(table.status());
  kvstore::KeyValue kv(*table);
  kvstore::Counters counters(*table);
  kvstore::Queues queues(*table);
  const std::string value(100, 'v');
  bool producer = workload == "queue" && worker % 2 == 0;
  for (int64_t i = 0; Clock::now() < until; ++i) {
    kvstore::Status status;
    if (workload == "set") {
      status = kv.Set(TimeKey(worker), value);
    } else if (workload == "inc") {
      status = counters.Add(Numbered("c", worker, i % 64), 1).status();
    } else if (workload == "hot-inc") {
      status = counters.Add("hot", 1).status();
    } else if (workload == "sharded-inc") {
      status = counters.AddOnly("hot", 1);
    } else if (producer) {
      if (totals.pushes.load() - totals.ops.load() > kBacklogPerConsumer * totals.consumers) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      status = queues.Push("work", value).status();
      if (status.ok()) ++totals.pushes;
      continue;
    } else {
      auto message = queues.Pop("work");
      if (message.status().Is(kvstore::Status::Code::kNotFound)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      status = message.ok() ? queues.Ack("work", message->receipt) : message.status();
    }
    if (status.ok()) {
      ++totals.ops;
    } else {
      totals.Failed(status);
    }
  }
}

kvstore::Status DeclareShards(const std::string& url, const std::string& table_name) {
  auto store = kvstore::Store::Open(url);
  if (!store.ok()) return store.status();
  auto table = (*store)->OpenTable(table_name);
  if (!table.ok()) return table.status();
  return kvstore::Counters(*table).Shard("hot", 16);
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: scale_load STORE_URL TABLE set|inc|hot-inc|sharded-inc|queue WORKERS SECONDS\n");
    return 2;
  }
  std::string url = argv[1], table = argv[2], workload = argv[3];
  int workers = std::atoi(argv[4]);
  double seconds = std::atof(argv[5]);
  Totals totals;
  if (workload == "queue") {
    totals.consumers = workers;
    workers *= 2;  // as many producers as consumers
  }
  if (workload == "sharded-inc") {
    kvstore::Status declared = DeclareShards(url, table);
    if (!declared.ok()) {
      std::fprintf(stderr, "scale_load: %s\n", declared.ToString().c_str());
      return 1;
    }
  }
  auto started = Clock::now();
  auto until = started + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back(RunWorker, url, table, workload, w, until, std::ref(totals));
  }
  // The rate over the run's second half: the layout's steady state, after
  // the simulated partitions have split for the load.
  std::this_thread::sleep_until(started + (until - started) / 2);
  int64_t half_ops = totals.ops.load();
  auto half_at = Clock::now();
  for (std::thread& t : threads) t.join();
  auto ended = Clock::now();
  double took = std::chrono::duration<double>(ended - started).count();
  double steady = static_cast<double>(totals.ops.load() - half_ops) / std::chrono::duration<double>(ended - half_at).count();
  std::printf("{\"workload\":%s,\"workers\":%d,\"seconds\":%.2f,\"ops\":%lld,\"ops_per_s\":%.1f,"
              "\"steady_ops_per_s\":%.1f,\"pushes\":%lld,\"errors\":%lld,\"first_error\":%s}\n",
              JsonString(workload).c_str(), workers, took, static_cast<long long>(totals.ops.load()),
              static_cast<double>(totals.ops.load()) / took, steady, static_cast<long long>(totals.pushes.load()),
              static_cast<long long>(totals.errors.load()), JsonString(totals.first_error).c_str());
  return 0;
}
