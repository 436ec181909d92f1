// Export and import (kvstore/dump.h): every partition of the data model
// (layout.h) read in pages and turned into records, and records written back
// as the items they stand for, in batches.
#include "kvstore/dump.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "primitives/counter_shards.h"
#include "primitives/for_each_item.h"
#include "primitives/layout.h"
#include "primitives/queue_ops.h"
#include "storage/engine.h"
#include "storage/limits.h"
#include "util/random.h"

namespace kvstore {

using storage::Attr;
using storage::Condition;
using storage::Item;
using storage::Key;
using storage::WriteOp;
using Type = DumpRecord::Type;

namespace {

// Writes handed to the engine at once while importing: one SQLite
// transaction; DynamoDB's engine sends them 25 per BatchWriteItem.
constexpr size_t kImportBatch = 500;

// Every live item of one partition (for_each_item.h).
Status ForEachItem(const Table& table, const std::string& partition, const std::function<Status(const Item&)>& each) {
  return kvstore::ForEachItem(table, {.partition = partition}, each);
}

std::optional<Millis> TimeLeft(std::optional<int64_t> until_ms, int64_t now_ms) {
  if (!until_ms) return std::nullopt;
  return Millis(std::max<int64_t>(*until_ms - now_ms, 1));
}

class Exporter {
 public:
  Exporter(const Table& table, const std::function<Status(const DumpRecord&)>& sink)
      : table_(table), sink_(sink), now_(table.clock().NowMillis()) {}

  Status Run() {
    KVSTORE_RETURN_IF_ERROR(Emit({.type = Type::kTable}));
    KVSTORE_RETURN_IF_ERROR(ForEachItem(table_, std::string(layout::kKeysPartition), [&](const Item& item) {
      bool counter = item.kind == layout::kKindCounter;
      // A sharded counter leaves as its value: an import makes it unsharded.
      auto number = counter ? counter_shards::ValueOf(table_, item) : Result<int64_t>(int64_t{0});
      if (!number.ok()) return number.status();
      return Emit({.type = counter ? Type::kCounter : Type::kKey, .name = item.key.sort,
                   .value = counter ? "" : item.value.value_or(""), .number = *number,
                   .ttl = TimeLeft(item.expires_at, now_)});
    }));
    KVSTORE_RETURN_IF_ERROR(Tokens(layout::kLocksPartition, Type::kLock));
    KVSTORE_RETURN_IF_ERROR(Tokens(layout::kLeadersPartition, Type::kLeader));
    KVSTORE_RETURN_IF_ERROR(Tokens(layout::kSemaphoresPartition, Type::kSemaphore));
    KVSTORE_RETURN_IF_ERROR(Members(layout::kSetHeadersPartition, Type::kSet, Type::kMember, layout::SetPartition));
    KVSTORE_RETURN_IF_ERROR(Members(layout::kListHeadersPartition, Type::kList, Type::kElement, layout::ListPartition));
    return Queues();
  }

 private:
  Status Emit(DumpRecord record) {
    record.table = table_.name();
    return sink_(record);
  }

  // Locks, leader groups and semaphores: the token / term, never a holder.
  Status Tokens(std::string_view partition, Type type) {
    return ForEachItem(table_, std::string(partition), [&](const Item& item) {
      if (item.number.value_or(0) <= 0) return Status::Ok();
      return Emit({.type = type, .name = item.key.sort, .number = *item.number});
    });
  }

  // Sets and lists: a header record, then one per member or element in
  // sort order (list order, for lists).
  Status Members(std::string_view headers, Type header_type, Type member_type,
                 std::string (*partition_of)(std::string_view)) {
    return ForEachItem(table_, std::string(headers), [&](const Item& header) {
      KVSTORE_RETURN_IF_ERROR(Emit({.type = header_type, .name = header.key.sort, .ttl = TimeLeft(header.expires_at, now_)}));
      return ForEachItem(table_, partition_of(header.key.sort), [&](const Item& item) {
        bool is_member = member_type == Type::kMember;
        return Emit({.type = member_type, .name = header.key.sort,
                     .value = is_member ? item.key.sort : item.value.value_or("")});
      });
    });
  }

