#include "cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <iterator>

#include <cstdio>

#include "util/base64.h"
#include "cli/exit_codes.h"
#include "util/utf8.h"

namespace kvstore::cli {
namespace {

void WriteAll(FILE* f, std::string_view bytes) { fwrite(bytes.data(), 1, bytes.size(), f); }

}  // namespace

void Output::Raw(std::string_view bytes) {
  WriteAll(stdout, bytes);
  if (isatty(STDOUT_FILENO)) WriteAll(stdout, "\n");
}

void Output::Line(std::string_view text) {
  WriteAll(stdout, text);
  WriteAll(stdout, "\n");
}

void Output::Text(std::string_view lines) { WriteAll(stdout, lines); }

void Output::Document(const Json& doc) {
  // Replace, never throw, should a string slip through that is not UTF-8.
  Line(doc.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void Output::Failure(const Status& status) {
  std::string line = "kvstore: " + status.message() + "\n";
  fflush(stdout);
  WriteAll(stderr, line);
  if (json_) {
    Json doc;
    doc["error"] = {{"code", CodeName(status.code())}, {"message", status.message()}};
    Document(doc);
  }
}

Status PrintDone(Output& out, const Status& status, const char* field, std::string_view name, const char* flag) {
  if (!status.ok()) return status;
  if (out.json()) {
    Json doc;
    PutBytes(doc, field, name);
    doc[flag] = true;
    out.Document(doc);
  } else {
    out.Line("OK");
  }
  return status;
}

void PutBytes(Json& doc, const std::string& field, std::string_view bytes) {
  if (IsValidUtf8(bytes)) {
    doc[field] = std::string(bytes);
  } else {
    doc[field + "_base64"] = Base64Encode(bytes);
  }
}

std::string BytesText(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double size = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (size >= 1024 && unit + 1 < std::size(kUnits)) {
    size /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", size, kUnits[unit]);
  return buf;
}

std::string SecondsText(int64_t millis) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(std::max<int64_t>(millis, 0)) / 1000.0);
  return buf;
}

Json SecondsLeft(std::optional<int64_t> expires_at_ms, int64_t now_ms) {
  if (!expires_at_ms) return nullptr;
  int64_t left = std::max<int64_t>(*expires_at_ms - now_ms, 0);
  return static_cast<double>(left) / 1000.0;
}

}  // namespace kvstore::cli
