#include "kvstore/store.h"

#include <cstdlib>

#include "storage/dynamodb/aws_config.h"
#include "storage/dynamodb/dynamodb_engine.h"
#include "storage/engine.h"
#include "storage/limits.h"
#include "storage/sqlite/sqlite_engine.h"
#include "store_url.h"

namespace kvstore {
namespace {

const char* GetEnv(const char* name) { return std::getenv(name); }

}  // namespace

// Processes on DynamoDB run on many machines; NTP keeps cloud hosts within
// milliseconds, so a second is a generous margin that still frees a crashed
// holder's lock promptly.
constexpr Millis kDynamoDbClockSkew{1'000};

Store::Store(std::unique_ptr<storage::Engine> engine, std::shared_ptr<Clock> clock, Millis max_clock_skew)
    : engine_(std::move(engine)), clock_(std::move(clock)), max_clock_skew_(max_clock_skew) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(std::string_view url_text, const OpenOptions& options) {
  std::string chosen = url_text.empty() ? DefaultStoreUrl(GetEnv) : std::string(url_text);
  auto url = ParseStoreUrl(chosen);
  if (!url.ok()) return url.status();
  std::shared_ptr<Clock> clock = options.clock ? options.clock : SystemClock::Shared();
  if (options.max_clock_skew && options.max_clock_skew->count() < 0) {
    return Status::InvalidArgument("max clock skew must not be negative");
  }
  Result<std::unique_ptr<storage::Engine>> engine = Status::InvalidArgument("unknown store");
  Millis skew = Millis(0);
  if (url->scheme == StoreUrl::Scheme::kDynamoDb) {
    skew = kDynamoDbClockSkew;
    auto config = storage::dynamodb::LoadAwsConfig(url->endpoint, GetEnv);
    if (!config.ok()) return config.status();
    if (options.table_prefix) config->table_prefix = *options.table_prefix;
    KVSTORE_RETURN_IF_ERROR(storage::ValidateTablePrefix(config->table_prefix));
    engine = storage::dynamodb::OpenDynamoDbEngine(std::move(*config), clock);
  } else {
    engine = storage::sqlite::OpenSqliteEngine({.path = url->path, .durability = url->durability, .clock = clock});
  }
  if (!engine.ok()) return engine.status();
  return std::unique_ptr<Store>(
      new Store(std::move(*engine), std::move(clock), options.max_clock_skew.value_or(skew)));
}

Status Store::CreateTable(std::string_view name, const CreateTableOptions& options) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(name));
  return engine_->CreateTable(std::string(name), options);
}

Status Store::DropTable(std::string_view name, const DropTableOptions& options) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(name));
  return engine_->DropTable(std::string(name), options);
}

Result<std::vector<std::string>> Store::ListTables() { return engine_->ListTables(); }

StoreStats Store::stats() const { return engine_->Stats(); }

Result<Table> Store::OpenTable(std::string_view name) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(name));
  return Table(engine_.get(), clock_.get(), max_clock_skew_, std::string(name));
}

}  // namespace kvstore
