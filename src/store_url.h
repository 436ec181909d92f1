// Parsing of store URLs (--store, KVSTORE_STORE). Pure functions, no I/O, so
// they can be unit-tested and fuzzed.
#ifndef KVSTORE_STORE_URL_H_
#define KVSTORE_STORE_URL_H_

#include <string>
#include <string_view>

#include "kvstore/status.h"
#include "storage/sqlite/sqlite_engine.h"

namespace kvstore {

struct StoreUrl {
  enum class Scheme { kSqlite, kDynamoDb };
  Scheme scheme = Scheme::kSqlite;
  std::string path;      // for kSqlite
  std::string endpoint;  // for kDynamoDb: "http(s)://host:port", or empty for the AWS default
  storage::sqlite::Durability durability = storage::sqlite::Durability::kNormal;
};

// "sqlite:PATH[?sync=normal|full]", "sqlite://PATH...", a bare PATH,
// "dynamodb:" (endpoint from the AWS environment), "dynamodb+http://HOST:PORT"
// or "dynamodb+https://HOST:PORT".
// InvalidArgument naming the problem for anything else.
Result<StoreUrl> ParseStoreUrl(std::string_view url);

// The store used when no URL is given: $KVSTORE_STORE, else
// sqlite:${XDG_DATA_HOME:-$HOME/.local/share}/kvstore/kvstore.db.
// `getenv` is a parameter so tests can supply an environment.
std::string DefaultStoreUrl(const char* (*getenv)(const char*));

}  // namespace kvstore

#endif  // KVSTORE_STORE_URL_H_
