// Reading JSON input files (transactions, batches, imports): parsing with a
// bound on nesting, and the fields of one object read strictly, each error
// naming where it is ("line 3: ...").
#ifndef KVSTORE_CLI_JSON_FIELDS_H_
#define KVSTORE_CLI_JSON_FIELDS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvstore/clock.h"
#include "kvstore/status.h"

namespace kvstore::cli {

// The document, or InvalidArgument "WHERE malformed JSON at byte N" (also for
// nesting deeper than 32 levels, refused before the recursive parser runs).
Result<nlohmann::json> ParseJson(std::string_view text, const std::string& where);

// Reads the fields of one JSON object, refusing unknown ones (a typo such as
// "tll" must not be silently ignored).
class Fields {
 public:
  Fields(const nlohmann::json& object, std::string where) : object_(object), where_(std::move(where)) {}

  Status Known(std::initializer_list<const char*> names) const;
  bool Has(const char* name) const { return object_.contains(name); }
  Result<std::string> String(const char* name) const;
  // "value" as a string or "value_base64" as bytes.
  Result<std::string> Bytes(const char* name) const;
  Result<int64_t> Integer(const char* name) const;
  // Seconds as a JSON number (decimals allowed), more than 0, at most 10 years.
  Result<Millis> Seconds(const char* name) const;
  Result<std::vector<std::string>> Strings(const char* name) const;
  Status Error(const std::string& what) const { return Status::InvalidArgument(where_ + what); }

 private:
  const nlohmann::json& object_;
  std::string where_;
};

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_JSON_FIELDS_H_
