#include "cli/export_format.h"

#include <ctime>
#include <iterator>

#include "cli/json_fields.h"
#include "cli/output.h"

namespace kvstore::cli {
namespace {

using Type = DumpRecord::Type;

// Each record type: its name in the file and the field naming its object.
struct TypeSpelling {
  Type type;
  const char* name;
  const char* object_field;  // nullptr for "table"
};
constexpr TypeSpelling kTypes[] = {
    {Type::kTable, "table", nullptr},      {Type::kKey, "key", "key"},         {Type::kCounter, "counter", "key"},
    {Type::kLock, "lock", "lock"},         {Type::kLeader, "leader", "group"}, {Type::kSet, "set", "set"},
    {Type::kMember, "member", "set"},      {Type::kList, "list", "list"},      {Type::kElement, "element", "list"},
    {Type::kQueue, "queue", "queue"},      {Type::kMessage, "message", "queue"}, {Type::kSemaphore, "semaphore", "semaphore"},
};

const TypeSpelling& SpellingOf(Type type) {
  for (const TypeSpelling& s : kTypes) {
    if (s.type == type) return s;
  }
  return kTypes[0];
}

double Seconds(Millis ms) { return static_cast<double>(ms.count()) / 1000.0; }

// The records whose "ttl" is the time their object has left to live.
bool HasTtl(Type type) {
  return type == Type::kKey || type == Type::kCounter || type == Type::kSet || type == Type::kList;
}

// The fields a record of each type carries besides table, type and its object.
void PutDetails(Json& doc, const DumpRecord& r) {
  switch (r.type) {
    case Type::kKey: PutBytes(doc, "value", r.value); break;
    case Type::kCounter: doc["value"] = r.number; break;
    case Type::kLock:
    case Type::kSemaphore: doc["fencing_token"] = r.number; break;
    case Type::kLeader: doc["term"] = r.number; break;
    case Type::kMember: PutBytes(doc, "member", r.value); break;
    case Type::kElement: PutBytes(doc, "value", r.value); break;
    case Type::kQueue: doc["last_id"] = r.number; break;
    case Type::kMessage:
      doc["id"] = r.id;
      PutBytes(doc, "payload", r.value);
      doc["priority"] = r.number;
      doc["receive_count"] = r.receive_count;
      if (r.ttl) doc["delay"] = Seconds(*r.ttl);
      break;
    default: break;
  }
  if (r.ttl && HasTtl(r.type)) doc["ttl"] = Seconds(*r.ttl);
}

Status ReadDetails(const Fields& f, DumpRecord& r) {
  switch (r.type) {
    case Type::kTable: return f.Known({"table", "type"});
    case Type::kKey:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "key", "key_base64", "value", "value_base64", "ttl"}));
      KVSTORE_ASSIGN_OR_RETURN(r.value, f.Bytes("value"));
      break;
    case Type::kCounter:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "key", "key_base64", "value", "ttl"}));
      KVSTORE_ASSIGN_OR_RETURN(r.number, f.Integer("value"));
      break;
    case Type::kLock:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "lock", "lock_base64", "fencing_token"}));
      KVSTORE_ASSIGN_OR_RETURN(r.number, f.Integer("fencing_token"));
      break;
    case Type::kSemaphore:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "semaphore", "semaphore_base64", "fencing_token"}));
      KVSTORE_ASSIGN_OR_RETURN(r.number, f.Integer("fencing_token"));
      break;
    case Type::kLeader:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "group", "group_base64", "term"}));
      KVSTORE_ASSIGN_OR_RETURN(r.number, f.Integer("term"));
      break;
    case Type::kSet: KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "set", "set_base64", "ttl"})); break;
    case Type::kList: KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "list", "list_base64", "ttl"})); break;
    case Type::kMember:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "set", "set_base64", "member", "member_base64"}));
      KVSTORE_ASSIGN_OR_RETURN(r.value, f.Bytes("member"));
      break;
    case Type::kElement:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "list", "list_base64", "value", "value_base64"}));
      KVSTORE_ASSIGN_OR_RETURN(r.value, f.Bytes("value"));
      break;
    case Type::kQueue:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "queue", "queue_base64", "last_id"}));
      if (f.Has("last_id")) KVSTORE_ASSIGN_OR_RETURN(r.number, f.Integer("last_id"));
      break;
    case Type::kMessage:
      KVSTORE_RETURN_IF_ERROR(f.Known({"table", "type", "queue", "queue_base64", "id", "payload", "payload_base64",
                                       "priority", "receive_count", "delay"}));
      KVSTORE_ASSIGN_OR_RETURN(r.id, f.Integer("id"));
      if (r.id <= 0) return f.Error("field 'id' must be more than 0");
      KVSTORE_ASSIGN_OR_RETURN(r.value, f.Bytes("payload"));
      if (f.Has("priority")) KVSTORE_ASSIGN_OR_RETURN(r.number, f.Integer("priority"));
      if (f.Has("receive_count")) KVSTORE_ASSIGN_OR_RETURN(r.receive_count, f.Integer("receive_count"));
      if (f.Has("delay")) KVSTORE_ASSIGN_OR_RETURN(r.ttl, f.Seconds("delay"));
      break;
  }
  if (HasTtl(r.type) && f.Has("ttl")) KVSTORE_ASSIGN_OR_RETURN(r.ttl, f.Seconds("ttl"));
  return Status::Ok();
}

