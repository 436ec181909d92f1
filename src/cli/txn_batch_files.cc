#include "cli/txn_batch_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/json_fields.h"
#include "util/base64.h"

namespace kvstore::cli {
namespace {

using Json = nlohmann::json;

const std::map<std::string, TxnOp::Type>& OpTypes() {
  static const std::map<std::string, TxnOp::Type> kTypes = {
      {"set", TxnOp::Type::kSet},     {"delete", TxnOp::Type::kDelete}, {"inc", TxnOp::Type::kAdd},
      {"dec", TxnOp::Type::kAdd},     {"sadd", TxnOp::Type::kSAdd},     {"srem", TxnOp::Type::kSRem},
      {"lpush", TxnOp::Type::kLPush}, {"rpush", TxnOp::Type::kRPush},   {"check", TxnOp::Type::kCheck}};
  return kTypes;
}

Status ParseCheck(const Fields& f, TxnOp& op) {
  int given = f.Has("exists") + f.Has("equals") + f.Has("compare");
  if (given != 1) return f.Error("a check takes exactly one of 'exists', 'equals' or 'compare'");
  KVSTORE_RETURN_IF_ERROR(f.Known({"op", "key", "exists", "equals", "equals_base64", "compare", "number"}));
  if (f.Has("exists")) {
    return Status::Ok();  // the caller reads the bool (Fields has no Bool)
  }
  if (f.Has("equals")) {
    op.check = TxnOp::Check::kEquals;
    KVSTORE_ASSIGN_OR_RETURN(op.value, f.Bytes("equals"));
    return Status::Ok();
  }
  static const std::map<std::string, TxnOp::Compare> kCompares = {
      {"==", TxnOp::Compare::kEq}, {"!=", TxnOp::Compare::kNe}, {"<", TxnOp::Compare::kLt},
      {"<=", TxnOp::Compare::kLe}, {">", TxnOp::Compare::kGt},  {">=", TxnOp::Compare::kGe}};
  std::string compare;
  KVSTORE_ASSIGN_OR_RETURN(compare, f.String("compare"));
  auto it = kCompares.find(compare);
  if (it == kCompares.end()) return f.Error("field 'compare' must be one of == != < <= > >=");
  if (!f.Has("number")) return f.Error("missing field 'number'");
  op.check = TxnOp::Check::kCompare;
  op.compare = it->second;
  KVSTORE_ASSIGN_OR_RETURN(op.number, f.Integer("number"));
  return Status::Ok();
}

// "if_lock": "LOCK:TOKEN" and "if_leader": "GROUP:TERM", which any operation
// may carry: moved from `j` into `op`, so the op's own fields are read alone.
Status TakeFences(Json& j, const Fields& f, TxnOp& op) {
  for (auto [field, holder] : {std::pair{"if_lock", Fence::Holder::kLock}, {"if_leader", Fence::Holder::kLeader}}) {
    if (!f.Has(field)) continue;
    std::string text;
    KVSTORE_ASSIGN_OR_RETURN(text, f.String(field));
    auto fence = ParseFence(holder, text);
    if (!fence.ok()) return f.Error("field '" + std::string(field) + "': " + fence.status().message());
    op.fences.push_back(std::move(*fence));
    j.erase(field);
  }
  return Status::Ok();
}

Result<TxnOp> ParseOp(Json j, size_t index) {
  std::string where = "operation " + std::to_string(index) + ": ";
  if (!j.is_object()) return Status::InvalidArgument(where + "must be an object");
  Fields head(j, where);
  std::string name;
  KVSTORE_ASSIGN_OR_RETURN(name, head.String("op"));
  auto type = OpTypes().find(name);
  if (type == OpTypes().end()) {
    return head.Error("unknown op '" + name + "'; use set, delete, inc, dec, sadd, srem, lpush, rpush or check");
  }
  TxnOp op;
  op.type = type->second;
  Fields f(j, "operation " + std::to_string(index) + " (" + name + "): ");
  KVSTORE_RETURN_IF_ERROR(TakeFences(j, f, op));
  switch (op.type) {
    case TxnOp::Type::kSet:
      KVSTORE_RETURN_IF_ERROR(f.Known({"op", "key", "value", "value_base64", "ttl"}));
      KVSTORE_ASSIGN_OR_RETURN(op.name, f.String("key"));
      KVSTORE_ASSIGN_OR_RETURN(op.value, f.Bytes("value"));
      if (f.Has("ttl")) KVSTORE_ASSIGN_OR_RETURN(op.ttl, f.Seconds("ttl"));
      break;
    case TxnOp::Type::kDelete:
      KVSTORE_RETURN_IF_ERROR(f.Known({"op", "key"}));
      KVSTORE_ASSIGN_OR_RETURN(op.name, f.String("key"));
      break;
    case TxnOp::Type::kAdd:
      KVSTORE_RETURN_IF_ERROR(f.Known({"op", "key", "by"}));
      KVSTORE_ASSIGN_OR_RETURN(op.name, f.String("key"));
      if (f.Has("by")) KVSTORE_ASSIGN_OR_RETURN(op.by, f.Integer("by"));
      if (name == "dec") {
        if (op.by == INT64_MIN) return f.Error("field 'by' cannot be negated within 64 bits");
        op.by = -op.by;
      }
      break;
    case TxnOp::Type::kSAdd:
    case TxnOp::Type::kSRem:
      KVSTORE_RETURN_IF_ERROR(f.Known({"op", "set", "members"}));
      KVSTORE_ASSIGN_OR_RETURN(op.name, f.String("set"));
      KVSTORE_ASSIGN_OR_RETURN(op.items, f.Strings("members"));
      break;
    case TxnOp::Type::kLPush:
    case TxnOp::Type::kRPush:
      KVSTORE_RETURN_IF_ERROR(f.Known({"op", "list", "values"}));
      KVSTORE_ASSIGN_OR_RETURN(op.name, f.String("list"));
      KVSTORE_ASSIGN_OR_RETURN(op.items, f.Strings("values"));
      break;
    case TxnOp::Type::kCheck:
      KVSTORE_ASSIGN_OR_RETURN(op.name, f.String("key"));
      KVSTORE_RETURN_IF_ERROR(ParseCheck(f, op));
      if (f.Has("exists")) {
        if (!j.at("exists").is_boolean()) return f.Error("field 'exists' must be true or false");
        op.check = j.at("exists").get<bool>() ? TxnOp::Check::kExists : TxnOp::Check::kNotExists;
      }
      break;
  }
  return op;
}

Result<BatchEntry> ParseEntry(const Json& j, const std::string& origin) {
  std::string where = origin + ": ";
  if (!j.is_object()) return Status::InvalidArgument(where + "must be an object with key and value");
  Fields f(j, where);
  KVSTORE_RETURN_IF_ERROR(f.Known({"key", "value", "value_base64", "ttl"}));
  BatchEntry entry;
  KVSTORE_ASSIGN_OR_RETURN(entry.key, f.String("key"));
  KVSTORE_ASSIGN_OR_RETURN(entry.value, f.Bytes("value"));
  if (f.Has("ttl")) KVSTORE_ASSIGN_OR_RETURN(entry.ttl, f.Seconds("ttl"));
  return entry;
}

}  // namespace

Result<std::string> ReadInputFile(std::string_view what, const std::string& path, size_t max_bytes) {
  if (path == "-") return ValueOrStdin(what, path, max_bytes);
  std::string quoted = std::string(what) + " '" + path + "'";
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(quoted + " is a folder, not a file");
    // Refused before reading: a huge file costs nothing to turn away.
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
      return Status::InvalidArgument(quoted + " is over the limit of " + std::to_string(max_bytes) + " bytes");
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read " + quoted + ": " + std::strerror(errno));
  std::string data;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    data.append(buffer, static_cast<size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return Status::InvalidArgument(quoted + " is over the limit of " + std::to_string(max_bytes) + " bytes");
    }
  }
  if (in.bad()) return Status::InvalidArgument("cannot read " + quoted + ": " + std::strerror(errno));
  return data;
}

