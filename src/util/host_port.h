// The authority part of an http(s) URL: "host", "host:port", "[v6]" or
// "[v6]:port". One parser, so that a store URL accepted when it is read is
// one the HTTP transport can connect to.
#ifndef KVSTORE_UTIL_HOST_PORT_H_
#define KVSTORE_UTIL_HOST_PORT_H_

#include <optional>
#include <string_view>

namespace kvstore {

struct HostPort {
  std::string_view host;  // without the brackets of an IPv6 address
  std::string_view port;  // empty when none is given; else 1 to 65535 in decimal
};

// The host and port of `authority` (views into it), or nullopt when it is not one of the
// forms above (empty host, stray brackets, an empty or out-of-range port).
std::optional<HostPort> SplitHostPort(std::string_view authority);

// The authority of "scheme://authority[/path][?query][#fragment]" (a view
// into `url`); of a URL without a scheme, everything up to its path. The Host
// header SigV4 signs and the NO_PROXY match both start from it.
std::string_view UrlAuthority(std::string_view url);

}  // namespace kvstore

#endif  // KVSTORE_UTIL_HOST_PORT_H_
