// UTF-8 validity, for names (which must be UTF-8) and for output (which
// prints a value as text only when it is UTF-8).
#ifndef KVSTORE_UTIL_UTF8_H_
#define KVSTORE_UTIL_UTF8_H_

#include <string_view>

namespace kvstore {

// Well-formed UTF-8: no overlong forms, surrogates or code points past
// U+10FFFF, no truncated sequence.
bool IsValidUtf8(std::string_view s);

}  // namespace kvstore

#endif  // KVSTORE_UTIL_UTF8_H_
