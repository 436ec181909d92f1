#include "storage/dynamodb/http_proxy.h"

#include <algorithm>
#include <cctype>

#include "util/base64.h"
#include "util/host_port.h"

namespace kvstore::storage::dynamodb {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string FirstSet(const GetEnv& getenv, const char* upper, const char* lower) {
  std::string value = EnvOr(getenv, upper);
  return value.empty() ? EnvOr(getenv, lower) : value;
}

}  // namespace

bool BypassesProxy(std::string_view list, std::string_view host, std::string_view port) {
  std::string target = Lower(host);
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view entry = Trim(list.substr(0, comma));
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    if (entry == "*") return true;
    std::optional<HostPort> parts = SplitHostPort(entry);
    std::string name = Lower(parts ? parts->host : entry);
    if (parts && !parts->port.empty() && parts->port != port) continue;
    if (name.starts_with('.')) name.erase(0, 1);
    if (name.empty()) continue;
    if (target == name || (target.size() > name.size() && target.ends_with("." + name))) return true;
  }
  return false;
}

std::optional<Proxy> ProxyFor(std::string_view url, const GetEnv& getenv) {
  bool https = url.starts_with("https://");
  std::optional<HostPort> target = SplitHostPort(UrlAuthority(url));
  if (!target || target->host.starts_with("169.254.")) return std::nullopt;
  std::string setting = https ? FirstSet(getenv, "HTTPS_PROXY", "https_proxy") : FirstSet(getenv, "HTTP_PROXY", "http_proxy");
  if (setting.empty()) return std::nullopt;
  std::string port = target->port.empty() ? (https ? "443" : "80") : std::string(target->port);
  if (BypassesProxy(FirstSet(getenv, "NO_PROXY", "no_proxy"), target->host, port)) return std::nullopt;
  Proxy proxy;
  proxy.url = setting;
  std::string rest(UrlAuthority(setting));
  if (size_t at = rest.rfind('@'); at != std::string::npos) {
    proxy.authorization = "Basic " + Base64Encode(rest.substr(0, at));
    rest.erase(0, at + 1);
  }
  std::optional<HostPort> parts = SplitHostPort(rest);
  if (!parts) return std::nullopt;
  proxy.host = parts->host;
  proxy.port = parts->port.empty() ? "80" : std::string(parts->port);
  return proxy;
}

}  // namespace kvstore::storage::dynamodb
