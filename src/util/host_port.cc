#include "util/host_port.h"

namespace kvstore {
namespace {

bool IsPortNumber(std::string_view port) {
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
  int number = 0;
  for (char c : port) number = number * 10 + (c - '0');
  return number >= 1 && number <= 65535;
}

}  // namespace

std::optional<HostPort> SplitHostPort(std::string_view authority) {
  HostPort parts;
  std::string_view after_host;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    parts.host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
  } else {
    size_t colon = authority.find(':');
    parts.host = authority.substr(0, colon);
    after_host = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
    if (parts.host.find_first_of("[]") != std::string_view::npos) return std::nullopt;
  }
  if (parts.host.empty()) return std::nullopt;
  if (after_host.empty()) return parts;
  if (!after_host.starts_with(':') || !IsPortNumber(after_host.substr(1))) return std::nullopt;
  parts.port = after_host.substr(1);
  return parts;
}

std::string_view UrlAuthority(std::string_view url) {
  size_t start = url.find("://");
  url.remove_prefix(start == std::string_view::npos ? 0 : start + 3);
  return url.substr(0, url.find_first_of("/?#"));
}

}  // namespace kvstore
