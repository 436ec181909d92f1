// AWS Signature Version 4: the Authorization header for a request.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
#ifndef KVSTORE_STORAGE_DYNAMODB_SIGV4_H_
#define KVSTORE_STORAGE_DYNAMODB_SIGV4_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kvstore/status.h"

namespace kvstore::storage::dynamodb {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

struct SigningRequest {
  std::string method = "POST";
  std::string path = "/";      // already in canonical (URI-encoded) form
  std::string query;           // "a=1&b=2", unencoded; empty for none
  // Every header to sign, Host and X-Amz-Date included (names in any case).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload;
};

struct SigningScope {
  std::string region;
  std::string service;
  std::string amz_date;  // "20150830T123600Z", as in the X-Amz-Date header
};

// "20150830T123600Z" for a time in ms since the epoch (UTC).
std::string AmzDate(int64_t epoch_millis);

// The canonical request (step 1 of the signing process), for tests and -v.
std::string CanonicalRequest(const SigningRequest& request);

// The value of the Authorization header. IoError if libcrypto cannot be loaded.
Result<std::string> Authorization(const Credentials& credentials, const SigningScope& scope,
                                  const SigningRequest& request);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_SIGV4_H_
