// The one mapping from a Status to the process exit code (DESIGN.md):
// 0 done/yes, 1 negative answer, 2 bad usage or input, 3 the store failed.
#ifndef KVSTORE_CLI_EXIT_CODES_H_
#define KVSTORE_CLI_EXIT_CODES_H_

#include "kvstore/status.h"

namespace kvstore::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNo = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitStore = 3;

int ExitCodeFor(const Status& status);

// A short stable name for the status code, used in --json error documents
// ("not_found", "condition_failed", ...).
const char* CodeName(Status::Code code);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_EXIT_CODES_H_
