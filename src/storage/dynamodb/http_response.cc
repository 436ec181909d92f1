#include "storage/dynamodb/http_response.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace kvstore::storage::dynamodb {
namespace {

std::string Lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A decimal or hexadecimal length that fits the body limit, or nothing.
std::optional<size_t> ParseLength(std::string_view text, int base) {
  size_t digits = 0;
  while (digits < text.size() && (base == 16 ? std::isxdigit(static_cast<unsigned char>(text[digits]))
                                             : std::isdigit(static_cast<unsigned char>(text[digits])))) {
    ++digits;
  }
  if (digits == 0 || digits > 16) return std::nullopt;
  unsigned long long length = std::strtoull(std::string(text.substr(0, digits)).c_str(), nullptr, base);
  if (length > kMaxBodyBytes) return std::nullopt;
  return static_cast<size_t>(length);
}

}  // namespace

std::optional<ResponseHead> ParseResponseHead(std::string_view head) {
  ResponseHead parsed;
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK": version, a space, three digits.
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') return std::nullopt;
  parsed.keep_alive = status_line[7] != '0';  // HTTP/1.0 closes unless told otherwise
  std::string_view code = status_line.substr(9, 3);
  if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  parsed.status = std::strtol(std::string(code).c_str(), nullptr, 10);
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string_view line = head.substr(start, line_end == std::string_view::npos ? line_end : line_end - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = Lowercase(line.substr(0, colon));
    std::string value = Lowercase(line.substr(colon + 1));
    value.erase(0, value.find_first_not_of(" \t"));
    if (name == "content-length") {
      parsed.content_length = ParseLength(value, 10);
      if (!parsed.content_length) return std::nullopt;
    } else if (name == "transfer-encoding") {
      parsed.chunked = value.find("chunked") != std::string::npos;
    } else if (name == "connection") {
      if (value.find("close") != std::string::npos) parsed.keep_alive = false;
      if (value.find("keep-alive") != std::string::npos) parsed.keep_alive = true;
    }
  }
  return parsed;
}

Decoded DecodeChunks(std::string* unread, std::string* body) {
  for (;;) {
    size_t line_end = unread->find("\r\n");
    if (line_end == std::string::npos) return unread->size() > kMaxHeaderBytes ? Decoded::kMalformed : Decoded::kNeedMore;
    std::optional<size_t> size = ParseLength(*unread, 16);  // "1a;extension=x": the size, then ignored extensions
    if (!size || body->size() + *size > kMaxBodyBytes) return Decoded::kMalformed;
    if (*size == 0) {
      // The last chunk: then trailer lines, if any, and an empty line.
      size_t end = line_end + 4;
      if (unread->compare(line_end + 2, 2, "\r\n") != 0) {
        size_t blank = unread->find("\r\n\r\n", line_end);
        if (blank == std::string::npos) {
          return unread->size() > kMaxHeaderBytes ? Decoded::kMalformed : Decoded::kNeedMore;
        }
        end = blank + 4;
      }
      unread->erase(0, end);
      return Decoded::kDone;
    }
    size_t data_start = line_end + 2;
    if (unread->size() < data_start + *size + 2) return Decoded::kNeedMore;
    if (unread->compare(data_start + *size, 2, "\r\n") != 0) return Decoded::kMalformed;
    body->append(*unread, data_start, *size);
    unread->erase(0, data_start + *size + 2);
  }
}

}  // namespace kvstore::storage::dynamodb
