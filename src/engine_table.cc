// One row per engine: its scheme, what its URLs may say, and how to open it.
#include "engine_table.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "storage/dynamodb/aws_config.h"
#include "storage/dynamodb/dynamodb_engine.h"
#include "storage/limits.h"
#include "storage/sqlite/sqlite_engine.h"

namespace kvstore {
namespace {

const char* GetEnv(const char* name) { return std::getenv(name); }

// --- sqlite: one file on this machine ---------------------------------------

constexpr std::string_view kSqliteForms = "sqlite:PATH or a file path";

Status CheckSqliteUrl(const StoreUrl& url, std::string_view text) {
  if (!url.endpoint.empty()) return Status::InvalidArgument("store '" + std::string(text) + "': use " + std::string(kSqliteForms));
  if (url.path.empty()) return Status::InvalidArgument("store URL '" + std::string(text) + "' names no file");
  for (const std::string& option : url.options) {
    if (option != "sync=normal" && option != "sync=full") {
      return Status::InvalidArgument("unknown store option '" + option +
                                     "'; the sqlite store takes sync=normal or sync=full");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<storage::Engine>> OpenSqlite(const StoreUrl& url, const OpenOptions& options,
                                                    std::shared_ptr<Clock> clock) {
  struct stat st;
  if (options.must_exist && stat(url.path.c_str(), &st) != 0) {
    return Status::NotFound("store file " + url.path + " does not exist");
  }
  auto durability = storage::sqlite::Durability::kNormal;
  for (const std::string& option : url.options) {
    durability = option == "sync=full" ? storage::sqlite::Durability::kFull : storage::sqlite::Durability::kNormal;
  }
  return storage::sqlite::OpenSqliteEngine({.path = url.path, .durability = durability, .clock = std::move(clock)});
}

// --- dynamodb: Amazon DynamoDB or an endpoint that speaks its API -----------

constexpr std::string_view kDynamoDbForms = "dynamodb:, dynamodb+http://HOST:PORT or dynamodb+https://HOST:PORT";

Status CheckDynamoDbUrl(const StoreUrl& url, std::string_view text) {
  if (!url.path.empty() || !url.options.empty()) {
    return Status::InvalidArgument("store '" + std::string(text) + "': use " + std::string(kDynamoDbForms));
  }
  return Status::Ok();
}

Result<std::unique_ptr<storage::Engine>> OpenDynamoDb(const StoreUrl& url, const OpenOptions& options,
                                                      std::shared_ptr<Clock> clock) {
  auto config = storage::dynamodb::LoadAwsConfig(
      {.endpoint = url.endpoint, .profile = options.aws_profile, .region = options.aws_region}, GetEnv);
  if (!config.ok()) return config.status();
  if (options.table_prefix) config->table_prefix = *options.table_prefix;
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTablePrefix(config->table_prefix));
  return storage::dynamodb::OpenDynamoDbEngine(std::move(*config), std::move(clock));
}

// Processes on DynamoDB run on many machines; NTP keeps cloud hosts within
// milliseconds, so a second is a generous margin that still frees a crashed
// holder's lock promptly. The embedded store's processes share one clock.
const EngineEntry kEngines[] = {
    {.scheme = "sqlite", .forms = kSqliteForms, .default_clock_skew = Millis(0), .check = CheckSqliteUrl,
     .open = OpenSqlite},
    {.scheme = "dynamodb", .forms = kDynamoDbForms, .default_clock_skew = Millis(1'000), .check = CheckDynamoDbUrl,
     .open = OpenDynamoDb},
};

}  // namespace

const EngineEntry* FindEngine(std::string_view scheme) {
  for (const EngineEntry& entry : kEngines) {
    if (entry.scheme == scheme) return &entry;
  }
  return nullptr;
}

}  // namespace kvstore
