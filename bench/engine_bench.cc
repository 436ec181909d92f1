// In-process cost of the embedded store, each workload beside its baseline:
// a raw SQLite loop of prepared statements doing the same SQL work on the
// same schema with the same pragmas and durability (WAL, synchronous=NORMAL,
// one commit per operation) -- the physical limit of the engine. Names:
// BM_X is kvstore, BM_RawX its baseline; docs/benchmarks.md shows the ratio.
//
//   build/bench/engine_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <memory>
#include <string>

#include "kvstore/counter.h"
#include "storage/sqlite/checksum.h"
#include "kvstore/kv.h"
#include "kvstore/queue.h"
#include "kvstore/store.h"

namespace {

std::string FreshPath(const std::string& name) {
  std::string path = (std::filesystem::temp_directory_path() / ("kvstore-engine-bench-" + name + ".db")).string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return path;
}

// A kvstore store with table "bench" and key "k" = "v".
struct KvstoreFixture {
  enum Shared { kShared };
  explicit KvstoreFixture(const std::string& name) : KvstoreFixture(FreshPath(name), kShared) {}
  // An existing store (or a new one) at `existing_path`, kept as it is.
  KvstoreFixture(std::string existing_path, Shared)
      : path(std::move(existing_path)), store(std::move(kvstore::Store::Open(path).value())) {
    (void)store->CreateTable("bench", {.if_not_exists = true});
    table.emplace(*store->OpenTable("bench"));
    (void)kvstore::KeyValue(*table).Set("k", "v");
  }
  std::string path;
  std::unique_ptr<kvstore::Store> store;
  std::optional<kvstore::Table> table;
};

// A file made by kvstore (its schema and pragmas, and key "k"), then driven
// with hand-written statements.
class RawSqlite {
 public:
  explicit RawSqlite(const std::string& name) {
    std::string path = KvstoreFixture(name).path;
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr);
    // The schema's checksum column is computed by kv_sum() on every write:
    // part of the SQL work the baseline must do too.
    if (!kvstore::storage::sqlite::RegisterChecksum(db_).ok()) std::abort();
    sqlite3_exec(db_, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr);
  }
  ~RawSqlite() { sqlite3_close(db_); }
  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// A baseline whose statement does not prepare measures nothing: stop.
sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "engine_bench: %s\n  in: %s\n", sqlite3_errmsg(db), sql);
    std::abort();
  }
  return stmt;
}

void Step(sqlite3_stmt* stmt) {
  while (sqlite3_step(stmt) == SQLITE_ROW) {
  }
  sqlite3_reset(stmt);
}

void BM_Set(benchmark::State& state) {
  KvstoreFixture f("set");
  kvstore::KeyValue kv(*f.table);
  for (auto _ : state) benchmark::DoNotOptimize(kv.Set("k", "v"));
}

void BM_RawSet(benchmark::State& state) {
  RawSqlite raw("rawset");
  sqlite3* db = raw.db();
  sqlite3_stmt* stmt = Prepare(db,
                               "INSERT INTO items(tbl, pk, sk, kind, value, version) VALUES('bench', X'6b', X'6b', "
                               "X'6b76', ?1, 1) ON CONFLICT(tbl, pk, sk) DO UPDATE SET value = excluded.value, "
                               "version = version + 1 RETURNING version");
  for (auto _ : state) {
    sqlite3_bind_blob(stmt, 1, "v", 1, SQLITE_STATIC);
    Step(stmt);
  }
  sqlite3_finalize(stmt);
}

void BM_Get(benchmark::State& state) {
  KvstoreFixture f("get");
  kvstore::KeyValue kv(*f.table);
  for (auto _ : state) benchmark::DoNotOptimize(kv.Get("k"));
}

void BM_RawGet(benchmark::State& state) {
  RawSqlite raw("rawget");
  sqlite3* db = raw.db();
  sqlite3_stmt* stmt = Prepare(db, "SELECT value, version FROM items WHERE tbl = 'bench' AND pk = X'6b' AND sk = ?1");
  for (auto _ : state) {
    sqlite3_bind_blob(stmt, 1, "k", 1, SQLITE_STATIC);
    Step(stmt);
  }
  sqlite3_finalize(stmt);
}

void BM_Inc(benchmark::State& state) {
  KvstoreFixture f("inc");
  kvstore::Counters counters(*f.table);
  for (auto _ : state) benchmark::DoNotOptimize(counters.Add("n", 1));
}

