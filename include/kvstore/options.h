// Options structs for opening a store and managing tables. Every field says
// what it does and its default; no call takes a bare bool.
#ifndef KVSTORE_OPTIONS_H_
#define KVSTORE_OPTIONS_H_

#include <memory>

#include "kvstore/clock.h"

namespace kvstore {

struct OpenOptions {
  // Source of time for TTLs and leases. Default (null): the system clock.
  std::shared_ptr<Clock> clock{};
};

struct CreateTableOptions {
  // Succeed quietly when the table already exists. Default: AlreadyExists.
  bool if_not_exists = false;
};

struct DropTableOptions {
  // Succeed quietly when the table does not exist. Default: UnknownTable.
  bool if_exists = false;
};

}  // namespace kvstore

#endif  // KVSTORE_OPTIONS_H_
