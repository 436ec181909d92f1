#include "storage/sqlite/sqlite_engine.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <random>

#include "storage/sql/sql_builder.h"
#include "storage/sqlite/change_watch.h"
#include "storage/sqlite/maintenance.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/statement.h"

namespace kvstore::storage::sqlite {
namespace {

using sql::ColumnValues;
using sql::kItemColumns;
using sql::SqlBuilder;

// Expired items are removed in small batches by a write now and then, so no
// one command pays for a big clean-up and nobody has to run one.
constexpr int kReapOneWriteIn = 32;
constexpr int kReapBatch = 256;

// Closes the connection after every statement of the cache is finalised
// (members are destroyed in reverse order).
struct Connection {
  sqlite3* db;
  ~Connection() { CloseDatabase(db); }
};

class SqliteEngine final : public Engine {
 public:
  SqliteEngine(sqlite3* db, std::string path, std::shared_ptr<Clock> clock)
      : connection_{db},
        db_(db),
        path_(std::move(path)),
        cache_(db),
        clock_(std::move(clock)),
        random_(static_cast<uint32_t>(getpid()) ^ static_cast<uint32_t>(clock_->NowMillis())) {}

  StoreStats Stats() const override { return {.backend = "sqlite"}; }

  std::unique_ptr<ChangeWatch> WatchChanges() override { return WatchWalFile(path_ + "-wal"); }

  Status CreateTable(const std::string& table, const CreateTableOptions& options) override {
    std::lock_guard lock(mu_);
    SqlBuilder b(Now());
    b.Add("INSERT INTO tables(name, created_at, layout, shards) VALUES(").Param(Text{table}).Add(", ").Now();
    b.Add(", ").Param(int64_t{options.layout.value_or(kCurrentLayout)}).Add(", ").Param(int64_t{options.shards.value_or(1)});
    b.Add(") ON CONFLICT(name) DO NOTHING");
    auto changed = Execute(b, "creating table " + table);
    if (!changed.ok()) return changed.status();
    if (*changed == 0 && !options.if_not_exists) {
      return Status::AlreadyExists("table '" + table + "' already exists");
    }
    return Status::Ok();
  }

  Result<TableLayout> Layout(const std::string& table) override {
    std::lock_guard lock(mu_);
    SqlBuilder b(Now());
    b.Add("SELECT layout, shards FROM tables WHERE name = ").Param(Text{table});
    std::optional<TableLayout> layout;
    KVSTORE_RETURN_IF_ERROR(ForEachRow(b, "reading the table's layout", [&](const Statement& row) {
      layout = TableLayout{.version = static_cast<int>(row.Int(0)), .shards = static_cast<int>(row.Int(1))};
    }));
    if (!layout) return NoSuchTable(table);
    return *layout;
  }

  Status DropTable(const std::string& table, const DropTableOptions& options) override {
    std::lock_guard lock(mu_);
    Transaction txn(this);
    KVSTORE_RETURN_IF_ERROR(txn.Begin());
    SqlBuilder items(Now());
    items.Add("DELETE FROM items WHERE tbl = ").Param(Text{table});
    auto deleted_items = Execute(items, "dropping table " + table);
    if (!deleted_items.ok()) return deleted_items.status();
    SqlBuilder tables(Now());
    tables.Add("DELETE FROM tables WHERE name = ").Param(Text{table});
    auto deleted = Execute(tables, "dropping table " + table);
    if (!deleted.ok()) return deleted.status();
    if (*deleted == 0 && !options.if_exists) return NoSuchTable(table);
    return txn.Commit();
  }

  Result<std::vector<std::string>> ListTables() override {
    std::lock_guard lock(mu_);
    SqlBuilder b(Now());
    b.Add("SELECT name FROM tables ORDER BY name");
    std::vector<std::string> names;
    Status st = ForEachRow(b, "listing tables", [&](const Statement& row) {
      names.push_back(row.Blob(0));
    });
    if (!st.ok()) return st;
    return names;
  }

  Result<Item> Get(const std::string& table, const Key& key) override {
    std::lock_guard lock(mu_);
    auto item = GetLocked(table, key);
    if (!item.ok()) return item.status();
    if (!*item) return TableExistsOr(table, Status::NotFound("no such item"));
    return Result<Item>(std::move(**item));
  }

