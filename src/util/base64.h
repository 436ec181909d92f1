// Standard base64 (RFC 4648, with padding), for bytes in JSON.
#ifndef KVSTORE_UTIL_BASE64_H_
#define KVSTORE_UTIL_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace kvstore {

std::string Base64Encode(std::string_view bytes);
// Empty when the text is not valid padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace kvstore

#endif  // KVSTORE_UTIL_BASE64_H_
