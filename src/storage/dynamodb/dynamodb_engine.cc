// Each storage operation is one DynamoDB request when nothing has expired:
// single-item writes are UpdateItem (a Put too, so that the version counts
// up) with a ConditionExpression and ALL_NEW / ALL_OLD return values;
// Transact is TransactWriteItems with a ClientRequestToken. DynamoDB's own
// TTL deletion can lag by days, so an item past its expiry is made to fail
// every write condition; the engine then deletes it (on condition it is
// still expired) and tries the write again.
#include "storage/dynamodb/dynamodb_engine.h"

#include <algorithm>
#include <map>
#include <mutex>

#include <set>
#include <thread>

#include "storage/dynamodb/disk_cache.h"
#include "storage/dynamodb/dynamo_client.h"
#include "storage/dynamodb/item_codec.h"
#include "storage/dynamodb/key_schema.h"
#include "storage/merged_query.h"
#include "storage/dynamodb/table_info.h"
#include "storage/limits.h"
#include "util/quote.h"
#include "util/random.h"
#include "util/retry_policy.h"

namespace kvstore::storage::dynamodb {
namespace {

constexpr int kExpiredRetries = 5;
// Connections a listing of a spread partition reads its shards over at once.
constexpr size_t kParallelReads = 16;

std::string RandomToken() {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(RandomU64()),
                static_cast<unsigned long long>(RandomU64()));
  return buf;
}

class DynamoDbEngine final : public Engine {
 public:
  DynamoDbEngine(std::unique_ptr<DynamoClient> client, std::shared_ptr<Clock> clock)
      : client_(client.get()), clock_(std::move(clock)) {
    clients_.push_back(std::move(client));
  }

  std::optional<std::string> RecallHint(const std::string& table, const std::string& key) override {
    return ReadDiskCache(HintCachePath(table, key));
  }

  void KeepHint(const std::string& table, const std::string& key, const std::optional<std::string>& value) override {
    if (value) {
      WriteDiskCache(HintCachePath(table, key), *value);
    } else {
      RemoveDiskCache(HintCachePath(table, key));
    }
  }

  StoreStats Stats() const override {
    StoreStats stats{.backend = "dynamodb", .counts_requests = true, .unreadable_items = unreadable_items_,
                     .first_unreadable = first_unreadable_, .credentials_source = client_->config().credentials->source()};
    for (const auto& client : clients_) {
      const CallStats& s = client->stats();
      stats.requests += s.requests;
      stats.retries += s.retries;
      stats.read_units += s.read_units;
      stats.write_units += s.write_units;
    }
    return stats;
  }

  void SetDeadline(std::optional<Deadline> deadline) override {
    std::lock_guard lock(mu_);
    deadline_ = deadline;
    for (const auto& client : clients_) client->set_deadline(deadline);
  }

  // DynamoDB creates and deletes tables in the background: the table is
  // usable (or gone) only when DescribeTable says so, and a table still being
  // deleted counts as missing, so the name is created again once it is gone.
  Status CreateTable(const std::string& table, const CreateTableOptions& options) override {
    std::lock_guard lock(mu_);
    TableWait wait(*client_);
    const int version = options.layout.value_or(kCurrentLayout);
    const TableLayout layout{.version = version, .shards = options.shards.value_or(version == 1 ? 1 : kDefaultDynamoDbShards)};
    for (;;) {
      auto created = client_->Call("CreateTable", CreateTableRequest(table, layout), Repeat::kSafe);
      if (!created.ok()) return created.status();
      if (!created->error) break;
      if (created->error->type != "ResourceInUseException") return Failed("creating table " + table, *created->error);
      auto state = TableStatus(table);
      if (!state.ok()) return state.status();
      if (state->empty() || *state == "DELETING") {
        KVSTORE_RETURN_IF_ERROR(WaitForStatus(table, "", wait));
        if (std::chrono::steady_clock::now() >= wait.until) {
          return Status::IoError("table '" + table + "' kept being in use and missing at once; try again later");
        }
        continue;
      }
      if (!options.if_not_exists) return Status::AlreadyExists("table '" + table + "' already exists");
      return WaitForStatus(table, "ACTIVE", wait);  // another process's table, maybe still CREATING
    }
    RememberLayout(table, layout);
    KVSTORE_RETURN_IF_ERROR(WaitForStatus(table, "ACTIVE", wait));
    auto ttl = client_->Call("UpdateTimeToLive",
                             {{"TableName", Name(table)},
                              {"TimeToLiveSpecification", {{"AttributeName", kTtlAttr}, {"Enabled", true}}}},
                             Repeat::kSafe);
    if (!ttl.ok()) return ttl.status();
    if (ttl->error) return Failed("turning on TTL for " + table, *ttl->error);
    return Status::Ok();
  }

