// Sets: unordered collections of distinct members (byte strings of 1 to 512
// bytes of UTF-8), with a member count kept beside them so scard is one read.
//
// Each Add/Remove is atomic for up to 99 members (one transaction); larger
// calls are applied in chunks of 99, each atomic. Safe from many threads and
// processes at once: concurrent adds and removes lose nothing. Set names do
// not clash with keys. Errors common to all calls: InvalidArgument,
// UnknownTable, IoError.
#ifndef KVSTORE_SET_H_
#define KVSTORE_SET_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

struct AddMembersOptions {
  // A set this call creates expires this long after (with all its
  // members); an existing set keeps its expiry (Expire changes it). Must be
  // > 0. Default: never expires.
  std::optional<Millis> ttl{};
};

class Sets {
 public:
  explicit Sets(Table table) : table_(std::move(table)) {}

  // Adds the members; returns how many were not already there.
  Result<size_t> Add(std::string_view set, const std::vector<std::string>& members,
                     const AddMembersOptions& options = {});
  // Removes the members; returns how many were there.
  Result<size_t> Remove(std::string_view set, const std::vector<std::string>& members);
  // Ok when member is in the set, NotFound when not.
  Status Contains(std::string_view set, std::string_view member);
  // All members in byte order; reads in proportion to the set's size.
  Result<std::vector<std::string>> Members(std::string_view set);
  // The number of members: one read, whatever the size.
  Result<size_t> Count(std::string_view set);

  // Time to live of the whole set: the time left, or nullopt when it
  // never expires. NotFound when there is no such set.
  Result<std::optional<Millis>> Ttl(std::string_view set);
  // Makes the set (every one of its items) expire `ttl` from now, or never
  // (Persist). One write per item, not atomic; NotFound when there is no
  // such set (nothing written).
  Status Expire(std::string_view set, Millis ttl);
  Status Persist(std::string_view set);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_SET_H_
