// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, loaded with dlopen the
// first time they are needed. The embedded store never needs them, and a
// process that links libcrypto pays for loading it on every start.
#ifndef KVSTORE_STORAGE_DYNAMODB_CRYPTO_H_
#define KVSTORE_STORAGE_DYNAMODB_CRYPTO_H_

#include <string>
#include <string_view>

#include "kvstore/status.h"

namespace kvstore::storage::dynamodb {

// Loads libcrypto (once per process). IoError naming the library when it is
// missing. Thread-safe.
Status LoadCrypto();

// Each loads libcrypto first if needed and returns "" if that fails (callers
// that must report it call LoadCrypto() themselves).
std::string Sha256(std::string_view data);                       // 32 raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string Hex(std::string_view bytes);                          // lowercase

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_CRYPTO_H_
