// Parsing an HTTP/1.1 answer: pure functions over bytes received so far, so
// the socket transport stays a loop of "read more, try again" and the parsing
// can be unit-tested and fuzzed (tests/fuzz/fuzz_http_response.cc).
#ifndef KVSTORE_STORAGE_DYNAMODB_HTTP_RESPONSE_H_
#define KVSTORE_STORAGE_DYNAMODB_HTTP_RESPONSE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kvstore::storage::dynamodb {

// Guards against a peer that never ends its headers or sends a huge body;
// DynamoDB's largest answers (BatchGetItem, Query) stay far below.
inline constexpr size_t kMaxHeaderBytes = 64 * 1024;
inline constexpr size_t kMaxBodyBytes = 64 * 1024 * 1024;

// What the status line and headers say about the body that follows.
struct ResponseHead {
  long status = 0;
  bool chunked = false;
  std::optional<size_t> content_length;
  bool keep_alive = true;
};

// The status line and header lines, without the blank line that ends them.
// Empty when it is not an HTTP/1.x answer or a length is unusable.
std::optional<ResponseHead> ParseResponseHead(std::string_view head);

enum class Decoded { kNeedMore, kDone, kMalformed };

// Chunked transfer coding: takes whole chunks from the front of *unread and
// appends their data to *body. kNeedMore: call again once more bytes are in
// *unread (a partial chunk is left there). kDone: the last chunk and any
// trailers were consumed.
Decoded DecodeChunks(std::string* unread, std::string* body);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_HTTP_RESPONSE_H_
