// The lease keeper's renewal thread (lease_keeper.h): renew every
// renew_every, never count the lease past what the store granted, and report
// a loss once.
#include "kvstore/lease_keeper.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace kvstore {

class LeaseKeeper::Renewer {
 public:
  Renewer(std::unique_ptr<RenewableLease> lease, int64_t expires_at_ms, const Clock& clock,
          LeaseKeeperOptions options)
      : lease_(std::move(lease)),
        clock_(clock),
        options_(std::move(options)),
        lease_ends_(clock.ElapsedMillis() + (expires_at_ms - clock.NowMillis())) {
    thread_ = std::thread([this] { Run(); });
  }

  ~Renewer() { Stop(); }

  bool lost() const { return lost_.load(); }

  Status lost_reason() const {
    std::lock_guard lock(mu_);
    return lost_reason_;
  }

  // Stops the thread (idempotent), then gives the lease up once.
  Status Release() {
    Stop();
    std::lock_guard lock(release_mu_);
    if (released_) return Status::Ok();
    released_ = true;
    if (lost()) return lost_reason();
    return lease_->Release();
  }

 private:
  void Run() {
    const Millis interval = options_.renew_every.count() > 0 ? options_.renew_every
                                                             : std::max(options_.ttl / 3, Millis(1));
    while (!SleepUnlessStopped(interval)) {
      int64_t sent_at = clock_.ElapsedMillis();
      // Shared, so a renewal still hanging when the keeper gives up can
      // finish on its own thread without outliving the lease object.
      auto renewal = std::async(std::launch::async, [lease = lease_, ttl = options_.ttl] { return lease->Renew(ttl); });
      if (renewal.wait_for(Millis(std::max<int64_t>(lease_ends_ - sent_at, 0))) != std::future_status::ready) {
        Lose(Status::IoError("the store did not answer before the lease ran out"));
        return;
      }
      Status renewed = renewal.get();
      if (renewed.ok()) {
        lease_ends_ = sent_at + options_.ttl.count();
        continue;
      }
      // A store hiccup is tried again until the lease would run out.
      if (renewed.Is(Status::Code::kConditionFailed) || clock_.ElapsedMillis() >= lease_ends_) {
        Lose(std::move(renewed));
        return;
      }
    }
  }

  void Lose(Status why) {
    {
      std::lock_guard lock(mu_);
      lost_reason_ = why;
    }
    lost_ = true;
    if (options_.on_lost) options_.on_lost(why);
  }

  bool SleepUnlessStopped(Millis duration) {
    std::unique_lock lock(mu_);
    return wake_.wait_for(lock, duration, [this] { return stopped_; });
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

  std::shared_ptr<RenewableLease> lease_;
  const Clock& clock_;
  const LeaseKeeperOptions options_;
  int64_t lease_ends_;  // on clock_.ElapsedMillis(); only the thread touches it
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::atomic<bool> lost_{false};
  Status lost_reason_;
  std::mutex release_mu_;
  bool released_ = false;
  std::thread thread_;
};

LeaseKeeper::LeaseKeeper(std::unique_ptr<RenewableLease> lease, int64_t expires_at_ms, int64_t token,
                         const Clock& clock, LeaseKeeperOptions options)
    : renewer_(std::make_unique<Renewer>(std::move(lease), expires_at_ms, clock, std::move(options))),
      token_(token) {}

LeaseKeeper::~LeaseKeeper() { (void)renewer_->Release(); }

bool LeaseKeeper::lost() const { return renewer_->lost(); }

Status LeaseKeeper::lost_reason() const { return renewer_->lost_reason(); }

Status LeaseKeeper::Release() { return renewer_->Release(); }

}  // namespace kvstore