  Status Queues() {
    auto queues = queue_internal::ListQueues(table_, "");
    if (!queues.ok()) return queues.status();
    for (const queue_internal::QueueName& queue : *queues) {
      KVSTORE_RETURN_IF_ERROR(Emit({.type = Type::kQueue, .name = queue.name, .number = queue.last_id}));
      KVSTORE_RETURN_IF_ERROR(queue_internal::ForEachMessage(table_, queue.name, [&](const Item& item) {
        return Emit({.type = Type::kMessage, .name = queue.name, .value = item.value.value_or(""),
                     .number = item.number.value_or(0), .id = layout::MessageSequence(item.key.sort),
                     .receive_count = item.count.value_or(0),
                     .ttl = item.deadline && *item.deadline > now_ ? TimeLeft(item.deadline, now_) : std::nullopt});
      }));
    }
    return Status::Ok();
  }

  const Table& table_;
  const std::function<Status(const DumpRecord&)>& sink_;
  int64_t now_;
};

const char* TypeName(Type type) {
  switch (type) {
    case Type::kSet: case Type::kMember: return "set";
    case Type::kList: case Type::kElement: return "list";
    case Type::kQueue: case Type::kMessage: return "queue";
    default: return "object";
  }
}

// The header record a member, element or message belongs under.
Type HeaderOf(Type type) {
  return type == Type::kMember ? Type::kSet : type == Type::kElement ? Type::kList : Type::kQueue;
}

}  // namespace

Status Export(Store& store, const std::vector<std::string>& tables,
              const std::function<Status(const DumpRecord&)>& sink) {
  auto listed = store.ListTables();
  if (!listed.ok()) return listed.status();
  std::set<std::string> names(tables.begin(), tables.end());  // in name order, once each
  for (const std::string& name : names) {
    KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(name));
    if (!std::binary_search(listed->begin(), listed->end(), name)) return storage::NoSuchTable(name);
  }
  if (names.empty()) names.insert(listed->begin(), listed->end());
  for (const std::string& name : names) {
    auto table = store.OpenTable(name);
    if (!table.ok()) return table.status();
    KVSTORE_RETURN_IF_ERROR(Exporter(*table, sink).Run());
  }
  return Status::Ok();
}

class Importer::Impl {
 public:
  Impl(Store& store, ImportMode mode) : store_(store), mode_(mode) {}

  Status Add(const DumpRecord& record) {
    if (!table_ || table_->name() != record.table) KVSTORE_RETURN_IF_ERROR(SwitchTable(record.table));
    switch (record.type) {
      case Type::kTable: return Status::Ok();
      case Type::kKey: case Type::kCounter: return AddKey(record);
      case Type::kLock: case Type::kLeader: case Type::kSemaphore: return AddToken(record);
      case Type::kSet: case Type::kList: case Type::kQueue: return OpenObject(record);
      case Type::kMember: case Type::kElement: case Type::kMessage: return AddPart(record);
    }
    return Status::InvalidArgument("unknown record type");
  }

  Status Finish() {
    KVSTORE_RETURN_IF_ERROR(CloseObject());
    return Flush();
  }

  int64_t written() const { return written_; }

 private:
  // A set, list or queue whose parts are being written.
  struct Collection {
    Type type;
    std::string name;
    bool skip = false;       // kIfNotExists and it exists
    int64_t parts = 0;       // members or elements written
    int64_t last_id = 0;     // queues: the highest id seen, and the header's
    std::optional<int64_t> expires_at{};  // sets and lists: theirs, on every part
  };

  Status SwitchTable(const std::string& name) {
    KVSTORE_RETURN_IF_ERROR(Finish());
    KVSTORE_RETURN_IF_ERROR(storage::ValidateTableName(name));
    if (mode_ == ImportMode::kReplaceTables && emptied_.insert(name).second) {
      KVSTORE_RETURN_IF_ERROR(store_.DropTable(name, {.if_exists = true}));
    }
    KVSTORE_RETURN_IF_ERROR(store_.CreateTable(name, {.if_not_exists = true}));
    auto table = store_.OpenTable(name);
    if (!table.ok()) return table.status();
    table_ = *table;
    auto layout = table_->Layout();
    if (!layout.ok()) return layout.status();
    layout_ = *layout;
    return Status::Ok();
  }

  int64_t Now() const { return table_->clock().NowMillis(); }
  storage::Engine& Engine() { return table_->engine(); }

  Status AddKey(const DumpRecord& record) {
    KVSTORE_RETURN_IF_ERROR(CloseObject());
    KVSTORE_RETURN_IF_ERROR(storage::ValidateName("key", record.name));
    KVSTORE_RETURN_IF_ERROR(storage::ValidateValue("value", record.value));
    Item item;
    item.key = layout::KeyOf(record.name);
    if (record.type == Type::kCounter) {
      item.kind = std::string(layout::kKindCounter);
      item.number = record.number;
    } else {
      item.kind = std::string(layout::kKindValue);
      item.value = record.value;
    }
    if (record.ttl) item.expires_at = Now() + record.ttl->count();
    return Write(WriteOp::Put(std::move(item)));
  }

