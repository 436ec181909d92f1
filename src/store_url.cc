#include "store_url.h"

#include "engine_table.h"
#include "util/host_port.h"

namespace kvstore {
namespace {

Status UnknownScheme(std::string_view scheme) {
  return Status::InvalidArgument("unknown store URL scheme '" + std::string(scheme) +
                                 "'; use sqlite:PATH or a file path");
}

// "BASE+PROTO:" followed by "//HOST:PORT[/]": an engine reached at an endpoint.
Result<StoreUrl> ParseEndpointForm(std::string_view text, std::string_view scheme, std::string_view rest) {
  size_t plus = scheme.find('+');
  std::string_view base = scheme.substr(0, plus);
  std::string_view proto = scheme.substr(plus + 1);
  const EngineEntry* engine = FindEngine(base);
  if (!engine) return UnknownScheme(scheme);
  if ((proto != "http" && proto != "https") || !rest.starts_with("//")) {
    return Status::InvalidArgument("store '" + std::string(text) + "': use " + std::string(engine->forms));
  }
  std::string_view host = rest.substr(2);
  while (host.ends_with('/')) host.remove_suffix(1);
  if (host.empty() || host.find_first_of("/?#@ ") != std::string_view::npos || !SplitHostPort(host)) {
    return Status::InvalidArgument("store '" + std::string(text) + "': expected " + std::string(base) + "+" +
                                   std::string(proto) + "://HOST:PORT");
  }
  return StoreUrl{.scheme = std::string(base), .endpoint = std::string(proto) + "://" + std::string(host)};
}

// PATH[?OPTION&OPTION...]
void SplitOptions(std::string_view rest, StoreUrl& url) {
  size_t q = rest.find('?');
  url.path = std::string(rest.substr(0, q));
  if (q == std::string_view::npos) return;
  std::string_view options = rest.substr(q + 1);
  while (!options.empty()) {
    size_t amp = options.find('&');
    url.options.emplace_back(options.substr(0, amp));
    options = amp == std::string_view::npos ? std::string_view{} : options.substr(amp + 1);
  }
}

// The scheme before the first colon, when there is one: at least two
// characters (so a Windows-style "C:" stays a path) and no '/' before it.
std::string_view SchemeOf(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon <= 1 || text.find('/') < colon) return {};
  return text.substr(0, colon);
}

}  // namespace

Result<StoreUrl> ParseStoreUrl(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("the store URL is empty");
  if (text.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("the store URL contains a NUL byte");
  }
  if (text == "dynamodb") return StoreUrl{.scheme = "dynamodb"};
  std::string_view scheme = SchemeOf(text);
  std::string_view rest = scheme.empty() ? text : text.substr(scheme.size() + 1);
  Result<StoreUrl> url = StoreUrl{.scheme = scheme.empty() ? "sqlite" : std::string(scheme)};
  if (scheme.find('+') != std::string_view::npos) {
    url = ParseEndpointForm(text, scheme, rest);
    if (!url.ok()) return url.status();
  } else {
    if (rest.starts_with("//")) rest.remove_prefix(2);
    SplitOptions(rest, *url);
  }
  const EngineEntry* engine = FindEngine(url->scheme);
  if (!engine) return UnknownScheme(scheme);
  KVSTORE_RETURN_IF_ERROR(engine->check(*url, text));
  return url;
}

std::string DefaultStoreUrl(const char* (*getenv)(const char*)) {
  const char* store = getenv("KVSTORE_STORE");
  if (store && *store) return store;
  const char* data = getenv("XDG_DATA_HOME");
  std::string base;
  if (data && *data) {
    base = data;
  } else {
    const char* home = getenv("HOME");
    base = std::string(home && *home ? home : ".") + "/.local/share";
  }
  return "sqlite:" + base + "/kvstore/kvstore.db";
}

}  // namespace kvstore