  Result<std::vector<std::optional<Item>>> BatchGet(const std::string& table,
                                                    const std::vector<Key>& keys) override {
    std::lock_guard lock(mu_);
    ReadSnapshot snapshot(this);  // one consistent view of all the keys
    KVSTORE_RETURN_IF_ERROR(snapshot.Begin());
    KVSTORE_RETURN_IF_ERROR(TableExistsOr(table, Status::Ok()));
    std::vector<std::optional<Item>> items;
    items.reserve(keys.size());
    for (const Key& key : keys) {
      auto item = GetLocked(table, key);
      if (!item.ok()) return item.status();
      items.push_back(std::move(*item));
    }
    return items;
  }

  Result<WriteOutcome> Put(const std::string& table, const Item& item,
                           const Condition& condition) override {
    std::lock_guard lock(mu_);
    return AfterWrite(PutLocked(table, item, condition));
  }

  Result<WriteOutcome> Update(const std::string& table, const Key& key,
                              const std::vector<Action>& actions,
                              const Condition& condition) override {
    std::lock_guard lock(mu_);
    return AfterWrite(UpdateLocked(table, key, actions, condition));
  }

  Result<WriteOutcome> Delete(const std::string& table, const Key& key,
                              const Condition& condition) override {
    std::lock_guard lock(mu_);
    return AfterWrite(DeleteLocked(table, key, condition));
  }

  Result<QueryPage> Query(const std::string& table, const QueryRequest& request) override {
    std::lock_guard lock(mu_);
    SqlBuilder b(Now());
    b.Add("SELECT ").Add(kItemColumns).Add(" FROM items WHERE ");
    RangeOf(b, table, request);
    b.Add(request.descending ? " ORDER BY sk DESC" : " ORDER BY sk");
    // One more than asked tells whether another page follows.
    constexpr size_t kMaxPage = 1'000'000;
    size_t limit = std::min(std::max<size_t>(request.limit, 1), kMaxPage);
    b.Add(" LIMIT ").Param(static_cast<int64_t>(limit) + 1);
    QueryPage page;
    Status damaged;
    Status st = ForEachRow(b, "querying", [&](const Statement& row) {
      auto item = ReadItem(row, 0);
      if (item.ok()) page.items.push_back(std::move(*item));
      else if (damaged.ok()) damaged = item.status();
    });
    if (!st.ok()) return st;
    if (!damaged.ok()) return damaged;
    if (page.items.size() > limit) {
      page.items.pop_back();
      page.continue_from = page.items.back().key.sort;
    }
    if (page.items.empty()) KVSTORE_RETURN_IF_ERROR(TableExistsOr(table, Status::Ok()));
    return page;
  }

  Result<std::vector<size_t>> CountEach(const std::string& table, const QueryRequest& request,
                                        const std::vector<Condition>& filters) override {
    std::lock_guard lock(mu_);
    SqlBuilder b(Now());
    b.Add("SELECT count(*)");
    for (const Condition& filter : filters) b.Add(", coalesce(sum(").Cond(filter).Add("), 0)");
    b.Add(" FROM items WHERE ");
    RangeOf(b, table, request);
    std::vector<size_t> counts(filters.size());
    int64_t rows = 0;
    KVSTORE_RETURN_IF_ERROR(ForEachRow(b, "counting", [&](const Statement& row) {
      rows = row.Int(0);
      for (size_t i = 0; i < filters.size(); ++i) counts[i] = static_cast<size_t>(row.Int(static_cast<int>(i) + 1));
    }));
    if (rows == 0) KVSTORE_RETURN_IF_ERROR(TableExistsOr(table, Status::Ok()));
    return counts;
  }

  Result<TransactOutcome> Transact(const std::string& table, const std::vector<WriteOp>& ops) override {
    std::lock_guard lock(mu_);
    Transaction txn(this);
    KVSTORE_RETURN_IF_ERROR(txn.Begin());
    KVSTORE_RETURN_IF_ERROR(TableExistsOr(table, Status::Ok()));
    for (size_t i = 0; i < ops.size(); ++i) {
      auto applied = ApplyLocked(table, ops[i]);
      if (!applied.ok()) return applied.status();
      if (!*applied) return TransactOutcome{.applied = false, .failed_index = i};
    }
    KVSTORE_RETURN_IF_ERROR(txn.Commit());
    MaybeReap();
    return TransactOutcome{.applied = true, .failed_index = 0};
  }

