// Scale workloads for sets and lists: the same operation on a small and a
// large collection in one run, so the ratio shows whether cost grows with
// size. The baseline beside scard is what a naive scard costs: SQLite
// counting the members' rows.
//
//   build/bench/collections_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "kvstore/batch.h"
#include "kvstore/kv.h"
#include "kvstore/list.h"
#include "kvstore/queue.h"
#include "kvstore/set.h"
#include "kvstore/store.h"

namespace {

// key-0000000, key-0000001, ...: "key-00001" prefixes exactly 100 of them.
std::string KeyName(int64_t i) {
  char name[32];
  std::snprintf(name, sizeof name, "key-%07lld", static_cast<long long>(i));
  return name;
}

// One store per size, filled once and shared by the benchmarks of a run.
struct Fixture {
  std::string path;
  std::unique_ptr<kvstore::Store> store;
  std::optional<kvstore::Table> table;
};

Fixture& Filled(int64_t size) {
  static std::map<int64_t, Fixture> fixtures;
  Fixture& f = fixtures[size];
  if (f.store) return f;
  f.path = (std::filesystem::temp_directory_path() / ("kvstore-bench-" + std::to_string(size) + ".db")).string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(f.path + suffix);
  f.store = std::move(kvstore::Store::Open(f.path).value());
  (void)f.store->CreateTable("bench");
  f.table.emplace(*f.store->OpenTable("bench"));
  kvstore::Sets sets(*f.table);
  kvstore::Lists lists(*f.table);
  std::vector<kvstore::BatchEntry> keys;
  for (int64_t i = 0; i < size; ++i) {
    keys.push_back({.key = KeyName(i), .value = "value"});
    if (keys.size() == 1000 || i + 1 == size) {
      (void)kvstore::Batch(*f.table).SetMany(keys);
      keys.clear();
    }
  }
  std::vector<std::string> chunk;
  for (int64_t i = 0; i < size; ++i) {
    chunk.push_back("member-" + std::to_string(i));
    if (chunk.size() == 99 || i + 1 == size) {
      (void)sets.Add("big", chunk);
      (void)lists.Push("big", kvstore::End::kBack, chunk);
      chunk.clear();
    }
  }
  return f;
}

void BM_SCard(benchmark::State& state) {
  Fixture& f = Filled(state.range(0));
  kvstore::Sets sets(*f.table);
  for (auto _ : state) benchmark::DoNotOptimize(sets.Count("big"));
}

void BM_SIsMember(benchmark::State& state) {
  Fixture& f = Filled(state.range(0));
  kvstore::Sets sets(*f.table);
  for (auto _ : state) benchmark::DoNotOptimize(sets.Contains("big", "member-7"));
}

// Baseline: counting the members' rows, as a store without a count would.
void BM_CountRowsBaseline(benchmark::State& state) {
  Fixture& f = Filled(state.range(0));
  sqlite3* db = nullptr;
  sqlite3_open_v2(f.path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM items WHERE tbl = 'bench' AND pk = CAST('s/big' AS BLOB)", -1, &stmt,
                     nullptr);
  for (auto _ : state) {
    sqlite3_step(stmt);
    benchmark::DoNotOptimize(sqlite3_column_int64(stmt, 0));
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

// One push and one pop at the front: the list's size stays the same.
void BM_LPushLPop(benchmark::State& state) {
  Fixture& f = Filled(state.range(0));
  kvstore::Lists lists(*f.table);
  for (auto _ : state) {
    (void)lists.Push("big", kvstore::End::kFront, {"x"});
    benchmark::DoNotOptimize(lists.Pop("big", kvstore::End::kFront));
  }
}

void BM_LRange100(benchmark::State& state) {
  Fixture& f = Filled(state.range(0));
  kvstore::Lists lists(*f.table);
  for (auto _ : state) benchmark::DoNotOptimize(lists.Range("big", -100, -1));
}

void BM_Get(benchmark::State& state) {
  Fixture& f = Filled(state.range(0));
  kvstore::KeyValue kv(*f.table);
  int64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(kv.Get(KeyName((i += 7919) % state.range(0))));
}

void BM_ListPrefix100(benchmark::State& state) {
  Fixture& f = Filled(state.range(0));
  kvstore::KeyValue kv(*f.table);
  for (auto _ : state) benchmark::DoNotOptimize(kv.List({.prefix = "key-00001"}));
}

// A queue of `size` ready messages, in its own store (filling it is one
// push, two writes, per message: about a minute for a million).
kvstore::Queues& FilledQueue(int64_t size) {
  static std::map<int64_t, Fixture> fixtures;
  static std::map<int64_t, kvstore::Queues> queues;
  Fixture& f = fixtures[size];
  if (f.store) return queues.at(size);
  f.path = (std::filesystem::temp_directory_path() / ("kvstore-bench-queue-" + std::to_string(size) + ".db")).string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(f.path + suffix);
  f.store = std::move(kvstore::Store::Open(f.path).value());
  (void)f.store->CreateTable("bench");
  f.table.emplace(*f.store->OpenTable("bench"));
  kvstore::Queues& q = queues.emplace(size, kvstore::Queues(*f.table)).first->second;
  for (int64_t i = 0; i < size; ++i) (void)q.Push("big", "job");
  return q;
}

// Pop and ack the head; a push (not timed) keeps the queue's size.
void BM_QueuePopAck(benchmark::State& state) {
  kvstore::Queues& queues = FilledQueue(state.range(0));
  for (auto _ : state) {
    auto message = queues.Pop("big");
    benchmark::DoNotOptimize(queues.Ack("big", message->receipt));
    state.PauseTiming();
    (void)queues.Push("big", "job");
    state.ResumeTiming();
  }
}

constexpr int64_t kSmall = 1'000;
constexpr int64_t kMedium = 100'000;
constexpr int64_t kLarge = 1'000'000;

BENCHMARK(BM_Get)->Arg(kSmall)->Arg(kMedium)->Arg(kLarge);
BENCHMARK(BM_ListPrefix100)->Arg(kSmall)->Arg(kMedium)->Arg(kLarge);
BENCHMARK(BM_SCard)->Arg(kSmall)->Arg(kLarge);
BENCHMARK(BM_CountRowsBaseline)->Arg(kSmall)->Arg(kLarge)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SIsMember)->Arg(kSmall)->Arg(kMedium)->Arg(kLarge);
BENCHMARK(BM_LPushLPop)->Arg(kSmall)->Arg(kMedium)->Arg(kLarge);
BENCHMARK(BM_LRange100)->Arg(kSmall)->Arg(kMedium)->Arg(kLarge);
BENCHMARK(BM_QueuePopAck)->Arg(kSmall)->Arg(kMedium)->Arg(kLarge);

}  // namespace

BENCHMARK_MAIN();
