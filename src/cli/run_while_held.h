// lock-run and sem-run: hold a lease (a lock, a semaphore slot) while a
// command runs, the way flock(1), `etcdctl lock NAME cmd` and `consul lock`
// do.
#ifndef KVSTORE_CLI_RUN_WHILE_HELD_H_
#define KVSTORE_CLI_RUN_WHILE_HELD_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "kvstore/clock.h"
#include "kvstore/lease_keeper.h"

namespace kvstore::cli {

// A lease just acquired, with what the command is told of it.
struct HeldLease {
  std::unique_ptr<RenewableLease> lease;
  int64_t token = 0;
  int64_t expires_at_ms = 0;
};

// Acquires the lease for `owner` (waiting as the command asked):
// ConditionFailed saying who holds it when it is not acquired.
using AcquireForRun = std::function<Result<HeldLease>(const std::string& owner)>;

struct RunWhileHeldRequest {
  std::string what;             // "lock 'deploy'": how messages name the lease
  std::string env_prefix;       // the command gets PREFIX_TOKEN and PREFIX_OWNER
  Millis ttl{30'000};           // the lease, renewed every ttl/3 while the command runs
  int conflict_exit_code = 1;   // exit code when the lease is not acquired
  std::vector<std::string> command;
};

// Acquires the lease under an owner ID of its own, runs the command with the
// token and owner in its environment in a process group of its own, renews
// the lease in the background (the library's LeaseKeeper), forwards signals
// sent to kvstore to that group, and releases the lease when the command
// ends. The exit code is the command's (128 + N if killed by signal N). If
// the lease is lost, the command's group gets SIGTERM, then SIGKILL after a
// grace period (5 s, or the TTL if shorter), and kvstore exits 3.
// --conflict-exit-code: 0..255, default 1.
Result<int> ConflictExitCode(const std::string& text);

Status RunWhileHeld(Invocation& inv, const RunWhileHeldRequest& request, const AcquireForRun& acquire);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_RUN_WHILE_HELD_H_
