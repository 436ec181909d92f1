// crash_writer STORE TABLE PREFIX: sets PREFIX0, PREFIX1, ... and increments
// the counter PREFIX-count, printing each number on stdout only after both
// writes returned. The kill -9 test kills it at a random moment and checks
// that every acknowledged write is in the store.
#include <cstdio>

#include "kvstore/counter.h"
#include "kvstore/kv.h"
#include "kvstore/store.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: crash_writer STORE TABLE PREFIX\n");
    return 2;
  }
  auto store = kvstore::Store::Open(argv[1]);
  if (!store.ok()) return 3;
  auto table = (*store)->OpenTable(argv[2]);
  if (!table.ok()) return 2;
  kvstore::KeyValue kv(*table);
  kvstore::Counters counters(*table);
  std::string prefix = argv[3];
  for (long i = 0;; ++i) {
    if (!kv.Set(prefix + std::to_string(i), std::to_string(i)).ok()) return 3;
    if (!counters.Add(prefix + "-count", 1).ok()) return 3;
    std::printf("%ld\n", i);
    std::fflush(stdout);
  }
}
