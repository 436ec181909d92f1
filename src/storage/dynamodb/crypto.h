// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), all SigV4 needs, and SHA-1. Written
// here rather than loaded from OpenSSL: loading libcrypto and reading its
// configuration cost a one-shot command more time than the request itself.
#ifndef KVSTORE_STORAGE_DYNAMODB_CRYPTO_H_
#define KVSTORE_STORAGE_DYNAMODB_CRYPTO_H_

#include <string>
#include <string_view>

namespace kvstore::storage::dynamodb {

std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string Hex(std::string_view bytes);                              // lowercase
// SHA-1 (FIPS 180-4), only to name files as the AWS CLI names them (the
// SSO token cache): never for security.
std::string Sha1(std::string_view data);                              // 20 raw bytes

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_CRYPTO_H_
