// HTTP POST over libcurl, loaded with dlopen the first time a DynamoDB store
// is opened: linking libcurl would add milliseconds to every kvstore start,
// embedded store included. One connection is kept and reused.
#ifndef KVSTORE_STORAGE_DYNAMODB_HTTP_CLIENT_H_
#define KVSTORE_STORAGE_DYNAMODB_HTTP_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/status.h"

namespace kvstore::storage::dynamodb {

struct HttpOptions {
  Millis connect_timeout{3'000};
  Millis request_timeout{10'000};
  // A PEM file of trusted CAs (AWS_CA_BUNDLE). Empty: the hashed system
  // directory /etc/ssl/certs, which is read per certificate, not parsed whole.
  std::string ca_bundle{};
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// A transport failure (no response): what happened, and whether trying again
// may help (refused connection, timeout) or not (bad certificate).
struct TransportError {
  std::string message;
  bool retryable = true;
  // The request may have reached the server (a timeout or reset after
  // sending), so a write may have been applied.
  bool maybe_sent = true;
};

class HttpClient {
 public:
  // IoError when libcurl cannot be loaded.
  static Result<std::unique_ptr<HttpClient>> Create(const HttpOptions& options);
  ~HttpClient();

  // The response, or the transport error in *error (returning empty).
  // `fresh_connection`: do not reuse the kept connection. libcurl silently
  // sends a request again when a reused connection dies before any answer,
  // which must never happen to a write that is unsafe to repeat.
  std::optional<HttpResponse> Post(const std::string& url, const std::vector<std::string>& headers,
                                   const std::string& body, bool fresh_connection, TransportError* error);

 private:
  HttpClient(void* handle, HttpOptions options) : handle_(handle), options_(std::move(options)) {}
  void* handle_;
  HttpOptions options_;
};

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_HTTP_CLIENT_H_
