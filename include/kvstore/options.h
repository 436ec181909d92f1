// Options structs for opening a store and managing tables. Every field says
// what it does and its default; no call takes a bare bool.
#ifndef KVSTORE_OPTIONS_H_
#define KVSTORE_OPTIONS_H_

#include <memory>
#include <optional>
#include <string>

#include "kvstore/clock.h"

namespace kvstore {

struct OpenOptions {
  // Source of time for TTLs and leases. Default (null): the system clock.
  std::shared_ptr<Clock> clock{};
  // How far apart the clocks of the processes sharing the store may be. A
  // lease (lock, leader) stamped with its holder's clock is judged run out by
  // another process's clock only once its end is this far past. A waiter that
  // has itself watched a lease stay unchanged for the lease's whole duration
  // (timed on its own steady clock) takes it over whatever the clocks say.
  // Default: 0 on the embedded store (one machine, one clock), 1 s on
  // DynamoDB.
  std::optional<Millis> max_clock_skew{};
  // DynamoDB: put this before every table name, so several environments can
  // share an account ("staging-" makes table "jobs" DynamoDB's
  // "staging-jobs"). Default: $KVSTORE_TABLE_PREFIX, else none. Ignored by
  // the embedded store.
  std::optional<std::string> table_prefix{};
  // DynamoDB: the profile of the AWS files (~/.aws/config, ~/.aws/credentials)
  // to take credentials and region from, as `aws --profile`: its credentials
  // then come before the environment's keys. Default: $AWS_PROFILE, else
  // "default", after the environment's keys.
  std::optional<std::string> aws_profile{};
  // DynamoDB: the region. Default: $AWS_REGION, $AWS_DEFAULT_REGION, the
  // profile's region, else us-east-1.
  std::optional<std::string> aws_region{};
  // Open only a store that is already there: NotFound rather than creating
  // the embedded store's file (for readers that must leave nothing behind,
  // such as shell completion). Default: create it. DynamoDB ignores it.
  bool must_exist = false;
};

// A table's layout: where its items live (docs/scale.md). Fixed when the
// table is made. Layout 1 is kvstore 0.3's; layout 2 spreads named objects
// and queue messages over `shards` partitions on DynamoDB, so that a table's
// throughput is not one partition's, and keeps a queue message in one item.
inline constexpr int kCurrentLayout = 2;
inline constexpr int kMaxShards = 256;

struct TableLayout {
  int version = kCurrentLayout;  // 1 or 2
  int shards = 1;                // 1..kMaxShards; always 1 in layout 1
};

struct CreateTableOptions {
  // Succeed quietly when the table already exists. Default: AlreadyExists.
  bool if_not_exists = false;
  // The new table's layout (an existing table keeps its own). Default: the
  // current layout, with the store's default shard count: 1 on the embedded
  // store, kDefaultDynamoDbShards on DynamoDB.
  std::optional<int> layout{};
  std::optional<int> shards{};
};
inline constexpr int kDefaultDynamoDbShards = 8;

struct DropTableOptions {
  // Succeed quietly when the table does not exist. Default: UnknownTable.
  bool if_exists = false;
};

}  // namespace kvstore

#endif  // KVSTORE_OPTIONS_H_