  // Where a token record goes: its item's key and kind, and what to call it.
  struct TokenItem {
    Key key;
    std::string_view kind;
    const char* what;
  };
  static TokenItem TokenItemOf(const DumpRecord& record) {
    switch (record.type) {
      case Type::kLock: return {layout::LockKey(record.name), layout::kKindLock, "lock"};
      case Type::kLeader: return {layout::LeaderKey(record.name), layout::kKindLeader, "group"};
      default: return {layout::SemaphoreKey(record.name), layout::kKindSemaphore, "semaphore"};
    }
  }

  // A lock's or semaphore's token or a group's term moves up, never down,
  // and never under a lock or leader of this store (a semaphore's holders
  // keep their slots: its next token is simply higher).
  Status AddToken(const DumpRecord& record) {
    KVSTORE_RETURN_IF_ERROR(CloseObject());
    TokenItem target = TokenItemOf(record);
    KVSTORE_RETURN_IF_ERROR(storage::ValidateName(target.what, record.name));
    Condition condition =
        mode_ == ImportMode::kIfNotExists
            ? Condition::NotExists()
            : Condition::AnyOf({Condition::NotExists(),
                                Condition::AllOf({Condition::AttrNotExists(Attr::kOwner),
                                                  Condition::Compare(Attr::kNumber, storage::CompareOp::kLt,
                                                                     record.number)})});
    auto outcome = Engine().Update(
        table_->name(), target.key,
        {storage::Action::Set(Attr::kKind, std::string(target.kind)), storage::Action::Set(Attr::kNumber, record.number)},
        condition);
    if (!outcome.ok()) return outcome.status();
    written_ += outcome->applied ? 1 : 0;
    return Status::Ok();
  }

  Status OpenObject(const DumpRecord& record) {
    KVSTORE_RETURN_IF_ERROR(CloseObject());
    KVSTORE_RETURN_IF_ERROR(storage::ValidateName(TypeName(record.type), record.name));
    open_ = Collection{.type = record.type, .name = record.name, .last_id = record.number};
    if (record.ttl && record.type != Type::kQueue) open_->expires_at = Now() + record.ttl->count();
    if (record.type == Type::kQueue && !queue_internal::HasHeader(layout_, record.name)) return OpenHeaderlessQueue(record);
    auto header = Engine().Get(table_->name(), HeaderKey(record.type, record.name));
    if (!header.ok() && header.status().code() != Status::Code::kNotFound) return header.status();
    bool exists = header.ok();
    if (exists && mode_ == ImportMode::kIfNotExists) {
      open_->skip = true;
      return Status::Ok();
    }
    if (exists && record.type == Type::kQueue) open_->last_id = std::max(open_->last_id, header->number.value_or(0));
    if (exists) return DeleteParts(record.type, record.name);
    return Status::Ok();
  }

  // A layout-2 queue is known by its messages alone.
  Status OpenHeaderlessQueue(const DumpRecord& record) {
    auto queues = queue_internal::ListQueues(*table_, record.name);
    if (!queues.ok()) return queues.status();
    bool exists = std::any_of(queues->begin(), queues->end(), [&](const auto& q) { return q.name == record.name; });
    if (exists && mode_ == ImportMode::kIfNotExists) open_->skip = true;
    return exists && !open_->skip ? DeleteParts(record.type, record.name) : Status::Ok();
  }

  Status AddPart(const DumpRecord& record) {
    if (!open_ || open_->type != HeaderOf(record.type) || open_->name != record.name) {
      return Status::InvalidArgument(std::string("a part of ") + TypeName(record.type) + " '" + record.name +
                                     "' that does not follow its " + TypeName(record.type) + " record");
    }
    if (open_->skip) return Status::Ok();
    KVSTORE_RETURN_IF_ERROR(storage::ValidateValue("value", record.value));
    Item item;
    if (record.type == Type::kMember) {
      KVSTORE_RETURN_IF_ERROR(storage::ValidateName("member", record.value));
      item.key = layout::SetMemberKey(record.name, record.value);
      item.kind = std::string(layout::kKindMember);
    } else if (record.type == Type::kElement) {
      item.key = layout::ListElementKey(record.name, open_->parts);
      item.kind = std::string(layout::kKindElement);
      item.owner = layout::NewElementToken(RandomU64());
      item.value = record.value;
    } else {
      item = MessageItem(record);
      open_->last_id = std::max(open_->last_id, record.id);
    }
    if (record.type != Type::kMessage) item.expires_at = open_->expires_at;
    ++open_->parts;
    return Write(WriteOp::Put(std::move(item)));
  }

