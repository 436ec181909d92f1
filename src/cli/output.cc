#include "cli/output.h"

#include <unistd.h>

#include <cstdio>

#include "cli/exit_codes.h"
#include "storage/limits.h"

namespace kvstore::cli {
namespace {

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

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

void PutBytes(Json& doc, const std::string& field, std::string_view bytes) {
  if (storage::IsValidUtf8(bytes)) {
    doc[field] = std::string(bytes);
  } else {
    doc[field + "_base64"] = Base64(bytes);
  }
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
