// SigV4 canonicalisation on any request: lines of the input are the method,
// path, query, "Name: value" headers, then a blank line and the payload.
// Signing must succeed, be deterministic, and not depend on header order.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "storage/dynamodb/sigv4.h"

using namespace kvstore::storage::dynamodb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto next_line = [&text]() {
    size_t end = text.find('\n');
    std::string line(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    return line;
  };
  SigningRequest request;
  request.method = next_line();
  request.path = next_line();
  request.query = next_line();
  for (std::string line = next_line(); !line.empty(); line = next_line()) {
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) continue;
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  request.payload = std::string(text);
  Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  SigningScope scope{"us-east-1", "dynamodb", "20150830T123600Z"};
  auto first = Authorization(credentials, scope, request);
  FUZZ_CHECK(first.ok());
  FUZZ_CHECK(first->starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request"));
  SigningRequest reversed = request;
  std::reverse(reversed.headers.begin(), reversed.headers.end());
  auto second = Authorization(credentials, scope, reversed);
  FUZZ_CHECK(second.ok());
  // Headers of the same name may be folded in either order; otherwise the
  // order of headers must not matter.
  bool repeated_names = false;
  for (size_t i = 0; i < request.headers.size(); ++i) {
    for (size_t j = i + 1; j < request.headers.size(); ++j) {
      std::string a = request.headers[i].first, b = request.headers[j].first;
      std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      std::transform(b.begin(), b.end(), b.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      repeated_names = repeated_names || a == b;
    }
  }
  if (!repeated_names) FUZZ_CHECK(*first == *second);
  FUZZ_CHECK(CanonicalRequest(request) == CanonicalRequest(request));
  return 0;
}
