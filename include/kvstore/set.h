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

#include <string>
#include <string_view>
#include <vector>

#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

class Sets {
 public:
  explicit Sets(Table table) : table_(std::move(table)) {}

  // Adds the members; returns how many were not already there.
  Result<size_t> Add(std::string_view set, const std::vector<std::string>& members);
  // Removes the members; returns how many were there.
  Result<size_t> Remove(std::string_view set, const std::vector<std::string>& members);
  // Ok when member is in the set, NotFound when not.
  Status Contains(std::string_view set, std::string_view member);
  // All members in byte order; reads in proportion to the set's size.
  Result<std::vector<std::string>> Members(std::string_view set);
  // The number of members: one read, whatever the size.
  Result<size_t> Count(std::string_view set);

 private:
  Table table_;
};

}  // namespace kvstore

#endif  // KVSTORE_SET_H_
