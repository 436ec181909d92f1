#include "storage/sqlite/change_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace kvstore::storage::sqlite {
namespace {

class InotifyWatch final : public ChangeWatch {
 public:
  explicit InotifyWatch(int fd) : fd_(fd) {}
  ~InotifyWatch() override { close(fd_); }

  bool Wait(Millis timeout) override {
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    Drain();
    return true;
  }

 private:
  // Events that arrived meanwhile are one wake-up, not many.
  void Drain() {
    alignas(inotify_event) char buffer[4096];
    while (read(fd_, buffer, sizeof buffer) > 0) {
    }
  }

  int fd_;
};

}  // namespace

std::unique_ptr<ChangeWatch> WatchWalFile(const std::string& wal_path) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return nullptr;
  if (inotify_add_watch(fd, wal_path.c_str(), IN_MODIFY) < 0) {
    close(fd);
    return nullptr;
  }
  return std::make_unique<InotifyWatch>(fd);
}

}  // namespace kvstore::storage::sqlite
