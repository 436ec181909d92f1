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

Store::Store(std::unique_ptr<storage::Engine> engine, std::shared_ptr<Clock> clock)
    : engine_(std::move(engine)), clock_(std::move(clock)) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(std::string_view url_text, const OpenOptions& options) {
  std::string chosen = url_text.empty() ? DefaultStoreUrl(GetEnv) : std::string(url_text);
  auto url = ParseStoreUrl(chosen);
  if (!url.ok()) return url.status();
  std::shared_ptr<Clock> clock = options.clock ? options.clock : SystemClock::Shared();
  Result<std::unique_ptr<storage::Engine>> engine = Status::InvalidArgument("unknown store");
  if (url->scheme == StoreUrl::Scheme::kDynamoDb) {
    auto config = storage::dynamodb::LoadAwsConfig(url->endpoint, GetEnv);
    if (!config.ok()) return config.status();
    engine = storage::dynamodb::OpenDynamoDbEngine(std::move(*config), clock);
  } else {
    engine = storage::sqlite::OpenSqliteEngine({.path = url->path, .durability = url->durability, .clock = clock});
  }
  if (!engine.ok()) return engine.status();
  return std::unique_ptr<Store>(new Store(std::move(*engine), std::move(clock)));
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
  return Table(engine_.get(), clock_.get(), std::string(name));
}

}  // namespace kvstore
