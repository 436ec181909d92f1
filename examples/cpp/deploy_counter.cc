// Counts a deploy and records who made it, under a lock, in the store the
// first argument names (e.g. sqlite:/tmp/example.db). Prints the new count.
//
// Built against an installed kvstore with CMake (CMakeLists.txt here) or
// pkg-config:  g++ -std=c++20 deploy_counter.cc $(pkg-config --cflags --libs kvstore)
#include <cstdio>
#include <cstring>

#include "kvstore/counter.h"
#include "kvstore/kv.h"
#include "kvstore/lock.h"
#include "kvstore/store.h"
#include "kvstore/version.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: deploy_counter STORE_URL WHO\n");
    return 2;
  }
  if (std::strcmp(kvstore::Version(), KVSTORE_VERSION) != 0) {
    std::fprintf(stderr, "headers %s, library %s\n", KVSTORE_VERSION, kvstore::Version());
    return 3;
  }
  auto store = kvstore::Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 3;
  }
  kvstore::Status created = (*store)->CreateTable("deploys", {.if_not_exists = true});
  auto table = (*store)->OpenTable("deploys");
  if (!created.ok() || !table.ok()) return 3;

  // Hold the lock while counting; it is released when `held` goes.
  auto held = kvstore::Locks(*table).Hold("deploy", argv[2]);
  if (!held.ok()) {
    std::fprintf(stderr, "%s\n", held.status().message().c_str());
    return 1;
  }
  auto count = kvstore::Counters(*table).Add("count", 1);
  kvstore::Status recorded = kvstore::KeyValue(*table).Set("last-by", argv[2]);
  if (!count.ok() || !recorded.ok()) return 3;
  std::printf("%lld\n", static_cast<long long>(*count));
  return 0;
}
