#include "kvstore/store.h"

#include <cstdlib>

#include "engine_table.h"
#include "primitives/layout.h"
#include "storage/engine.h"
#include "storage/limits.h"
#include "store_url.h"

namespace kvstore {
namespace {

const char* GetEnv(const char* name) { return std::getenv(name); }

}  // namespace

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
  const EngineEntry* entry = FindEngine(url->scheme);  // ParseStoreUrl found it
  auto engine = entry->open(*url, options, clock);
  if (!engine.ok()) return engine.status();
  return std::unique_ptr<Store>(
      new Store(std::move(*engine), std::move(clock), options.max_clock_skew.value_or(entry->default_clock_skew)));
}

Result<TableLayout> Table::Layout() const { return engine_->Layout(name_); }

Status Store::CreateTable(std::string_view name, const CreateTableOptions& options) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(name));
  KVSTORE_RETURN_IF_ERROR(storage::ValidateLayout(options));
  return engine_->CreateTable(std::string(name), options);
}

Status Store::DropTable(std::string_view name, const DropTableOptions& options) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(name));
  return engine_->DropTable(std::string(name), options);
}

Result<std::vector<std::string>> Store::ListTables() { return engine_->ListTables(); }

StoreStats Store::stats() const { return engine_->Stats(); }

Result<StoreInfo> Store::Info(std::optional<std::string_view> table) {
  if (table) KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(*table));
  auto info = engine_->Info(table ? std::optional<std::string>(*table) : std::nullopt);
  if (!info.ok()) return info;
  for (TableInfo& t : info->tables) {
    for (TypeCount& count : t.types) {
      if (const char* type = layout::TypeNameOfKind(count.type)) count.type = type;
    }
  }
  return info;
}

Status Store::Backup(std::string_view dest, const BackupOptions& options) {
  return engine_->Backup(std::string(dest), options);
}

Result<CheckpointReport> Store::Checkpoint() { return engine_->Checkpoint(); }

Result<VacuumReport> Store::Vacuum(const ProgressCallback& progress) { return engine_->Vacuum(progress); }

Result<CheckReport> Store::Check() { return engine_->Check(); }

void Store::SetDeadline(std::optional<Deadline> deadline) { engine_->SetDeadline(deadline); }

Result<Table> Store::OpenTable(std::string_view name) {
  KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(name));
  return Table(engine_.get(), clock_.get(), max_clock_skew_, std::string(name));
}

}  // namespace kvstore