Result<Type> TypeNamed(const Fields& f) {
  std::string name;
  KVSTORE_ASSIGN_OR_RETURN(name, f.String("type"));
  for (const TypeSpelling& s : kTypes) {
    if (name == s.name) return s.type;
  }
  return f.Error("unknown record type '" + name + "'");
}

Status CheckHeader(const nlohmann::json& doc, const std::string& where) {
  const nlohmann::json& version = doc["kvstore_export"];
  if (!version.is_number_integer() || version.get<int64_t>() < 1) {
    return Status::InvalidArgument(where + "'kvstore_export' must be a format version (1)");
  }
  if (version.get<int64_t>() > kExportFormatVersion) {
    return Status::InvalidArgument(where + "the export is in format " + std::to_string(version.get<int64_t>()) +
                                   ", newer than this kvstore reads (" + std::to_string(kExportFormatVersion) + ")");
  }
  return Status::Ok();
}

}  // namespace

std::string HeaderLine(std::string_view engine, int64_t now_ms) {
  std::time_t seconds = static_cast<std::time_t>(now_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return Json{{"kvstore_export", kExportFormatVersion}, {"engine", engine}, {"exported_at", when}}.dump();
}

std::string RecordLine(const DumpRecord& record) {
  const TypeSpelling& spelling = SpellingOf(record.type);
  Json doc;
  PutBytes(doc, "table", record.table);
  doc["type"] = spelling.name;
  if (spelling.object_field) PutBytes(doc, spelling.object_field, record.name);
  PutDetails(doc, record);
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::optional<DumpRecord>> ParseRecordLine(std::string_view line, const std::string& where) {
  auto doc = ParseJson(line, where);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) return Status::InvalidArgument(where + "a record must be a JSON object");
  if (doc->contains("kvstore_export")) {
    KVSTORE_RETURN_IF_ERROR(CheckHeader(*doc, where));
    return std::optional<DumpRecord>();
  }
  Fields f(*doc, where);
  DumpRecord record;
  KVSTORE_ASSIGN_OR_RETURN(record.type, TypeNamed(f));
  KVSTORE_ASSIGN_OR_RETURN(record.table, f.String("table"));
  if (const char* object = SpellingOf(record.type).object_field) KVSTORE_ASSIGN_OR_RETURN(record.name, f.Bytes(object));
  KVSTORE_RETURN_IF_ERROR(ReadDetails(f, record));
  return std::optional<DumpRecord>(std::move(record));
}

}  // namespace kvstore::cli
