#include "cli/lock_run.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <future>
#include <mutex>

#include <thread>

#include "cli/exit_codes.h"
#include "kvstore/lock.h"
#include "util/random.h"

namespace kvstore::cli {
namespace {

std::atomic<pid_t> g_child{0};

// The command runs in a process group of its own, so that ending it ends
// everything it started (a lock must not outlive its lease in a grandchild).
// Signals kvstore receives, from the terminal or another process, go on to
// that group.
void ForwardSignal(int sig) {
  pid_t child = g_child.load();
  if (child > 0) kill(-child, sig);
}

void InstallForwarding() {
  struct sigaction action {};
  action.sa_handler = ForwardSignal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) sigaction(sig, &action, nullptr);
}

std::string MakeOwner() {
  char host[256] = "host";
  gethostname(host, sizeof host - 1);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(RandomU64()));
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

// Renews the lease every ttl/3 on its own thread. When it cannot (another
// owner has the lock, or the store failed or did not answer until the lease
// ran out) it terminates the command: SIGTERM, then SIGKILL after the grace
// period. The lease's end is kept on the steady clock, counted from the moment
// each renewal was sent, so a wall clock being set cannot stretch it.
class LeaseKeeper {
 public:
  LeaseKeeper(Locks& locks, const LockRunRequest& request, std::string owner, int64_t expires_at_ms,
              const Clock& clock)
      : locks_(locks),
        request_(request),
        owner_(std::move(owner)),
        clock_(clock),
        lease_ends_(clock.ElapsedMillis() + (expires_at_ms - clock.NowMillis())) {}

  void Start(pid_t child) {
    thread_ = std::thread([this, child] { Run(child); });
  }

  // Called once the command has ended.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  bool lost() const { return lost_; }
  const std::string& why() const { return why_; }

 private:
  void Run(pid_t child) {
    const Millis interval = std::max(request_.ttl / 3, Millis(1));
    while (!WaitFor(interval)) {
      int64_t sent_at = clock_.ElapsedMillis();
      auto renewal = std::async(std::launch::async,
                                [this] { return locks_.Extend(request_.lock, owner_, request_.ttl); });
      // A request that hangs must not keep the command running past the lease.
      if (renewal.wait_for(Millis(lease_ends_ - sent_at)) != std::future_status::ready) {
        Lose(child, "the store did not answer before the lease ran out");
        renewal.wait();
        return;
      }
      auto extended = renewal.get();
      if (extended.ok()) {
        lease_ends_ = sent_at + request_.ttl.count();
        continue;
      }
      // A store hiccup is retried until the lease would run out.
      bool gone =
          extended.status().Is(Status::Code::kConditionFailed) || clock_.ElapsedMillis() >= lease_ends_;
      if (!gone) continue;
      Lose(child, extended.status().message());
      return;
    }
  }

  void Lose(pid_t child, std::string why) {
    why_ = std::move(why);
    lost_ = true;
    Terminate(child);
  }

  void Terminate(pid_t child) {
    kill(-child, SIGTERM);
    if (!WaitFor(std::min(request_.ttl, kGrace))) kill(-child, SIGKILL);
  }

  // Sleeps up to `d`; true when stopped meanwhile.
  bool WaitFor(Millis d) {
    std::unique_lock lock(mu_);
    return wake_.wait_for(lock, d, [this] { return stopped_; });
  }

  static constexpr Millis kGrace{5'000};

  Locks& locks_;
  const LockRunRequest& request_;
  std::string owner_;
  const Clock& clock_;
  int64_t lease_ends_;  // on clock_.ElapsedMillis()
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::atomic<bool> lost_{false};
  std::string why_;
};

// Starts the command; -1 with errno on failure.
pid_t Spawn(const std::vector<std::string>& command, int64_t token, const std::string& owner) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  setenv("KVSTORE_LOCK_TOKEN", std::to_string(token).c_str(), 1);
  setenv("KVSTORE_LOCK_OWNER", owner.c_str(), 1);
  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  std::fprintf(stderr, "kvstore: cannot run '%s': %s\n", argv[0], std::strerror(errno));
  _exit(127);
}

int WaitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Status RunLockRun(Invocation& inv, const LockRunRequest& request) {
  auto table = inv.table(request.table);
  if (!table.ok()) return table.status();
  Locks locks(*table);
  std::string owner = MakeOwner();
  auto acquired = locks.Acquire(request.lock, owner, {.ttl = request.ttl, .wait = request.wait});
  if (!acquired.ok()) return acquired.status();
  if (!acquired->acquired) {
    inv.SetExitCode(request.conflict_exit_code);
    return Status::ConditionFailed("lock '" + request.lock + "' is held by '" + acquired->lock.owner + "'");
  }

  InstallForwarding();
  pid_t child = Spawn(request.command, acquired->lock.token, owner);
  if (child < 0) {
    (void)locks.Release(request.lock, owner);
    return Status::IoError(std::string("cannot start the command: ") + std::strerror(errno));
  }
  setpgid(child, child);  // also here, so no signal can race the child's own call
  g_child = child;
  LeaseKeeper keeper(locks, request, owner, acquired->lock.expires_at_ms.value_or(0), inv.clock());
  keeper.Start(child);
  int code = WaitForExit(child);
  g_child = 0;
  keeper.Stop();

  if (keeper.lost()) {
    return Status::IoError("lost the lock '" + request.lock + "' while the command ran (" + keeper.why() +
                           "); the command was terminated");
  }
  Status released = locks.Release(request.lock, owner);
  if (!released.ok()) std::fprintf(stderr, "kvstore: %s\n", released.message().c_str());
  inv.SetExitCode(code);
  return Status::Ok();
}

}  // namespace kvstore::cli
