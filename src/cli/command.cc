// The invocation's store and table handles, and the command table (command.h).
#include "cli/command.h"

#include <cstdio>
#include <cstdlib>

#include "cli/args.h"

namespace kvstore::cli {

namespace {

// --table-prefix, and KVSTORE_MAX_CLOCK_SKEW (seconds), which overrides the
// store's default allowance for clocks that disagree
// (OpenOptions::max_clock_skew).
Result<OpenOptions> OpenOptionsFor(const GlobalFlags& flags) {
  OpenOptions options{.table_prefix = flags.table_prefix, .aws_profile = flags.aws_profile, .aws_region = flags.aws_region};
  const char* skew = std::getenv("KVSTORE_MAX_CLOCK_SKEW");
  if (skew && *skew) {
    auto parsed = ParseSeconds("KVSTORE_MAX_CLOCK_SKEW", skew);
    if (!parsed.ok()) return parsed.status();
    options.max_clock_skew = *parsed;
  }
  return options;
}

}  // namespace

Result<Store*> Invocation::store() {
  if (!store_) {
    auto options = OpenOptionsFor(flags_);
    if (!options.ok()) return options.status();
    auto opened = Store::Open(flags_.store, *options);
    if (!opened.ok()) return opened.status();
    store_ = std::move(*opened);
    ApplyDeadline();
    if (flags_.verbose) {
      std::fprintf(stderr, "kvstore: store %s\n", flags_.store.empty() ? "(default)" : flags_.store.c_str());
    }
  }
  return store_.get();
}

Result<Table> Invocation::table(const std::string& name) {
  table_name_ = name;
  auto s = store();
  if (!s.ok()) return s.status();
  return (*s)->OpenTable(name);
}

void Invocation::DefaultTimeout(Millis timeout) {
  default_timeout_ = timeout;
  ApplyDeadline();
}

void Invocation::NoDefaultTimeout() {
  default_timeout_.reset();
  ApplyDeadline();
}

void Invocation::AllowWaiting(Millis wait) {
  waiting_ += wait;
  ApplyDeadline();
}

void Invocation::LiftDeadline() {
  lifted_ = true;
  if (store_) store_->SetDeadline(std::nullopt);
}

void Invocation::RestartDeadline() {
  lifted_ = false;
  started_ = std::chrono::steady_clock::now();
  waiting_ = Millis(0);
  ApplyDeadline();
}

void Invocation::ApplyDeadline() {
  if (!store_ || lifted_) return;
  std::optional<Millis> timeout = flags_.timeout ? flags_.timeout : default_timeout_;
  store_->SetDeadline(timeout ? std::optional<Deadline>(started_ + *timeout + waiting_) : std::nullopt);
}

void Invocation::WarnOfUnreadableItems() {
  if (!store_) return;
  StoreStats s = store_->stats();
  if (s.unreadable_items == 0) return;
  std::fprintf(stderr, "kvstore: warning: skipped %d item%s kvstore cannot read; the first: %s\n", s.unreadable_items,
               s.unreadable_items == 1 ? "" : "s", s.first_unreadable.c_str());
}

void Invocation::ReportStats() {
  if (!store_) return;
  StoreStats s = store_->stats();
  if (!s.credentials_source.empty()) std::fprintf(stderr, "kvstore: AWS credentials from %s\n", s.credentials_source.c_str());
  if (s.counts_requests) {
    std::fprintf(stderr, "kvstore: %s: %d requests, %d retries, %.1f read units, %.1f write units\n",
                 s.backend.c_str(), s.requests, s.retries, s.read_units, s.write_units);
  }
}

std::string_view GroupTitle(Group group) {
  switch (group) {
    case Group::kTables: return "Tables";
    case Group::kKeys: return "Keys";
    case Group::kCounters: return "Counters";
    case Group::kLocks: return "Locks";
    case Group::kSemaphores: return "Semaphores";
    case Group::kRateLimits: return "Rate limits";
    case Group::kWatch: return "Watch and wait";
    case Group::kQueues: return "Queues";
    case Group::kLeader: return "Leader election";
    case Group::kSets: return "Sets";
    case Group::kLists: return "Lists";
    case Group::kBatchQuery: return "Batch and query";
    case Group::kStore: return "Store";
    case Group::kShell: return "This tool";
  }
  return "Other";
}

const Clock& Invocation::clock() { return store_ ? store_->clock() : *SystemClock::Shared(); }

Setup TableAnd(const std::string& what, const std::string& help, std::string* table, std::string* name,
               Setup more) {
  return [=](CLI::App& cmd) {
    cmd.add_option("TABLE", *table, "table name")->required();
    cmd.add_option(what, *name, help)->required();
    if (more) more(cmd);
  };
}

void CommandSet::Add(std::string_view name, const CommandDoc& doc, Handler handler, const Setup& setup) {
  names_.push_back(name);
  docs_.push_back(doc);
  if (!only_.empty() && name != only_) return;
  CLI::App* sub = app_.add_subcommand(std::string(name), std::string(doc.summary));
  if (setup) setup(*sub);
  handlers_[sub] = std::move(handler);
}

bool CommandSet::Knows(std::string_view name) const { return Doc(name) != nullptr; }

const CommandDoc* CommandSet::Doc(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return &docs_[i];
  }
  return nullptr;
}

CLI::App* CommandSet::Declared(std::string_view name) const {
  for (const auto& [sub, handler] : handlers_) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

const Handler* CommandSet::Chosen() const {
  for (CLI::App* sub : app_.get_subcommands()) {
    auto it = handlers_.find(sub);
    if (it != handlers_.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace kvstore::cli
