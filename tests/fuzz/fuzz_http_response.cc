// The HTTP answer parser (http_response.h) on any bytes: the head parser
// answers or refuses, and the chunk decoder gives the same body and state
// whether the bytes arrive at once or in pieces (sizes taken from the input).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "storage/dynamodb/http_response.h"

using namespace kvstore::storage::dynamodb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t piece = 1 + data[0] % 17;  // how the pieces are cut
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t head_end = text.find("\r\n\r\n");
  if (head_end != std::string_view::npos) {
    auto head = ParseResponseHead(text.substr(0, head_end));
    if (head) FUZZ_CHECK(head->status >= 0 && head->status <= 999);
    if (head && head->content_length) FUZZ_CHECK(*head->content_length <= kMaxBodyBytes);
    text = text.substr(head_end + 4);
  }
  std::string whole_unread(text), whole_body;
  Decoded whole = DecodeChunks(&whole_unread, &whole_body);

  std::string unread, body;
  Decoded state = Decoded::kNeedMore;
  size_t fed = 0;
  while (state == Decoded::kNeedMore && fed < text.size()) {
    size_t n = std::min(piece, text.size() - fed);
    unread.append(text.substr(fed, n));
    fed += n;
    state = DecodeChunks(&unread, &body);
  }
  FUZZ_CHECK(state == whole);
  if (state != Decoded::kMalformed) FUZZ_CHECK(body == whole_body);
  if (state == Decoded::kDone) FUZZ_CHECK(unread + std::string(text.substr(fed)) == whole_unread);
  return 0;
}
