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

// Text from elsewhere (an error body) fit for one message line: control
// characters become spaces, and past `max` bytes it is cut at a character
// boundary and says how long it was.
inline std::string Excerpt(std::string_view text, size_t max = 200) {
  std::string out;
  size_t cut = text.size() <= max ? text.size() : max;
  while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  for (char c : text.substr(0, cut)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
  if (cut < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace kvstore

#endif  // KVSTORE_UTIL_QUOTE_H_
