// Rate limits shared by every process and machine using the store: a token
// bucket per name.
//
// A bucket holds up to `burst` tokens and gains `rate` tokens per `period`;
// a call that costs `cost` tokens is admitted when they are there and takes
// them. Across all callers, the tokens admitted in any stretch of time never
// exceed rate x time + burst (by one clock; clocks that disagree by S
// seconds can admit rate x S more).
//
// The bucket is one item holding its "theoretical arrival time" (GCRA, the
// token bucket's equivalent): the moment it will be full again. A call adds
// cost x (period / rate) to that moment in one conditional write, so no two
// callers can take the same tokens. When the bucket was full already, that
// write is refused and a second one starts it afresh from now: one write
// while the bucket is in use, two after it has sat full.
//
// Safe from many threads and processes at once. Names are 1 to 512 bytes of
// UTF-8 and do not clash with keys, locks or semaphores. Callers sharing a
// name should give it the same rate and burst: each call is judged by its
// own.
// Errors common to all calls: InvalidArgument, UnknownTable, IoError.
#ifndef KVSTORE_RATE_LIMIT_H_
#define KVSTORE_RATE_LIMIT_H_

#include <cstdint>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

struct RateLimitOptions {
  // `rate` tokens per `period`: 1 to 1,000,000 per second at most, and at
  // least one per 10 years. Required.
  int64_t rate = 0;
  Millis period = Millis(1000);
  // The most tokens the bucket holds (how many calls may come at once after
  // a quiet spell). Default 0: `rate`, one period's worth.
  int64_t burst = 0;
  // Tokens this call takes, 1 to burst. Default 1.
  int64_t cost = 1;
  // How long to keep trying when the tokens are not there. Default 0:
  // answer at once.
  Millis wait = Millis(0);
};

struct RateDecision {
  bool admitted = false;
  // Admitted: whole tokens left in the bucket after this call.
  int64_t remaining = 0;
  // Refused: how long until `cost` tokens will be there (if nobody else
  // takes them first).
  Millis retry_after{0};
};

class RateLimits {
 public:
  explicit RateLimits(Table table) : table_(std::move(table)) {}

  // Takes options.cost tokens from bucket `name` if they are there (waiting
  // up to options.wait for them); admitted = false with retry_after if not.
  Result<RateDecision> Take(std::string_view name, const RateLimitOptions& options);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_RATE_LIMIT_H_
