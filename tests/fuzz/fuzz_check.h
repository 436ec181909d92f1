// A check that holds in every build of a fuzz target (assert vanishes with
// NDEBUG): a broken invariant aborts, which the fuzzer reports as a crash.
#ifndef KVSTORE_TESTS_FUZZ_FUZZ_CHECK_H_
#define KVSTORE_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                          \
  do {                                                                                 \
    if (!(condition)) {                                                                \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

#endif  // KVSTORE_TESTS_FUZZ_FUZZ_CHECK_H_
