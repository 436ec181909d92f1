// --if-lock LOCK:TOKEN and --if-leader GROUP:TERM, the flags of every fenced
// write (kvstore/fence.h): set, delete, inc, dec, queue-push.
#ifndef KVSTORE_CLI_FENCE_FLAGS_H_
#define KVSTORE_CLI_FENCE_FLAGS_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "kvstore/fence.h"
#include "kvstore/status.h"

namespace kvstore::cli {

// What exit 1 means for a write whose only negative answer is a lost fence.
inline constexpr const char* kFenceLost = "a fence (--if-lock, --if-leader) no longer held; nothing was written";

struct FenceFlags {
  std::vector<std::string> if_lock;
  std::vector<std::string> if_leader;
};

// Adds both flags to `cmd`; each may be given more than once.
void AddFenceFlags(CLI::App& cmd, FenceFlags& flags);

// The fences the flags name; InvalidArgument naming a malformed one.
Result<Fences> ParseFences(const FenceFlags& flags);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_FENCE_FLAGS_H_