  Status DropTable(const std::string& table, const DropTableOptions& options) override {
    std::lock_guard lock(mu_);
    TableWait wait(*client_);
    for (;;) {
      auto dropped = client_->Call("DeleteTable", {{"TableName", Name(table)}}, Repeat::kSafe);
      if (!dropped.ok()) return dropped.status();
      if (!dropped->error) break;
      ForgetLayout(table);
      if (dropped->error->type == "ResourceNotFoundException") return options.if_exists ? Status::Ok() : NoSuchTable(table);
      if (dropped->error->type != "ResourceInUseException") return Failed("dropping table " + table, *dropped->error);
      KVSTORE_RETURN_IF_ERROR(WaitForStatus(table, "ACTIVE", wait));  // still being created: delete it when done
    }
    ForgetLayout(table);
    return WaitForStatus(table, "", wait);
  }

  Result<TableLayout> Layout(const std::string& table) override {
    std::lock_guard lock(mu_);
    return LayoutLocked(table);
  }

  Result<std::vector<std::string>> ListTables() override {
    std::lock_guard lock(mu_);
    std::vector<std::string> names;
    Json request = Json::object();
    const std::string& prefix = client_->config().table_prefix;
    while (true) {
      auto page = client_->Call("ListTables", request, Repeat::kSafe);
      if (!page.ok()) return page.status();
      if (page->error) return Failed("listing tables", *page->error);
      for (const Json& name : page->body.value("TableNames", Json::array())) {
        std::string n = name.get<std::string>();
        if (n.rfind(prefix, 0) != 0 || !ValidateTableName(n.substr(prefix.size())).ok()) continue;
        auto ours = IsKvstoreTable(n);
        if (!ours.ok()) return ours.status();
        if (*ours) names.push_back(n.substr(prefix.size()));
      }
      if (!page->body.contains("LastEvaluatedTableName")) break;
      request["ExclusiveStartTableName"] = page->body["LastEvaluatedTableName"];
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // DescribeTable and DescribeTimeToLive of each table (table_info.h).
  Result<StoreInfo> Info(const std::optional<std::string>& table) override {
    std::vector<std::string> names;
    if (table) {
      names.push_back(*table);
    } else {
      auto listed = ListTables();
      if (!listed.ok()) return listed.status();
      names = std::move(*listed);
    }
    std::lock_guard lock(mu_);
    const AwsConfig& config = client_->config();
    StoreInfo info{.engine = "dynamodb", .engine_version = "API 2012-08-10",
                   .location = config.endpoint + " (" + config.region + ")" +
                               (config.table_prefix.empty() ? "" : ", table prefix " + config.table_prefix)};
    for (const std::string& name : names) {
      auto described = DescribeTableInfo(*client_, Name(name), name);
      if (!described.ok()) return described.status();
      info.tables.push_back(std::move(*described));
    }
    return info;
  }

  Result<Item> Get(const std::string& table, const Key& key) override {
    std::lock_guard lock(mu_);
    TableLayout layout;
    KVSTORE_ASSIGN_OR_RETURN(layout, LayoutLocked(table));
    auto item = GetLocked(table, layout, key);
    if (!item.ok()) return item.status();
    if (!*item) return Status::NotFound("no such item");
    return std::move(**item);
  }

  Result<std::vector<std::optional<Item>>> BatchGet(const std::string& table, const std::vector<Key>& keys) override {
    std::lock_guard lock(mu_);
    std::map<std::string, std::optional<Item>> found;
    TableLayout layout;
    KVSTORE_ASSIGN_OR_RETURN(layout, LayoutLocked(table));
    if (keys.empty()) KVSTORE_RETURN_IF_ERROR(TableExists(table));
    for (size_t start = 0; start < keys.size(); start += kBatchGetKeys) {
      Json wanted = Json::array();
      std::set<std::string> seen;
      for (size_t i = start; i < std::min(keys.size(), start + kBatchGetKeys); ++i) {
        if (seen.insert(keys[i].partition + '\0' + keys[i].sort).second) wanted.push_back(KeyJson(keys[i], layout));
      }
      Json request = {{"RequestItems", {{Name(table), {{"Keys", wanted}, {"ConsistentRead", true}}}}}};
      for (int round = 0; !request["RequestItems"].empty(); ++round) {
        if (round > 0) Pause(round);
        if (round > kEngineRounds) return Status::IoError("DynamoDB kept leaving parts of a batch read unprocessed");
        auto page = client_->Call("BatchGetItem", request, Repeat::kSafe);
        if (!page.ok()) return page.status();
        if (page->error) return ErrorFor(table, "reading", *page->error);
        for (const Json& raw : page->body["Responses"].value(Name(table), Json::array())) {
          auto item = ListedItem(raw, layout);
          if (!item.ok()) return item.status();
          if (*item && !IsExpired(**item, Now())) found[(*item)->key.partition + '\0' + (*item)->key.sort] = **item;
        }
        request["RequestItems"] = page->body.value("UnprocessedKeys", Json::object());
      }
    }
    std::vector<std::optional<Item>> items;
    for (const Key& key : keys) {
      auto it = found.find(key.partition + '\0' + key.sort);
      items.push_back(it == found.end() ? std::nullopt : it->second);
    }
    return items;
  }

  Result<WriteOutcome> Put(const std::string& table, const Item& item, const Condition& condition) override {
    std::lock_guard lock(mu_);
    return Write(table, item.key, condition, [&](Expressions& e) { return ReplaceExpression(item, e); });
  }

  Result<std::optional<Item>> Exchange(const std::string& table, const Item& item) override {
    std::lock_guard lock(mu_);
    auto written = Write(table, item.key, Condition::Always(), [&](Expressions& e) { return ReplaceExpression(item, e); },
                         /*returns_old=*/true);
    if (!written.ok()) return written.status();
    return std::move(written->item);
  }

  Result<WriteOutcome> Update(const std::string& table, const Key& key, const std::vector<Action>& actions,
                              const Condition& condition) override {
    std::lock_guard lock(mu_);
    return Write(table, key, condition, [&](Expressions& e) { return UpdateExpression(actions, e); });
  }

  Result<WriteOutcome> Delete(const std::string& table, const Key& key, const Condition& condition) override {
    std::lock_guard lock(mu_);
    TableLayout layout;
    KVSTORE_ASSIGN_OR_RETURN(layout, LayoutLocked(table));
    for (int attempt = 0; attempt < kExpiredRetries; ++attempt) {
      Expressions e;
      Json request = {{"TableName", Name(table)}, {"Key", KeyJson(key, layout)}, {"ReturnValues", "ALL_OLD"},
                      {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}};
      request["ConditionExpression"] = WriteCondition(condition, Now(), e);
      e.AddTo(request);
      auto done = client_->Call("DeleteItem", request, Repeat::kSafe);
      if (!done.ok()) return done.status();
      if (done->error && done->earlier_attempt_may_have_applied && condition.kind != Condition::Kind::kAlways) {
        // Resending a conditional delete is harmless, but its failure may be
        // the first attempt's success: neither answer would be honest.
        return Status::IoError("DeleteItem: an answer was lost and the repeated request found its condition no "
                               "longer met; the delete may or may not have been applied");
      }
      if (!done->error) {
        WriteOutcome outcome{.applied = true, .item = std::nullopt};
        if (done->body.contains("Attributes")) {
          auto old = ItemFromJson(done->body["Attributes"], layout);
          if (!old.ok()) return old.status();
          if (!IsExpired(*old, Now())) outcome.item = std::move(*old);
        }
        return outcome;
      }
      auto failed = ConditionFailed(table, layout, key, condition, *done->error);
      if (!failed.ok() || !failed->applied) return failed;  // applied = "expired item removed, try again"
    }
    return Status::IoError("an expired item kept reappearing");
  }

  // A spread partition (key_schema.h) is read shard by shard, in parallel,
  // and merged; any other partition is one Query.
  Result<QueryPage> Query(const std::string& table, const QueryRequest& request) override {
    std::lock_guard lock(mu_);
    TableLayout layout;
    KVSTORE_ASSIGN_OR_RETURN(layout, LayoutLocked(table));
    if (layout.shards <= 1 || !IsSpreadPartition(request.partition)) {
      return QueryPartition(*client_, table, layout, request.partition, request);
    }
    return MergedQuery(request, layout.shards, [&](const std::vector<std::pair<int, QueryRequest>>& wanted) {
      return InParallel<QueryPage>(wanted.size(), [&](DynamoClient& client, size_t i) {
        const auto& [shard, shard_request] = wanted[i];
        return QueryPartition(client, table, layout, ShardPartition(request.partition, shard), shard_request);
      });
    });
  }

  Result<std::vector<size_t>> CountEach(const std::string& table, const QueryRequest& request,
                                        const std::vector<Condition>& filters) override {
    std::lock_guard lock(mu_);
    TableLayout layout;
    KVSTORE_ASSIGN_OR_RETURN(layout, LayoutLocked(table));
    if (layout.shards <= 1 || !IsSpreadPartition(request.partition)) {
      return CountPartition(*client_, table, layout, request.partition, request, filters);
    }
    using Counts = std::vector<size_t>;
    auto counts = InParallel<Counts>(static_cast<size_t>(layout.shards), [&](DynamoClient& client, size_t shard) {
      return CountPartition(client, table, layout, ShardPartition(request.partition, static_cast<int>(shard)), request,
                            filters);
    });
    if (!counts.ok()) return counts.status();
    Counts total(filters.size());
    for (const Counts& shard : *counts) {
      for (size_t i = 0; i < total.size(); ++i) total[i] += shard[i];
    }
    return total;
  }

  Result<TransactOutcome> Transact(const std::string& table, const std::vector<WriteOp>& ops) override {
    std::lock_guard lock(mu_);
    TableLayout layout;
    KVSTORE_ASSIGN_OR_RETURN(layout, LayoutLocked(table));
    // Throttling has the request layer's larger budget (retry_policy.h).
    int throttled = 0;
    for (int attempt = 0; attempt < kExpiredRetries + throttled; ++attempt) {
      Json items = Json::array();
      for (const WriteOp& op : ops) items.push_back(TransactItem(table, layout, op));
      // The token makes a repeated request a no-op if the first one was applied.
      Json request = {{"TransactItems", items}, {"ClientRequestToken", RandomToken()}};
      auto done = client_->Call("TransactWriteItems", request, Repeat::kSafe);
      if (!done.ok()) return done.status();
      if (!done->error) return TransactOutcome{.applied = true, .failed_index = 0};
      if (done->error->type != "TransactionCanceledException") return ErrorFor(table, "writing", *done->error);
      const Json& reasons = done->error->body.value("CancellationReasons", Json::array());
      bool try_again = false;  // an expired item was removed, or another writer got in the way
      for (size_t i = 0; i < reasons.size(); ++i) {
        std::string code = reasons[i].value("Code", "None");
        if (code == "None") continue;
        if (code == "ConditionalCheckFailed") {
          if (reasons[i].contains("Item")) {
            auto current = ItemFromJson(reasons[i]["Item"], layout);
            if (current.ok() && IsExpired(*current, Now())) {
              KVSTORE_RETURN_IF_ERROR(RemoveExpired(table, layout, current->key));
              try_again = true;
              break;
            }
            if (current.ok() && i < ops.size() && ops[i].condition.HoldsFor(*current)) return RefusedAnyway();
          }
          return TransactOutcome{.applied = false, .failed_index = i};
        }
        if (code == "ThrottlingError" && throttled < kThrottledAttempts) {
          try_again = true;
          std::this_thread::sleep_for(RetryPause(kThrottleRetry, throttled++));
          break;
        }
        if (code == "TransactionConflict" || code == "ThrottlingError") {
          try_again = true;
          Pause(attempt + 1);
          break;
        }
        if (code == "ValidationError") return Status::InvalidArgument("DynamoDB refused the transaction: " + Excerpt(reasons[i].value("Message", "")));
      }
      if (!try_again) return ErrorFor(table, "writing", *done->error);
    }
    return Status::IoError("DynamoDB kept cancelling the transaction (other writers in the way, or throttling); nothing was written");
  }

  Status BatchWrite(const std::string& table, const std::vector<WriteOp>& ops) override {
    std::lock_guard lock(mu_);
    TableLayout layout;
    KVSTORE_ASSIGN_OR_RETURN(layout, LayoutLocked(table));
    for (size_t start = 0; start < ops.size(); start += kBatchWriteOps) {
      Json writes = Json::array();
      for (size_t i = start; i < std::min(ops.size(), start + kBatchWriteOps); ++i) {
        if (ops[i].type == WriteOp::Type::kDelete) {
          writes.push_back({{"DeleteRequest", {{"Key", KeyJson(ops[i].key, layout)}}}});
        } else {
          Item item = ops[i].item;
          item.version = 1;
          writes.push_back({{"PutRequest", {{"Item", ItemJson(item, layout)}}}});
        }
      }
      Json request = {{"RequestItems", {{Name(table), writes}}}};
      for (int round = 0; !request["RequestItems"].empty(); ++round) {
        if (round > 0) Pause(round);
        if (round > kEngineRounds) return Status::IoError("DynamoDB kept leaving parts of a batch unprocessed");
        auto done = client_->Call("BatchWriteItem", request, Repeat::kSafe);
        if (!done.ok()) return done.status();
        if (done->error) return ErrorFor(table, "writing", *done->error);
        request["RequestItems"] = done->body.value("UnprocessedItems", Json::object());
      }
    }
    if (ops.empty()) KVSTORE_RETURN_IF_ERROR(TableExists(table));
    return Status::Ok();
  }

 private:
  std::string Name(const std::string& table) const { return client_->config().table_prefix + table; }
  int64_t Now() const { return clock_->NowMillis(); }

  // Before engine round `round` (1 for the first repeat): layer 2 of
  // util/retry_policy.h.
  static void Pause(int round) { std::this_thread::sleep_for(RetryPause(kEngineRound, round - 1)); }

  Status Failed(const std::string& doing, const ApiError& error) const {
    return error.Failure(doing);
  }

  Status ErrorFor(const std::string& table, const std::string& doing, const ApiError& error) {
    if (error.type == "ResourceNotFoundException") {
      ForgetLayout(table);  // made again later, it may have another layout
      return NoSuchTable(table);
    }
    if (error.type == "ValidationException" && RefusedKey(error.message)) {
      ForgetLayout(table);
      return Status::IoError("table '" + table + "' no longer has the layout this process read (made again meanwhile?); "
                             "nothing was written: run the command again");
    }
    if (error.type == "ValidationException") return Status::InvalidArgument("DynamoDB refused the request: " + error.message);
    return Failed(doing, error);
  }

  // DynamoDB's words for a key that does not match the table's key schema.
  static bool RefusedKey(const std::string& message) {
    for (const char* words : {"key element does not match the schema", "Missing the key", "missed key schema element",
                              "required keys was not given a value"}) {
      if (message.find(words) != std::string::npos) return true;
    }
    return false;
  }

  // Other tables may share the account (and the prefix): kvstore's are the
  // ones keyed as a layout of key_schema.h. One DescribeTable per candidate;
  // list-tables is an administrator's command, not a hot path.
  Result<bool> IsKvstoreTable(const std::string& full_name) {
    auto described = client_->Call("DescribeTable", {{"TableName", full_name}}, Repeat::kSafe);
    if (!described.ok()) return described.status();
    if (described->error) {
      if (described->error->type == "ResourceNotFoundException") return false;  // dropped meanwhile
      return Failed("listing tables", *described->error);
    }
    return LayoutOfTable(described->body["Table"]).has_value();
  }

  // The table's layout: known after the first call for the table, or from
  // the disk cache, else read from its key schema (one DescribeTable) -- so
  // a command costs no extra request once this machine has met the table.
  // A wrong belief cannot do harm: the key attribute's name says the layout,
  // and DynamoDB refuses a request that names the wrong one (RefusedKey).
  Result<TableLayout> LayoutLocked(const std::string& table) {
    {
      std::lock_guard lock(layouts_mu_);
      auto known = layouts_.find(table);
      if (known != layouts_.end()) return known->second;
    }
    if (auto cached = ReadDiskCache(LayoutCachePath(table))) {
      if (auto layout = LayoutOfTable(Json::parse(*cached, nullptr, false))) {
        std::lock_guard lock(layouts_mu_);
        return layouts_[table] = *layout;
      }
    }
    auto described = client_->Call("DescribeTable", {{"TableName", Name(table)}}, Repeat::kSafe);
    if (!described.ok()) return described.status();
    if (described->error) return ErrorFor(table, "reading", *described->error);
    auto layout = LayoutOfTable(described->body["Table"]);
    if (!layout) {
      return Status::InvalidArgument("table '" + table + "' was not made by kvstore: its key schema is not one kvstore "
                                     "knows (a string partition key 'pk' or 'pk.v2.sN' and sort key 'sk')");
    }
    RememberLayout(table, *layout);
    return *layout;
  }

  void RememberLayout(const std::string& table, const TableLayout& layout) {
    WriteDiskCache(LayoutCachePath(table), KeySchemaJson(layout).dump());
    std::lock_guard lock(layouts_mu_);
    layouts_[table] = layout;
  }

  void ForgetLayout(const std::string& table) {
    RemoveDiskCache(LayoutCachePath(table));
    std::lock_guard lock(layouts_mu_);
    layouts_.erase(table);
  }

  std::string LayoutCachePath(const std::string& table) { return CachePath("tables", TableScope(table)); }

  // A hint's file: one per hint and table.
  std::string HintCachePath(const std::string& table, const std::string& key) {
    return CachePath("hints", TableScope(table) + "\n" + key);
  }

  // What makes a table itself: its name, endpoint, region and account (the
  // same name in two accounts is two tables); the access key stands for the
  // account.
  std::string TableScope(const std::string& table) {
    const AwsConfig& config = client_->config();
    auto credentials = config.credentials->Current();
    std::string who = credentials.ok() ? credentials->access_key_id : "";
    return config.endpoint + "\n" + config.region + "\n" + Name(table) + "\n" + who;
  }

  static std::string CachePath(const std::string& folder, const std::string& key) {
    return DiskCachePath([](const char* name) { return std::getenv(name); }, folder, key);
  }

  // An item of a listing, or nothing when another tool wrote it in a form
  // kvstore cannot read: one such item must not make the whole table
  // unreadable. Skipped items are counted for the caller's warning.
  Result<std::optional<Item>> ListedItem(const Json& raw, const TableLayout& layout) {
    auto item = ItemFromJson(raw, layout);
    if (item.ok()) return std::optional<Item>(std::move(*item));
    if (item.status().code() != Status::Code::kWrongType) return item.status();
    std::lock_guard lock(unreadable_mu_);  // shards are read in parallel
    if (unreadable_items_++ == 0) first_unreadable_ = item.status().message();
    return std::optional<Item>();
  }

  // For calls with nothing to send, which must still report a missing table.
  Status TableExists(const std::string& table) {
    auto described = client_->Call("DescribeTable", {{"TableName", Name(table)}}, Repeat::kSafe);
    if (!described.ok()) return described.status();
    return described->error ? ErrorFor(table, "reading", *described->error) : Status::Ok();
  }

  Json CreateTableRequest(const std::string& table, const TableLayout& layout) const {
    Json request = KeySchemaJson(layout);
    request["TableName"] = Name(table);
    request["BillingMode"] = "PAY_PER_REQUEST";
    return request;
  }

  // The table's TableStatus (CREATING, ACTIVE, DELETING, ...), or "" when
  // there is no such table.
  Result<std::string> TableStatus(const std::string& table) {
    auto described = client_->Call("DescribeTable", {{"TableName", Name(table)}}, Repeat::kSafe);
    if (!described.ok()) return described.status();
    if (!described->error) return described->body["Table"].value("TableStatus", "");
    if (described->error->type == "ResourceNotFoundException") return std::string();
    return Failed("describing table " + Name(table), described->error.value());
  }

  // How long a table may take to become ACTIVE or go: the caller's deadline,
  // else kTableWait. DynamoDB usually takes seconds, at times minutes.
  struct TableWait {
    static constexpr Millis kTableWait{300'000};
    explicit TableWait(const DynamoClient& client)
        : until(std::chrono::steady_clock::now() + client.TimeLeft().value_or(kTableWait)) {}
    Deadline until;
  };

  // Polls until the table's status is `wanted` ("" for gone).
  Status WaitForStatus(const std::string& table, const std::string& wanted, const TableWait& wait) {
    const auto started = std::chrono::steady_clock::now();
    for (Millis pause(100);; pause = std::min(pause * 2, Millis(2000))) {
      auto state = TableStatus(table);
      if (!state.ok()) return state.status();
      if (*state == wanted) return Status::Ok();
      if (wanted == "ACTIVE" && state->empty()) return NoSuchTable(table);  // deleted while we waited
      if (std::chrono::steady_clock::now() + pause >= wait.until) {
        auto waited = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
        return Status::IoError("table '" + table + "' is still " + *state + " after " + std::to_string(waited.count()) +
                               " s of waiting for it to " + (wanted.empty() ? "go" : "become " + wanted) +
                               "; DynamoDB finishes on its own: try again later, or allow longer with --timeout");
      }
      std::this_thread::sleep_for(pause);
    }
  }

  Result<std::optional<Item>> GetLocked(const std::string& table, const TableLayout& layout, const Key& key) {
    auto got = client_->Call("GetItem", {{"TableName", Name(table)}, {"Key", KeyJson(key, layout)}, {"ConsistentRead", true}},
                             Repeat::kSafe);
    if (!got.ok()) return got.status();
    if (got->error) return ErrorFor(table, "reading", *got->error);
    if (!got->body.contains("Item")) return std::optional<Item>();
    auto item = ItemFromJson(got->body["Item"], layout);
    if (!item.ok()) return item.status();
    if (IsExpired(*item, Now())) return std::optional<Item>();
    return std::optional<Item>(std::move(*item));
  }

  Status RemoveExpired(const std::string& table, const TableLayout& layout, const Key& key) {
    Expressions e;
    std::string expires = e.Name(AttrName(Attr::kExpiresAt));
    std::string now = e.Value({{"N", std::to_string(Now())}});
    Json request = {{"TableName", Name(table)}, {"Key", KeyJson(key, layout)}, {"ConditionExpression", expires + " <= " + now}};
    e.AddTo(request);
    auto done = client_->Call("DeleteItem", request, Repeat::kSafe);
    if (!done.ok()) return done.status();
    if (done->error && done->error->type != "ConditionalCheckFailedException") return ErrorFor(table, "removing an expired item", *done->error);
    return Status::Ok();
  }

  // After ConditionalCheckFailedException: the current item (not applied),
  // or applied = true meaning "an expired item was removed; write again".
  // A refusal that the returned item contradicts (the condition holds on it,
  // or on no item) is no answer at all: exit 3, never a false "no".
  Result<WriteOutcome> ConditionFailed(const std::string& table, const TableLayout& layout, const Key& key,
                                       const Condition& condition, const ApiError& error) {
    if (error.type == "ResourceNotFoundException") return NoSuchTable(table);
    if (error.type != "ConditionalCheckFailedException") return ErrorFor(table, "writing", error);
    if (!error.body.contains("Item")) {
      if (condition.HoldsWhenAbsent()) return RefusedAnyway();
      return WriteOutcome{.applied = false, .item = std::nullopt};
    }
    auto current = ItemFromJson(error.body["Item"], layout);
    if (!current.ok()) return current.status();
    if (IsExpired(*current, Now())) {
      KVSTORE_RETURN_IF_ERROR(RemoveExpired(table, layout, key));
      return WriteOutcome{.applied = true, .item = std::nullopt};
    }
    if (condition.HoldsFor(*current)) return RefusedAnyway();
    return WriteOutcome{.applied = false, .item = std::move(*current)};
  }

  static Status RefusedAnyway() {
    return Status::IoError("unexpected answer from the store: DynamoDB refused a write whose condition holds "
                           "(ConditionalCheckFailedException); nothing was written");
  }

  template <typename BuildUpdate>
  // An UpdateItem. Applied, the outcome's item is the item as written, or
  // with `returns_old` the live item it replaced (none when there was none:
  // an expired one fails the condition and is removed first).
  Result<WriteOutcome> Write(const std::string& table, const Key& key, const Condition& condition, BuildUpdate build,
                             bool returns_old = false) {
    TableLayout layout;
    KVSTORE_ASSIGN_OR_RETURN(layout, LayoutLocked(table));
    for (int attempt = 0; attempt < kExpiredRetries; ++attempt) {
      Expressions e;
      Json request = {{"TableName", Name(table)}, {"Key", KeyJson(key, layout)},
                      {"ReturnValues", returns_old ? "ALL_OLD" : "ALL_NEW"},
                      {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}};
      request["UpdateExpression"] = build(e);
      request["ConditionExpression"] = WriteCondition(condition, Now(), e);
      e.AddTo(request);
      auto done = client_->Call("UpdateItem", request, Repeat::kUnsafe);
      if (!done.ok()) return done.status();
      if (!done->error) {
        if (returns_old && !done->body.contains("Attributes")) return WriteOutcome{.applied = true, .item = std::nullopt};
        auto item = ItemFromJson(done->body["Attributes"], layout);
        if (!item.ok()) return item.status();
        return WriteOutcome{.applied = true, .item = std::move(*item)};
      }
      auto failed = ConditionFailed(table, layout, key, condition, *done->error);
      if (!failed.ok() || !failed->applied) return failed;
    }
    return Status::IoError("an expired item kept reappearing");
  }

  Json TransactItem(const std::string& table, const TableLayout& layout, const WriteOp& op) {
    Expressions e;
    const Key& key = op.type == WriteOp::Type::kPut ? op.item.key : op.key;
    Json item = {{"TableName", Name(table)}, {"Key", KeyJson(key, layout)}, {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}};
    std::string kind;
    switch (op.type) {
      case WriteOp::Type::kPut: kind = "Update"; item["UpdateExpression"] = ReplaceExpression(op.item, e); break;
      case WriteOp::Type::kUpdate: kind = "Update"; item["UpdateExpression"] = UpdateExpression(op.actions, e); break;
      case WriteOp::Type::kDelete: kind = "Delete"; break;
      case WriteOp::Type::kCheck: kind = "ConditionCheck"; break;
    }
    item["ConditionExpression"] = WriteCondition(op.condition, Now(), e);
    e.AddTo(item);
    return {{kind, item}};
  }

  // One partition's items, as stored under `stored` (request.partition is
  // the logical name), in pages of up to 1,000 until the limit.
  Result<QueryPage> QueryPartition(DynamoClient& client, const std::string& table, const TableLayout& layout,
                                   const std::string& stored, const QueryRequest& request) {
    QueryPage page;
    size_t limit = std::max<size_t>(request.limit, 1);
    Json call = QueryCall(table, layout, stored, request);
    call["Limit"] = static_cast<int64_t>(std::min<size_t>(limit + 1, 1000));
    Status st = EachListedItem(client, table, layout, request, std::move(call), "querying", [&](Item&& item) {
      if (page.items.size() == limit) {
        page.continue_from = page.items.back().key.sort;
        return false;
      }
      page.items.push_back(std::move(item));
      return true;
    });
    if (!st.ok()) return st;
    return page;
  }

  Result<std::vector<size_t>> CountPartition(DynamoClient& client, const std::string& table, const TableLayout& layout,
                                const std::string& stored, const QueryRequest& request,
                                const std::vector<Condition>& filters) {
    Json call = QueryCall(table, layout, stored, request);
    // Only the keys and expiry come back, enough to drop the expired, and
    // for a filter every attribute but the payload.
    call["Select"] = "SPECIFIC_ATTRIBUTES";
    std::string projection = "#pk, #skey";
    call["ExpressionAttributeNames"]["#skey"] = kSortAttr;
    bool filtered = std::any_of(filters.begin(), filters.end(),
                                [](const Condition& f) { return f.kind != Condition::Kind::kAlways; });
    for (Attr attr : kAllAttrs) {
      if (attr == Attr::kValue || (!filtered && attr != Attr::kExpiresAt)) continue;
      std::string name = "#a" + std::to_string(static_cast<int>(attr));
      projection += ", " + name;
      call["ExpressionAttributeNames"][name] = AttrName(attr);
    }
    call["ProjectionExpression"] = projection;
    std::vector<size_t> counts(filters.size());
    Status st = EachListedItem(client, table, layout, request, std::move(call), "counting", [&](Item&& item) {
      for (size_t i = 0; i < filters.size(); ++i) counts[i] += filters[i].HoldsFor(item) ? 1 : 0;
      return true;
    });
    if (!st.ok()) return st;
    return counts;
  }

  // Sends the Query `call` page after page, handing `each` every live item in
  // the request's range until it returns false or the range ends.
  template <typename Each>
  Status EachListedItem(DynamoClient& client, const std::string& table, const TableLayout& layout,
                        const QueryRequest& request, Json call, const std::string& doing, Each each) {
    while (true) {
      auto result = client.Call("Query", call, Repeat::kSafe);
      if (!result.ok()) return result.status();
      if (result->error) return ErrorFor(table, doing, *result->error);
      for (const Json& raw : result->body.value("Items", Json::array())) {
        auto item = ListedItem(raw, layout);
        if (!item.ok()) return item.status();
        if (*item && InRange(request, **item) && !each(std::move(**item))) return Status::Ok();
      }
      if (!result->body.contains("LastEvaluatedKey")) return Status::Ok();
      call["ExclusiveStartKey"] = result->body["LastEvaluatedKey"];
    }
  }

  // Runs call(client, i) for every i < n on up to kParallelReads threads,
  // each with a client (a connection) of its own: thread t takes t, t + k,
  // t + 2k... The first failure, or every result in order.
  template <typename T, typename Call>
  Result<std::vector<T>> InParallel(size_t n, Call call) {
    const size_t threads = std::min(n, kParallelReads);
    while (clients_.size() < threads) {
      auto client = DynamoClient::Create(client_->config());
      if (!client.ok()) return client.status();
      (*client)->set_deadline(deadline_);
      clients_.push_back(std::move(*client));
    }
    std::vector<std::optional<Result<T>>> results(n);
    auto run = [&](size_t first) {
      for (size_t i = first; i < n; i += threads) results[i].emplace(call(*clients_[first], i));
    };
    std::vector<std::thread> workers;
    for (size_t t = 1; t < threads; ++t) workers.emplace_back(run, t);
    if (threads > 0) run(0);
    for (std::thread& t : workers) t.join();
    std::vector<T> values;
    for (auto& result : results) {
      if (!result->ok()) return result->status();
      values.push_back(std::move(**result));
    }
    return values;
  }

  // BETWEEN includes its upper end, which the request excludes; and an
  // expired item is absent.
  bool InRange(const QueryRequest& request, const Item& item) const {
    if (request.before && item.key.sort >= *request.before) return false;
    if (item.key.sort.compare(0, request.prefix.size(), request.prefix) != 0) return false;
    return !IsExpired(item, Now());
  }

  // The Query request for a range of the partition stored as `stored`,
  // without Limit.
  Json QueryCall(const std::string& table, const TableLayout& layout, const std::string& stored,
                 const QueryRequest& request) {
    Json call = {{"TableName", Name(table)}, {"ConsistentRead", true}, {"ScanIndexForward", !request.descending}};
    std::string key_condition = "#pk = :pk";
    Json values = {{":pk", {{"S", stored}}}};
    // One sort-key condition is allowed: the tightest lower and upper bounds
    // as one BETWEEN (inclusive; the exclusive ends are dropped when read).
    std::optional<std::string> low, high;
    if (!request.prefix.empty()) low = request.prefix;
    if (request.after && (!low || *request.after + std::string(1, '\0') > *low)) low = *request.after + std::string(1, '\0');
    if (!request.prefix.empty()) {
      std::string end = PrefixEnd(request.prefix);
      if (!end.empty()) high = end;
    }
    if (request.before && (!high || *request.before < *high)) high = *request.before;
    if (low && high) {
      key_condition += " AND #sk BETWEEN :low AND :high";
      values[":low"] = {{"S", *low}};
      values[":high"] = {{"S", *high}};
    } else if (low) {
      key_condition += " AND #sk >= :low";
      values[":low"] = {{"S", *low}};
    } else if (high) {
      key_condition += " AND #sk <= :high";
      values[":high"] = {{"S", *high}};
    }
    call["KeyConditionExpression"] = key_condition;
    call["ExpressionAttributeNames"] = {{"#pk", PartitionAttr(layout)}};
    if (low || high) call["ExpressionAttributeNames"]["#sk"] = kSortAttr;
    call["ExpressionAttributeValues"] = values;
    return call;
  }

  // clients_[0] serves every call; the others, parallel reads of shards.
  std::vector<std::unique_ptr<DynamoClient>> clients_;
  DynamoClient* client_;
  std::shared_ptr<Clock> clock_;
  std::optional<Deadline> deadline_;
  std::mutex mu_;
  std::mutex layouts_mu_;  // ErrorFor runs on parallel readers too
  std::map<std::string, TableLayout> layouts_;
  std::mutex unreadable_mu_;
  int unreadable_items_ = 0;
  std::string first_unreadable_;
};

}  // namespace

Result<std::unique_ptr<Engine>> OpenDynamoDbEngine(AwsConfig config, std::shared_ptr<Clock> clock) {
  auto client = DynamoClient::Create(std::move(config));
  if (!client.ok()) return client.status();
  return std::unique_ptr<Engine>(std::make_unique<DynamoDbEngine>(std::move(*client), std::move(clock)));
}

}  // namespace kvstore::storage::dynamodb
