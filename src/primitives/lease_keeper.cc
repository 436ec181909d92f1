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
    // The thread's first step takes mu_, so it sees keeper_id_ set.
    std::lock_guard lock(mu_);
    thread_ = std::thread([this] { Run(); });
    keeper_id_ = thread_.get_id();
  }

  ~Renewer() {
    RequestStop();
    JoinOnce();
  }

  bool lost() const { return lost_.load(); }

  Status lost_reason() const {
    std::lock_guard lock(mu_);
    return lost_reason_;
  }

  // Stops the thread, then gives the lease up once. From on_lost (the
  // keeper's own thread) it cannot wait for that thread, and need not: the
  // thread renews no more once it has reported the loss.
  Status Release() {
    RequestStop();
    if (std::this_thread::get_id() != keeper_id_) JoinOnce();
    if (lost()) return lost_reason();  // nothing of ours to give up, however often asked
    std::lock_guard lock(release_mu_);
    if (released_) return Status::Ok();
    released_ = true;
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

  void RequestStop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    wake_.notify_all();
  }

  // Waits for the thread to end; callers other than the thread itself only.
  void JoinOnce() {
    std::lock_guard lock(join_mu_);
    if (thread_.joinable()) thread_.join();
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
  std::mutex join_mu_;
  std::thread thread_;
  std::thread::id keeper_id_;
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
