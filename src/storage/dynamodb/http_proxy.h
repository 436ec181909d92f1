// Which proxy, if any, a request goes through, from the variables curl and
// AWS's SDKs read, read the way they read them.
//
//   http://  URLs: HTTP_PROXY or http_proxy
//   https:// URLs: HTTPS_PROXY or https_proxy
//   NO_PROXY or no_proxy: comma-separated hosts that go direct; "example.com"
//   and ".example.com" also cover subdomains, "*" covers all, a port after a
//   host limits it to that port. Link-local addresses (169.254.x.x: instance
//   metadata, the ECS and EKS credential agents) always go direct.
#ifndef KVSTORE_STORAGE_DYNAMODB_HTTP_PROXY_H_
#define KVSTORE_STORAGE_DYNAMODB_HTTP_PROXY_H_

#include <optional>
#include <string>
#include <string_view>

#include "storage/dynamodb/aws_files.h"

namespace kvstore::storage::dynamodb {

struct Proxy {
  std::string url;            // as given: "http://[user:pass@]host:port"
  std::string host;           // to connect to
  std::string port;           // "80" when the proxy URL has none
  std::string authorization;  // "Basic ..." when the URL has user:pass, else empty
};

// The proxy for `url`, or nullopt to go direct. A malformed proxy setting
// counts as none.
std::optional<Proxy> ProxyFor(std::string_view url, const GetEnv& getenv);

// Whether NO_PROXY's `list` sends `host` (and `port`) direct.
bool BypassesProxy(std::string_view list, std::string_view host, std::string_view port);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_HTTP_PROXY_H_
