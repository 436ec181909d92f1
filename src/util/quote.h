// How messages show a user's name (a key, a lock, a member): in single
// quotes, cut short when long, so one stderr line stays one readable line.
#ifndef KVSTORE_UTIL_QUOTE_H_
#define KVSTORE_UTIL_QUOTE_H_

#include <string>
#include <string_view>

namespace kvstore {

// 'name', or its first 80 bytes followed by ... when longer.
inline std::string Quote(std::string_view name) {
  constexpr size_t kShown = 80;
  if (name.size() <= kShown) return "'" + std::string(name) + "'";
  return "'" + std::string(name.substr(0, kShown)) + "...'";
}

}  // namespace kvstore

#endif  // KVSTORE_UTIL_QUOTE_H_
