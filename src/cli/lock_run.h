// lock-run: hold a lock while a command runs, the way flock(1),
// `etcdctl lock NAME cmd` and `consul lock` do.
#ifndef KVSTORE_CLI_LOCK_RUN_H_
#define KVSTORE_CLI_LOCK_RUN_H_

#include <string>
#include <vector>

#include "cli/command.h"
#include "kvstore/clock.h"

namespace kvstore::cli {

struct LockRunRequest {
  std::string table;
  std::string lock;
  Millis ttl{30'000};              // the lease, renewed every ttl/3 while the command runs
  Millis wait{0};                  // how long to wait for the lock
  int conflict_exit_code = 1;      // exit code when the lock is not acquired within wait
  std::vector<std::string> command;
};

// Acquires the lock, runs the command with KVSTORE_LOCK_TOKEN and
// KVSTORE_LOCK_OWNER set in a process group of its own, renews the lease in
// the background (the library's LeaseKeeper), forwards signals sent to kvstore to that group, and
// releases the lock when the command ends. The exit code is the command's (128 + N if killed by signal
// N). If the lease is lost, the command's group gets SIGTERM, then SIGKILL
// after a grace period (5 s, or the TTL if shorter), and kvstore exits 3.
Status RunLockRun(Invocation& inv, const LockRunRequest& request);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_LOCK_RUN_H_
