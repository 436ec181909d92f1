// Random numbers for tokens, owner names and jitter. Not for secrets: the
// values only have to differ between processes and deliveries.
#ifndef KVSTORE_UTIL_RANDOM_H_
#define KVSTORE_UTIL_RANDOM_H_

#include <cstdint>

namespace kvstore {

// One generator per thread, seeded once with 128 bits from the system's
// entropy source. Opening std::random_device costs more than a queue pop's
// own work on the embedded store, so it is done once, not per call.
uint64_t RandomU64();

}  // namespace kvstore

#endif  // KVSTORE_UTIL_RANDOM_H_
