// Leader election: at most one leader per group at a time, chosen by lease.
//
// A candidate campaigns; it becomes leader if the group has none or the
// leader's lease has passed, and stays leader while it sends heartbeats
// within the TTL. Each change of leader increases the group's term, which
// never goes back (also across resignations and expiries) and serves as a
// fencing token. Only the leader can heartbeat or resign.
//
// Each call is one atomic conditional write or read, safe from many threads
// and processes. Group names and candidate IDs are 1 to 512 bytes of UTF-8.
// Errors common to all calls: InvalidArgument, UnknownTable, IoError.
#ifndef KVSTORE_LEADER_H_
#define KVSTORE_LEADER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

inline constexpr Millis kDefaultLeaderTtl{30'000};

struct LeaderInfo {
  std::string group;
  std::optional<std::string> leader{};     // empty when the group has no live leader
  int64_t term = 0;                        // the current (or last) term; 0 if never led
  std::optional<int64_t> expires_at_ms{};  // when the leader's lease ends
};

struct CampaignResult {
  bool elected = false;  // the candidate is the leader now
  LeaderInfo group;      // who leads (the candidate when elected)
};

class Elections {
 public:
  explicit Elections(Table table) : table_(std::move(table)) {}

  // Becomes leader if there is none or the lease passed (new term), or renews
  // the lease if `candidate` already leads (same term). Otherwise reports the
  // current leader with elected = false.
  Result<CampaignResult> Campaign(std::string_view group, std::string_view candidate,
                                  Millis ttl = kDefaultLeaderTtl);

  // Renews the leader's lease. ConditionFailed when `candidate` is not the
  // live leader (it must campaign again).
  Result<LeaderInfo> Heartbeat(std::string_view group, std::string_view candidate,
                               Millis ttl = kDefaultLeaderTtl);

  // Steps down; the term is kept, so the next leader gets a greater one.
  // ConditionFailed when `candidate` is not the live leader.
  Status Resign(std::string_view group, std::string_view candidate);

  // The current leader, if any. Read-only.
  Result<LeaderInfo> Check(std::string_view group);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_LEADER_H_
