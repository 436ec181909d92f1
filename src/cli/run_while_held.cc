#include "cli/run_while_held.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "cli/args.h"
#include "cli/exit_codes.h"
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

// Ends the command when its lease is lost: SIGTERM to its process group,
// then SIGKILL once the grace period passes unless it has ended by then.
class CommandEnder {
 public:
  CommandEnder(pid_t child, Millis grace) : child_(child), grace_(grace) {}

  void End() {
    kill(-child_, SIGTERM);
    std::unique_lock lock(mu_);
    if (!exited_changed_.wait_for(lock, grace_, [this] { return exited_; })) kill(-child_, SIGKILL);
  }

  void Exited() {
    {
      std::lock_guard lock(mu_);
      exited_ = true;
    }
    exited_changed_.notify_all();
  }

 private:
  const pid_t child_;
  const Millis grace_;
  std::mutex mu_;
  std::condition_variable exited_changed_;
  bool exited_ = false;
};

constexpr Millis kGrace{5'000};

// Starts the command; -1 with errno on failure.
pid_t Spawn(const RunWhileHeldRequest& request, int64_t token, const std::string& owner) {
  // Built before fork: the child only calls what is safe there.
  std::string token_var = request.env_prefix + "_TOKEN";
  std::string owner_var = request.env_prefix + "_OWNER";
  const std::vector<std::string>& command = request.command;
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  setenv(token_var.c_str(), std::to_string(token).c_str(), 1);
  setenv(owner_var.c_str(), owner.c_str(), 1);
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

Result<int> ConflictExitCode(const std::string& text) {
  if (text.empty()) return 1;
  auto code = ParseCount("--conflict-exit-code", text, 255);
  if (!code.ok()) return code.status();
  return static_cast<int>(*code);
}

Status RunWhileHeld(Invocation& inv, const RunWhileHeldRequest& request, const AcquireForRun& acquire) {
  std::string owner = MakeOwner();
  auto acquired = acquire(owner);
  if (!acquired.ok()) {
    if (acquired.status().Is(Status::Code::kConditionFailed)) inv.SetExitCode(request.conflict_exit_code);
    return acquired.status();
  }

  inv.LiftDeadline();  // the command takes as long as it takes; each renewal is bounded by the request timeout
  InstallForwarding();
  pid_t child = Spawn(request, acquired->token, owner);
  if (child < 0) {
    (void)acquired->lease->Release();
    return Status::IoError(std::string("cannot start the command: ") + std::strerror(errno));
  }
  setpgid(child, child);  // also here, so no signal can race the child's own call
  g_child = child;
  CommandEnder ender(child, std::min(request.ttl, kGrace));
  LeaseKeeper keeper(std::move(acquired->lease), acquired->expires_at_ms, acquired->token, inv.clock(),
                     {.ttl = request.ttl, .on_lost = [&ender](const Status&) { ender.End(); }});
  int code = WaitForExit(child);
  g_child = 0;
  ender.Exited();
  inv.RestartDeadline();
  Status released = keeper.Release();
  if (keeper.lost()) {
    return Status::IoError("lost the " + request.what + " while the command ran (" +
                           keeper.lost_reason().message() + "); the command was terminated");
  }
  if (!released.ok()) std::fprintf(stderr, "kvstore: %s\n", released.message().c_str());
  inv.SetExitCode(code);
  return Status::Ok();
}

}  // namespace kvstore::cli