  Result<StoreInfo> Info(const std::optional<std::string>& table) override {
    std::lock_guard lock(mu_);
    ReadSnapshot snapshot(this);  // every count of one instant
    KVSTORE_RETURN_IF_ERROR(snapshot.Begin());
    return DescribeStore(db_, path_, Now(), table);
  }

  Status Backup(const std::string& dest, const BackupOptions& options) override {
    std::lock_guard lock(mu_);
    return BackupStore(db_, path_, dest, options);
  }

  Result<CheckpointReport> Checkpoint() override {
    std::lock_guard lock(mu_);
    return CheckpointStore(db_);
  }

  Result<VacuumReport> Vacuum(const ProgressCallback& progress) override {
    std::lock_guard lock(mu_);
    return VacuumStore(db_, path_, progress);
  }

  Result<CheckReport> Check() override {
    std::lock_guard lock(mu_);
    ReadSnapshot snapshot(this);  // one state of the file, whoever writes meanwhile
    KVSTORE_RETURN_IF_ERROR(snapshot.Begin());
    return CheckStore(db_);
  }

  Status BatchWrite(const std::string& table, const std::vector<WriteOp>& ops) override {
    std::lock_guard lock(mu_);
    Transaction txn(this);
    KVSTORE_RETURN_IF_ERROR(txn.Begin());
    KVSTORE_RETURN_IF_ERROR(TableExistsOr(table, Status::Ok()));
    for (const WriteOp& op : ops) {
      WriteOp unconditional = op;
      unconditional.condition = Condition::Always();
      auto applied = ApplyLocked(table, unconditional);
      if (!applied.ok()) return applied.status();
    }
    KVSTORE_RETURN_IF_ERROR(txn.Commit());
    MaybeReap();
    return Status::Ok();
  }

 private:
  // BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
  class Transaction {
   public:
    explicit Transaction(SqliteEngine* engine, const char* begin = "BEGIN IMMEDIATE")
        : engine_(engine), begin_(begin) {}
    ~Transaction() {
      if (open_) engine_->RunFixed("ROLLBACK", "rolling back");
      engine_->in_transaction_ = false;
    }
    Status Begin() {
      KVSTORE_RETURN_IF_ERROR(engine_->RunFixed(begin_, "starting a transaction"));
      open_ = true;
      engine_->in_transaction_ = true;
      return Status::Ok();
    }
    Status Commit() {
      KVSTORE_RETURN_IF_ERROR(engine_->RunFixed("COMMIT", "committing"));
      open_ = false;
      return Status::Ok();
    }

   private:
    SqliteEngine* engine_;
    const char* begin_;
    bool open_ = false;
  };

  // A read transaction: ends (COMMIT of nothing) when destroyed.
  class ReadSnapshot {
   public:
    explicit ReadSnapshot(SqliteEngine* engine) : txn_(engine, "BEGIN") {}
    Status Begin() { return txn_.Begin(); }

   private:
    Transaction txn_;
  };

  int64_t Now() const { return clock_->NowMillis(); }

  Result<Statement> Prepare(const std::string& sql, const std::vector<SqlValue>& params,
                            const std::string& doing) {
    int rc = SQLITE_OK;
    sqlite3_stmt* stmt = cache_.Get(sql, &rc);
    if (stmt == nullptr) return SqliteError(db_, rc, doing);
    Statement bound(stmt);
    bound.BindAll(params);
    return bound;
  }

  Status RunFixed(const char* sql, const std::string& doing) {
    auto stmt = Prepare(sql, {}, doing);
    if (!stmt.ok()) return stmt.status();
    int rc = stmt->Step();
    return rc == SQLITE_DONE ? Status::Ok() : SqliteError(db_, rc, doing);
  }

