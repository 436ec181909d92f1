#include "store_url.h"

#include "util/host_port.h"

namespace kvstore {
namespace {

Status ParseSqliteOption(std::string_view option, StoreUrl& url) {
  if (option == "sync=normal") {
    url.durability = storage::sqlite::Durability::kNormal;
  } else if (option == "sync=full") {
    url.durability = storage::sqlite::Durability::kFull;
  } else {
    return Status::InvalidArgument("unknown store option '" + std::string(option) +
                                   "'; the sqlite store takes sync=normal or sync=full");
  }
  return Status::Ok();
}

Result<StoreUrl> ParseDynamoDbUrl(std::string_view text) {
  StoreUrl url;
  url.scheme = StoreUrl::Scheme::kDynamoDb;
  if (text == "dynamodb:" || text == "dynamodb") return url;
  for (std::string_view scheme : {"http://", "https://"}) {
    std::string prefix = "dynamodb+" + std::string(scheme);
    if (text.starts_with(prefix)) {
      std::string_view host = text.substr(prefix.size());
      while (host.ends_with('/')) host.remove_suffix(1);
      if (host.empty() || host.find_first_of("/?#@ ") != std::string_view::npos || !SplitHostPort(host)) {
        return Status::InvalidArgument("store '" + std::string(text) + "': expected dynamodb+" + std::string(scheme) +
                                       "HOST:PORT");
      }
      url.endpoint = std::string(scheme) + std::string(host);
      return url;
    }
  }
  return Status::InvalidArgument("store '" + std::string(text) +
                                 "': use dynamodb:, dynamodb+http://HOST:PORT or dynamodb+https://HOST:PORT");
}

}  // namespace

Result<StoreUrl> ParseStoreUrl(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("the store URL is empty");
  if (text.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("the store URL contains a NUL byte");
  }
  StoreUrl url;
  std::string_view rest = text;
  if (rest.starts_with("sqlite:")) {
    rest.remove_prefix(7);
    if (rest.starts_with("//")) rest.remove_prefix(2);
  } else if (rest.starts_with("dynamodb")) {
    return ParseDynamoDbUrl(text);
  } else if (size_t colon = rest.find(':'); colon != std::string_view::npos &&
                                            rest.find('/') > colon && colon > 1) {
    return Status::InvalidArgument("unknown store URL scheme '" + std::string(rest.substr(0, colon)) +
                                   "'; use sqlite:PATH or a file path");
  }
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    std::string_view options = rest.substr(q + 1);
    rest = rest.substr(0, q);
    while (!options.empty()) {
      size_t amp = options.find('&');
      KVSTORE_RETURN_IF_ERROR(ParseSqliteOption(options.substr(0, amp), url));
      options = amp == std::string_view::npos ? std::string_view{} : options.substr(amp + 1);
    }
  }
  if (rest.empty()) return Status::InvalidArgument("store URL '" + std::string(text) + "' names no file");
  url.path = std::string(rest);
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