void BM_RawInc(benchmark::State& state) {
  RawSqlite raw("rawinc");
  sqlite3* db = raw.db();
  sqlite3_stmt* stmt = Prepare(db,
                               "INSERT INTO items(tbl, pk, sk, kind, num, version) VALUES('bench', X'6b', X'6e', "
                               "X'636f756e746572', 1, 1) ON CONFLICT(tbl, pk, sk) DO UPDATE SET num = num + 1, "
                               "version = version + 1 RETURNING num");
  for (auto _ : state) Step(stmt);
  sqlite3_finalize(stmt);
}

// A message pushed, popped and acked: kvstore's queue does three writes for
// it (header sequence, message, move to in flight) and a delete; the raw
// loop does the same four statements on a plain table.
void BM_QueuePushPopAck(benchmark::State& state) {
  KvstoreFixture f("queue");
  kvstore::Queues queues(*f.table);
  for (auto _ : state) {
    (void)queues.Push("q", "job");
    auto message = queues.Pop("q");
    (void)queues.Ack("q", message->receipt);
  }
}

void BM_RawQueuePushPopAck(benchmark::State& state) {
  RawSqlite raw("rawqueue");
  sqlite3* db = raw.db();
  sqlite3_stmt* seq = Prepare(db,
                              "INSERT INTO items(tbl, pk, sk, num, version) VALUES('bench', X'7168', X'71', 1, 1) "
                              "ON CONFLICT(tbl, pk, sk) DO UPDATE SET num = num + 1 RETURNING num");
  sqlite3_stmt* push = Prepare(db, "INSERT INTO items(tbl, pk, sk, value, version) VALUES('bench', X'71722f71', ?1, "
                                   "X'6a6f62', 1)");
  sqlite3_stmt* pop = Prepare(db,
                              "UPDATE items SET pk = X'71692f71', owner = X'72', version = version + 1 WHERE tbl = "
                              "'bench' AND pk = X'71722f71' AND sk = (SELECT min(sk) FROM items WHERE tbl = 'bench' AND "
                              "pk = X'71722f71') RETURNING sk");
  sqlite3_stmt* ack = Prepare(db, "DELETE FROM items WHERE tbl = 'bench' AND pk = X'71692f71' AND sk = ?1 AND owner = "
                                  "X'72'");
  for (auto _ : state) {
    sqlite3_step(seq);
    std::string key = std::to_string(sqlite3_column_int64(seq, 0));
    sqlite3_reset(seq);
    sqlite3_bind_blob(push, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    Step(push);
    sqlite3_step(pop);
    std::string popped(static_cast<const char*>(sqlite3_column_blob(pop, 0)), sqlite3_column_bytes(pop, 0));
    sqlite3_reset(pop);
    sqlite3_bind_blob(ack, 1, popped.data(), static_cast<int>(popped.size()), SQLITE_STATIC);
    Step(ack);
  }
  for (sqlite3_stmt* stmt : {seq, push, pop, ack}) sqlite3_finalize(stmt);
}

// Contention: several processes run these at once on one store (the file
// in $KVSTORE_BENCH_SHARED_STORE; bench/contention.py starts them), so the
// sum of their rates is the store's throughput under contention.
std::optional<KvstoreFixture> SharedStore(benchmark::State& state) {
  const char* path = std::getenv("KVSTORE_BENCH_SHARED_STORE");
  if (path == nullptr) {
    state.SkipWithError("KVSTORE_BENCH_SHARED_STORE is not set (bench/contention.py sets it)");
    return std::nullopt;
  }
  std::optional<KvstoreFixture> f;
  f.emplace(std::string(path), KvstoreFixture::kShared);
  return f;
}

void BM_SharedInc(benchmark::State& state) {
  auto f = SharedStore(state);
  if (!f) return;
  kvstore::Counters counters(*f->table);
  for (auto _ : state) benchmark::DoNotOptimize(counters.Add("n", 1));
}

void BM_SharedQueuePushPopAck(benchmark::State& state) {
  auto f = SharedStore(state);
  if (!f) return;
  kvstore::Queues queues(*f->table);
  int64_t failed = 0;  // a pop or ack that did not succeed: not the work measured
  for (auto _ : state) {
    (void)queues.Push("q", "job");
    auto message = queues.Pop("q");
    failed += !message.ok() || !queues.Ack("q", message->receipt).ok();
  }
  state.counters["failed"] = static_cast<double>(failed);
}

BENCHMARK(BM_Set);
BENCHMARK(BM_RawSet);
BENCHMARK(BM_Get);
BENCHMARK(BM_RawGet);
BENCHMARK(BM_Inc);
BENCHMARK(BM_RawInc);
BENCHMARK(BM_QueuePushPopAck);
BENCHMARK(BM_RawQueuePushPopAck);
BENCHMARK(BM_SharedInc);
BENCHMARK(BM_SharedQueuePushPopAck);

}  // namespace

BENCHMARK_MAIN();