  // Runs a statement that returns no rows; the number of rows it changed.
  Result<int64_t> Execute(const SqlBuilder& b, const std::string& doing) {
    auto stmt = Prepare(b.sql(), b.params(), doing);
    if (!stmt.ok()) return stmt.status();
    int rc = stmt->Step();
    if (rc != SQLITE_DONE) return ErrorFor(rc, doing);
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  template <typename F>
  Status ForEachRow(const SqlBuilder& b, const std::string& doing, F&& on_row) {
    auto stmt = Prepare(b.sql(), b.params(), doing);
    if (!stmt.ok()) return stmt.status();
    int rc;
    while ((rc = stmt->Step()) == SQLITE_ROW) on_row(*stmt);
    return rc == SQLITE_DONE ? Status::Ok() : ErrorFor(rc, doing);
  }

  // A write's first row (RETURNING), if it returned one.
  Result<std::optional<Item>> WriteReturning(const SqlBuilder& b, int item_column,
                                             bool* live = nullptr) {
    std::optional<Item> item;
    Status damaged;
    Status st = ForEachRow(b, "writing", [&](const Statement& row) {
      if (live) *live = row.Int(0) != 0;
      auto read = ReadItem(row, item_column);
      if (read.ok()) item = std::move(*read);
      else damaged = read.status();
    });
    if (!st.ok()) return st;
    if (!damaged.ok()) return damaged;
    return item;
  }

  Status ErrorFor(int rc, const std::string& doing) {
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return Status::UnknownTable("the table does not exist");
    return SqliteError(db_, rc, doing);
  }

  Status TableExistsOr(const std::string& table, Status otherwise) {
    SqlBuilder b(Now());
    b.Add("SELECT 1 FROM tables WHERE name = ").Param(Text{table});
    bool exists = false;
    KVSTORE_RETURN_IF_ERROR(ForEachRow(b, "reading", [&](const Statement&) { exists = true; }));
    return exists ? otherwise : NoSuchTable(table);
  }

  // The WHERE terms selecting a query's live items.
  void RangeOf(SqlBuilder& b, const std::string& table, const QueryRequest& request) {
    b.Add("tbl = ").Param(Text{table}).Add(" AND pk = ").Param(request.partition);
    if (!request.prefix.empty()) {
      b.Add(" AND sk >= ").Param(request.prefix);
      std::string end = PrefixEnd(request.prefix);
      if (!end.empty()) b.Add(" AND sk < ").Param(end);
    }
    if (request.after) b.Add(" AND sk > ").Param(*request.after);
    if (request.before) b.Add(" AND sk < ").Param(*request.before);
    b.Add(" AND ").Live();
  }

  Result<std::optional<Item>> GetLocked(const std::string& table, const Key& key) {
    // The most frequent statement: its text is built once, not per call.
    static const std::string kSql = [] {
      SqlBuilder shape(0);
      shape.Add("SELECT ").Add(kItemColumns).Add(" FROM items WHERE ").KeyMatch("", {});
      return shape.Add(" AND ").Live().sql();
    }();
    // Bound without copying: the values must outlive the statement's use.
    const std::vector<SqlValue> params{Text{table}, key.partition, key.sort, Now()};
    auto stmt = Prepare(kSql, params, "reading");
    if (!stmt.ok()) return stmt.status();
    int rc = stmt->Step();
    if (rc == SQLITE_DONE) return std::optional<Item>();
    if (rc != SQLITE_ROW) return ErrorFor(rc, "reading");
    auto item = ReadItem(*stmt, 0);
    if (!item.ok()) return item.status();
    return std::optional<Item>(std::move(*item));
  }

  // The outcome of a write whose condition failed: the current item, if any.
  Result<WriteOutcome> NotApplied(const std::string& table, const Key& key) {
    auto current = GetLocked(table, key);
    if (!current.ok()) return current.status();
    if (!*current) KVSTORE_RETURN_IF_ERROR(TableExistsOr(table, Status::Ok()));
    return WriteOutcome{.applied = false, .item = std::move(*current)};
  }

  Result<WriteOutcome> Outcome(const std::string& table, const Key& key,
                               Result<std::optional<Item>> written) {
    if (!written.ok()) return FixTableName(written.status(), table);
    if (!*written) return NotApplied(table, key);
    return WriteOutcome{.applied = true, .item = std::move(*written)};
  }

  Status FixTableName(const Status& st, const std::string& table) {
    return st.Is(Status::Code::kUnknownTable) ? NoSuchTable(table) : st;
  }

  Result<WriteOutcome> PutLocked(const std::string& table, const Item& item, const Condition& cond) {
    SqlBuilder b(Now());
    if (cond.HoldsWhenAbsent()) {
      b.Add("INSERT INTO items(tbl, pk, sk, kind, value, num, owner, deadline, cnt, expires_at, version) "
            "VALUES(")
          .Param(Text{table})
          .Add(", ")
          .Param(item.key.partition)
          .Add(", ")
          .Param(item.key.sort);
      for (SqlValue& v : ColumnValues(item)) b.Add(", ").Param(std::move(v));
      b.Add(", 1) ON CONFLICT(tbl, pk, sk) DO UPDATE SET kind = excluded.kind, value = excluded.value, "
            "num = excluded.num, owner = excluded.owner, deadline = excluded.deadline, cnt = excluded.cnt, "
            "expires_at = excluded.expires_at, version = CASE WHEN ")
          .Live()
          .Add(" THEN version + 1 ELSE 1 END WHERE ")
          .EffectiveCond(cond);
    } else {
      b.Add("UPDATE items SET ");
      std::vector<SqlValue> values = ColumnValues(item);
      size_t i = 0;
      for (Attr attr : kAllAttrs) {
        if (attr == Attr::kVersion) continue;
        b.Add(AttrName(attr)).Add(" = ").Param(std::move(values[i++])).Add(", ");
      }
      b.Add("version = version + 1 WHERE ").KeyMatch(table, item.key).Add(" AND ").Live();
      b.Add(" AND ").Cond(cond);
    }
    b.Add(" RETURNING ").Add(kItemColumns);
    return Outcome(table, item.key, WriteReturning(b, 0));
  }

  Result<WriteOutcome> UpdateLocked(const std::string& table, const Key& key,
                                    const std::vector<Action>& actions, const Condition& cond) {
    SqlBuilder b(Now());
    if (cond.HoldsWhenAbsent()) {
      // Absent or expired: the item the actions make from nothing.
      Item fresh = ApplyToAbsent(key, actions);
      b.Add("INSERT INTO items(tbl, pk, sk, kind, value, num, owner, deadline, cnt, expires_at, version) "
            "VALUES(")
          .Param(Text{table})
          .Add(", ")
          .Param(key.partition)
          .Add(", ")
          .Param(key.sort);
      for (SqlValue& v : ColumnValues(fresh)) b.Add(", ").Param(std::move(v));
      b.Add(", 1) ON CONFLICT(tbl, pk, sk) DO UPDATE SET ");
      for (Attr attr : kAllAttrs) {
        if (attr == Attr::kVersion) continue;
        const char* col = AttrName(attr);
        b.Add(col).Add(" = CASE WHEN ").Live().Add(" THEN ").ActionExpr(attr, actions);
        b.Add(" ELSE excluded.").Add(col).Add(" END, ");
      }
      b.Add("version = CASE WHEN ").Live().Add(" THEN version + 1 ELSE 1 END WHERE ").EffectiveCond(cond);
    } else {
      b.Add("UPDATE items SET ");
      for (const Action& a : actions) {
        if (a.attr == Attr::kVersion) continue;
        b.Add(AttrName(a.attr)).Add(" = ").ActionExpr(a.attr, actions).Add(", ");
      }
      b.Add("version = version + 1 WHERE ").KeyMatch(table, key).Add(" AND ").Live();
      b.Add(" AND ").Cond(cond);
    }
    b.Add(" RETURNING ").Add(kItemColumns);
    return Outcome(table, key, WriteReturning(b, 0));
  }

  Result<WriteOutcome> DeleteLocked(const std::string& table, const Key& key, const Condition& cond) {
    // When the condition holds for an absent item but may fail for a present
    // one, "nothing deleted" is ambiguous; a transaction lets us look.
    bool ambiguous = !cond.IsAlways() && cond.HoldsWhenAbsent();
    std::optional<Transaction> txn;
    if (ambiguous && !in_transaction_) {
      txn.emplace(this);
      KVSTORE_RETURN_IF_ERROR(txn->Begin());
    }
    SqlBuilder b(Now());
    b.Add("DELETE FROM items WHERE ").KeyMatch(table, key);
    if (cond.HoldsWhenAbsent()) {
      b.Add(" AND ").EffectiveCond(cond);
    } else {
      b.Add(" AND ").Live().Add(" AND ").Cond(cond);
    }
    b.Add(" RETURNING ").Live().Add(", ").Add(kItemColumns);
    bool live = false;
    auto deleted = WriteReturning(b, 1, &live);
    if (!deleted.ok()) return deleted.status();
    Result<WriteOutcome> outcome = WriteOutcome{.applied = true, .item = std::nullopt};
    if (*deleted) {
      if (live) outcome->item = std::move(*deleted);
    } else if (!cond.HoldsWhenAbsent() || ambiguous) {
      outcome = NotApplied(table, key);
      // Ambiguous and nothing live there: it was absent, so the delete holds.
      if (outcome.ok() && ambiguous && !outcome->item) outcome->applied = true;
    } else {
      KVSTORE_RETURN_IF_ERROR(TableExistsOr(table, Status::Ok()));
    }
    if (txn && outcome.ok()) KVSTORE_RETURN_IF_ERROR(txn->Commit());
    return outcome;
  }

  // Whether the condition holds for the item at key now.
  Result<bool> CheckLocked(const std::string& table, const Key& key, const Condition& cond) {
    SqlBuilder b(Now());
    b.Add("SELECT ").EffectiveCond(cond).Add(" FROM items WHERE ").KeyMatch(table, key);
    std::optional<bool> holds;
    KVSTORE_RETURN_IF_ERROR(ForEachRow(b, "checking", [&](const Statement& row) { holds = row.Int(0) != 0; }));
    return holds.value_or(cond.HoldsWhenAbsent());
  }

  // One op of a transaction or batch; whether its condition held.
  Result<bool> ApplyLocked(const std::string& table, const WriteOp& op) {
    Result<WriteOutcome> outcome = WriteOutcome{};
    switch (op.type) {
      case WriteOp::Type::kPut: outcome = PutLocked(table, op.item, op.condition); break;
      case WriteOp::Type::kUpdate: outcome = UpdateLocked(table, op.key, op.actions, op.condition); break;
      case WriteOp::Type::kDelete: outcome = DeleteLocked(table, op.key, op.condition); break;
      case WriteOp::Type::kCheck: return CheckLocked(table, op.key, op.condition);
    }
    if (!outcome.ok()) return outcome.status();
    return outcome->applied;
  }

  Result<WriteOutcome> AfterWrite(Result<WriteOutcome> outcome) {
    if (outcome.ok() && outcome->applied) MaybeReap();
    return outcome;
  }

  void MaybeReap() {
    if (random_() % kReapOneWriteIn != 0) return;
    // Usually nothing has expired: one index probe says so, sparing the
    // DELETE's write transaction and the temporary table of its subquery.
    SqlBuilder probe(Now());
    probe.Add("SELECT 1 FROM items WHERE expires_at <= ").Now().Add(" LIMIT 1");
    bool any = false;
    if (!ForEachRow(probe, "looking for expired items", [&](const Statement&) { any = true; }).ok() || !any) return;
    SqlBuilder b(Now());
    b.Add("DELETE FROM items WHERE (tbl, pk, sk) IN (SELECT tbl, pk, sk FROM items WHERE expires_at <= ");
    b.Now().Add(" LIMIT ").Param(int64_t{kReapBatch}).Add(")");
    (void)Execute(b, "removing expired items");  // best effort: the next write tries again
  }

  Connection connection_;
  sqlite3* db_;
  std::string path_;
  StatementCache cache_;
  std::shared_ptr<Clock> clock_;
  std::minstd_rand random_;
  std::mutex mu_;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<Engine>> OpenSqliteEngine(const SqliteOptions& options) {
  auto db = OpenDatabase(options.path, options.durability);
  if (!db.ok()) return db.status();
  return std::unique_ptr<Engine>(std::make_unique<SqliteEngine>(*db, options.path, options.clock));
}

}  // namespace kvstore::storage::sqlite
