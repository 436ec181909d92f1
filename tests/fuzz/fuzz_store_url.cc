// Store URLs (--store, KVSTORE_STORE): a parsed URL names a file or an
// http(s) endpoint; anything else is one InvalidArgument.
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "store_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto url = kvstore::ParseStoreUrl(text);
  if (!url.ok()) {
    FUZZ_CHECK(url.status().Is(kvstore::Status::Code::kInvalidArgument));
    return 0;
  }
  if (url->scheme == "sqlite") {
    FUZZ_CHECK(!url->path.empty() && url->path.find('\0') == std::string::npos);
  } else if (!url->endpoint.empty()) {
    FUZZ_CHECK(url->endpoint.starts_with("http://") || url->endpoint.starts_with("https://"));
  }
  return 0;
}
