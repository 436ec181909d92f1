// What commands print: text for people, or with --json one JSON document on
// stdout. Values are bytes: JSON carries them as "value" when they are UTF-8
// and as "value_base64" otherwise.
#ifndef KVSTORE_CLI_OUTPUT_H_
#define KVSTORE_CLI_OUTPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kvstore/status.h"

namespace kvstore::cli {

using Json = nlohmann::ordered_json;

class Output {
 public:
  explicit Output(bool json) : json_(json) {}

  bool json() const { return json_; }

  // Text mode: the bytes as they are, then a newline only when stdout is a
  // terminal (so `$(kvstore get ...)` and pipes see the exact value).
  void Raw(std::string_view bytes);
  // Text mode: one line.
  void Line(std::string_view text);
  // Text of whole lines (help, scripts), as it is.
  void Text(std::string_view lines);
  // JSON mode: the command's document.
  void Document(const Json& doc);
  // The one-line message for a failed command on stderr and, in JSON mode,
  // {"error": {"code": ..., "message": ...}} on stdout.
  void Failure(const Status& status);

 private:
  bool json_;
};

// The answer of a command that just does something: "OK" in text, or
// {"<field>": name, "<flag>": true} in JSON. A failed status is returned
// untouched and nothing is printed.
Status PrintDone(Output& out, const Status& status, const char* field, std::string_view name, const char* flag);

// Sets doc[field] (or doc[field + "_base64"]) to the bytes.
void PutBytes(Json& doc, const std::string& field, std::string_view bytes);

// "812 bytes", "8.5 MiB": a size for people.
std::string BytesText(int64_t bytes);

// "12.5 s": a duration in ms for people.
std::string SecondsText(int64_t millis);

// Seconds left until expires_at_ms (3 decimals), or null.
Json SecondsLeft(std::optional<int64_t> expires_at_ms, int64_t now_ms);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_OUTPUT_H_