  Item MessageItem(const DumpRecord& record) {
    std::optional<int64_t> visible_at;
    if (record.ttl) visible_at = Now() + record.ttl->count();
    return queue_internal::StoredMessage(layout_, record.name, record.number, record.id, record.value,
                                         record.receive_count, visible_at);
  }

  static Key HeaderKey(Type type, const std::string& name) {
    return type == Type::kSet ? layout::SetHeaderKey(name)
           : type == Type::kList ? layout::ListHeaderKey(name)
                                 : layout::QueueHeaderKey(name);
  }

  // The parts of the object the import replaces (its header is rewritten
  // when the object closes).
  Status DeleteParts(Type type, const std::string& name) {
    auto remove = [&](const Item& item) {
      pending_.push_back(WriteOp::Delete(item.key));
      return pending_.size() >= kImportBatch ? Flush() : Status::Ok();
    };
    if (type == Type::kQueue) {
      KVSTORE_RETURN_IF_ERROR(queue_internal::ForEachMessage(*table_, name, remove));
    } else {
      KVSTORE_RETURN_IF_ERROR(
          ForEachItem(*table_, type == Type::kSet ? layout::SetPartition(name) : layout::ListPartition(name), remove));
    }
    return Flush();
  }

  // The header of the set, list or queue just written: member count, list
  // bounds, or the queue's last id (never lowered, so ids are not reused).
  Status CloseObject() {
    if (!open_) return Status::Ok();
    Collection object = std::move(*open_);
    open_.reset();
    if (object.skip) return Status::Ok();
    KVSTORE_RETURN_IF_ERROR(Flush());
    if (object.type == Type::kQueue && !queue_internal::HasHeader(layout_, object.name)) {
      ++written_;  // nothing to write: the queue is its messages
      return Status::Ok();
    }
    Item header;
    header.key = HeaderKey(object.type, object.name);
    header.expires_at = object.expires_at;
    if (object.type == Type::kSet) {
      header.kind = std::string(layout::kKindSet);
      header.number = object.parts;
    } else if (object.type == Type::kList) {
      header.kind = std::string(layout::kKindList);
      header.number = 0;
      header.count = object.parts;
    } else {
      header.kind = std::string(layout::kKindQueue);
      header.number = object.last_id;
    }
    auto put = Engine().Put(table_->name(), header, Condition::Always());
    if (!put.ok()) return put.status();
    ++written_;
    return Status::Ok();
  }

  // Batched, except what must not overwrite (kIfNotExists keys).
  Status Write(WriteOp op) {
    if (mode_ == ImportMode::kIfNotExists && op.item.key.partition == layout::kKeysPartition) {
      auto put = Engine().Put(table_->name(), op.item, Condition::NotExists());
      if (!put.ok()) return put.status();
      written_ += put->applied ? 1 : 0;
      return Status::Ok();
    }
    // DynamoDB refuses a batch naming one key twice: the later write goes
    // in the next batch, so the last one in the file wins.
    std::string key = op.item.key.partition + '\0' + op.item.key.sort;
    if (!pending_keys_.insert(key).second) {
      KVSTORE_RETURN_IF_ERROR(Flush());
      pending_keys_.insert(std::move(key));
    }
    pending_.push_back(std::move(op));
    return pending_.size() >= kImportBatch ? Flush() : Status::Ok();
  }

  // Records count as written once the store has them.
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    KVSTORE_RETURN_IF_ERROR(Engine().BatchWrite(table_->name(), pending_));
    written_ += std::count_if(pending_.begin(), pending_.end(),
                              [](const WriteOp& op) { return op.type == WriteOp::Type::kPut; });
    pending_.clear();
    pending_keys_.clear();
    return Status::Ok();
  }

  Store& store_;
  ImportMode mode_;
  std::optional<Table> table_;
  TableLayout layout_;  // table_'s
  std::set<std::string> emptied_;
  std::optional<Collection> open_;
  std::vector<WriteOp> pending_;
  std::unordered_set<std::string> pending_keys_;  // of the puts in pending_
  int64_t written_ = 0;
};

Importer::Importer(Store& store, ImportMode mode) : impl_(std::make_unique<Impl>(store, mode)) {}
Importer::~Importer() = default;
Status Importer::Add(const DumpRecord& record) { return impl_->Add(record); }
Status Importer::Finish() { return impl_->Finish(); }
int64_t Importer::written() const { return impl_->written(); }

}  // namespace kvstore
