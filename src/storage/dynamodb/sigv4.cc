#include "storage/dynamodb/sigv4.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "storage/dynamodb/crypto.h"

namespace kvstore::storage::dynamodb {
namespace {

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string UriEncode(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string CanonicalQuery(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (size_t start = 0; start < query.size();) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    size_t eq = pair.find('=');
    std::string key = eq == std::string::npos ? pair : pair.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (!pair.empty()) params.emplace_back(UriEncode(key), UriEncode(value));
    start = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) out += (out.empty() ? "" : "&") + key + "=" + value;
  return out;
}

// Trimmed, with runs of spaces folded to one, as the canonical form requires.
std::string CanonicalValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::pair<std::string, std::string>> SortedHeaders(const SigningRequest& request) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    headers.emplace_back(lower, CanonicalValue(value));
  }
  std::sort(headers.begin(), headers.end());
  return headers;
}

std::string SignedHeaders(const SigningRequest& request) {
  std::string out;
  for (const auto& [name, value] : SortedHeaders(request)) out += (out.empty() ? "" : ";") + name;
  return out;
}

}  // namespace

std::string AmzDate(int64_t epoch_millis) {
  std::time_t seconds = static_cast<std::time_t>(epoch_millis / 1000);
  std::tm utc;
  gmtime_r(&seconds, &utc);
  // Formatted by hand: strftime reads the time zone files, which is wasted
  // work for a UTC stamp. (The buffer fits any int year, to satisfy GCC.)
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buf;
}

std::string CanonicalRequest(const SigningRequest& request) {
  std::string headers;
  for (const auto& [name, value] : SortedHeaders(request)) headers += name + ":" + value + "\n";
  return request.method + "\n" + request.path + "\n" + CanonicalQuery(request.query) + "\n" + headers + "\n" +
         SignedHeaders(request) + "\n" + Hex(Sha256(request.payload));
}

Result<std::string> Authorization(const Credentials& credentials, const SigningScope& scope,
                                  const SigningRequest& request) {
  std::string date = scope.amz_date.substr(0, 8);
  std::string credential_scope = date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  std::string string_to_sign = "AWS4-HMAC-SHA256\n" + scope.amz_date + "\n" + credential_scope + "\n" +
                               Hex(Sha256(CanonicalRequest(request)));
  std::string key = HmacSha256("AWS4" + credentials.secret_access_key, date);
  key = HmacSha256(key, scope.region);
  key = HmacSha256(key, scope.service);
  key = HmacSha256(key, "aws4_request");
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + credential_scope +
         ", SignedHeaders=" + SignedHeaders(request) + ", Signature=" + Hex(HmacSha256(key, string_to_sign));
}

}  // namespace kvstore::storage::dynamodb
