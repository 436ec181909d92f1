// Parsing of store URLs (--store, KVSTORE_STORE). Pure functions, no I/O, so
// they can be unit-tested and fuzzed. The grammar is the same for every
// engine; which schemes exist and what each accepts is the engine table's
// (engine_table.h).
#ifndef KVSTORE_STORE_URL_H_
#define KVSTORE_STORE_URL_H_

#include <string>
#include <string_view>
#include <vector>

#include "kvstore/status.h"

namespace kvstore {

struct StoreUrl {
  std::string scheme{};                // the engine: "sqlite", "dynamodb"
  std::string path{};                  // SCHEME:PATH (a bare PATH is sqlite:PATH)
  std::string endpoint{};              // SCHEME+http(s)://HOST:PORT -> "http(s)://HOST:PORT"
  std::vector<std::string> options{};  // ?NAME=VALUE&... after the path, in order
};

// "SCHEME:PATH[?OPTION&...]", "SCHEME://PATH...", a bare PATH (sqlite),
// "SCHEME:" and "SCHEME+http(s)://HOST:PORT" (an endpoint), and "dynamodb"
// alone. The scheme must be one the engine table knows, and the engine must
// accept the rest. InvalidArgument naming the problem for anything else.
Result<StoreUrl> ParseStoreUrl(std::string_view url);

// The store used when no URL is given: $KVSTORE_STORE, else
// sqlite:${XDG_DATA_HOME:-$HOME/.local/share}/kvstore/kvstore.db.
// `getenv` is a parameter so tests can supply an environment.
std::string DefaultStoreUrl(const char* (*getenv)(const char*));

}  // namespace kvstore

#endif  // KVSTORE_STORE_URL_H_