Result<std::vector<TxnOp>> ParseTransaction(std::string_view text) {
  auto doc = ParseJson(text, "transaction file: ");
  if (!doc.ok()) return doc.status();
  const Json* list = &*doc;
  if (doc->is_object()) {
    for (const auto& [name, value] : doc->items()) {
      if (name != "operations") return Status::InvalidArgument("transaction file: unknown field '" + name + "'");
    }
    if (!doc->contains("operations")) return Status::InvalidArgument("transaction file: missing field 'operations'");
    list = &doc->at("operations");
  }
  if (!list->is_array()) {
    return Status::InvalidArgument("transaction file: expected {\"operations\": [...]} or an array of operations");
  }
  if (list->size() > kMaxTxnOps) {
    return Status::InvalidArgument("transaction file: " + std::to_string(list->size()) +
                                   " operations; the limit is " + std::to_string(kMaxTxnOps));
  }
  std::vector<TxnOp> ops;
  for (size_t i = 0; i < list->size(); ++i) {
    auto op = ParseOp((*list)[i], i);
    if (!op.ok()) return op.status();
    ops.push_back(std::move(*op));
  }
  return ops;
}

Result<BatchFile> ParseBatchFile(std::string_view text) {
  BatchFile file;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '[') {
    auto doc = ParseJson(text, "batch file: ");
    if (!doc.ok()) return doc.status();
    for (size_t i = 0; i < doc->size(); ++i) {
      std::string origin = "entry " + std::to_string(i);
      auto entry = ParseEntry((*doc)[i], origin);
      if (!entry.ok()) return entry.status();
      file.entries.push_back(std::move(*entry));
      file.origins.push_back(origin);
    }
    return file;
  }
  size_t line_no = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    std::string origin = "line " + std::to_string(line_no);
    auto entry = ParseBatchLine(line, origin + ": ");
    if (!entry.ok()) return entry.status();
    file.entries.push_back(std::move(*entry));
    file.origins.push_back(origin);
  }
  return file;
}

Result<BatchEntry> ParseBatchLine(std::string_view line, const std::string& where) {
  auto doc = ParseJson(line, where);
  if (!doc.ok()) return doc.status();
  return ParseEntry(*doc, where.substr(0, where.size() - 2));
}

std::vector<std::string> ParseKeyLines(std::string_view text) {
  std::vector<std::string> keys;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) keys.emplace_back(line);
  }
  return keys;
}

}  // namespace kvstore::cli
