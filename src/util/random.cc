#include "util/random.h"

#include <random>

namespace kvstore {

uint64_t RandomU64() {
  thread_local std::mt19937_64 generator = [] {
    std::random_device entropy;
    std::seed_seq seed{entropy(), entropy(), entropy(), entropy()};
    return std::mt19937_64(seed);
  }();
  return generator();
}

}  // namespace kvstore
