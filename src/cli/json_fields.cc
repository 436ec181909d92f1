#include "cli/json_fields.h"

#include <cmath>

#include "util/base64.h"

namespace kvstore::cli {
namespace {

using Json = nlohmann::json;

// Deeper nesting than this is refused before parsing: the parser recurses,
// and no valid document here needs more than 3 levels.
constexpr int kMaxDepth = 32;

Status CheckDepth(std::string_view text, const std::string& where) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return Status::InvalidArgument(where + "the JSON is nested more than 32 levels deep");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text, const std::string& where) {
  KVSTORE_RETURN_IF_ERROR(CheckDepth(text, where));
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    auto* parse = dynamic_cast<const Json::parse_error*>(&e);
    return Status::InvalidArgument(where + "malformed JSON" +
                                   (parse ? " at byte " + std::to_string(parse->byte) : std::string()));
  }
}


Status Fields::Known(std::initializer_list<const char*> names) const {
  for (const auto& [name, value] : object_.items()) {
    bool known = false;
    for (const char* n : names) known = known || name == n;
    if (!known) return Error("unknown field '" + name + "'");
  }
  return Status::Ok();
}

Result<std::string> Fields::String(const char* name) const {
  if (!Has(name)) return Error("missing field '" + std::string(name) + "'");
  const Json& v = object_.at(name);
  if (!v.is_string()) return Error("field '" + std::string(name) + "' must be a string");
  return v.get<std::string>();
}

Result<std::string> Fields::Bytes(const char* name) const {
  std::string b64 = std::string(name) + "_base64";
  if (Has(name) && Has(b64.c_str())) return Error("give either '" + std::string(name) + "' or '" + b64 + "'");
  if (!Has(b64.c_str())) return String(name);
  auto text = String(b64.c_str());
  if (!text.ok()) return text.status();
  auto bytes = Base64Decode(*text);
  if (!bytes) return Error("field '" + b64 + "' is not valid base64");
  return *bytes;
}

Result<int64_t> Fields::Integer(const char* name) const {
  if (!Has(name)) return Error("missing field '" + std::string(name) + "'");
  const Json& v = object_.at(name);
  if (!v.is_number_integer()) return Error("field '" + std::string(name) + "' must be a whole number");
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Error("field '" + std::string(name) + "' does not fit in 64 bits");
  }
  return v.get<int64_t>();
}

Result<Millis> Fields::Seconds(const char* name) const {
  const Json& v = object_.at(name);
  if (!v.is_number()) return Error("field '" + std::string(name) + "' must be a number of seconds");
  double seconds = v.get<double>();
  if (!(seconds > 0) || seconds > 315'360'000.0) {
    return Error("field '" + std::string(name) + "' must be more than 0 and at most 10 years");
  }
  return Millis(static_cast<int64_t>(std::ceil(seconds * 1000)));
}

Result<std::vector<std::string>> Fields::Strings(const char* name) const {
  if (!Has(name)) return Error("missing field '" + std::string(name) + "'");
  const Json& v = object_.at(name);
  if (!v.is_array()) return Error("field '" + std::string(name) + "' must be an array of strings");
  std::vector<std::string> out;
  for (const Json& s : v) {
    if (!s.is_string()) return Error("field '" + std::string(name) + "' must be an array of strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

}  // namespace kvstore::cli
