// HTTP/1.1 for the DynamoDB client and the credential services, with one
// kept connection.
//
// One transport, over a socket with no HTTP library: http:// (DynamoDB Local,
// the metadata endpoints) in plain text, https:// with TLS from OpenSSL's
// libssl, loaded with dlopen the first time it is needed (tls.h). libcurl,
// used before, pulled in some thirty libraries and cost a one-shot command
// ~27 ms; libssl alone costs about one. The embedded store and plain-HTTP
// endpoints load nothing.
#ifndef KVSTORE_STORAGE_DYNAMODB_HTTP_CLIENT_H_
#define KVSTORE_STORAGE_DYNAMODB_HTTP_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/status.h"

namespace kvstore::storage::dynamodb {

struct HttpOptions {
  Millis connect_timeout{3'000};
  // The whole exchange: connecting, sending and receiving the answer.
  Millis request_timeout{10'000};
  // A PEM file of trusted CAs (AWS_CA_BUNDLE), https only. Empty: the hashed
  // system directory /etc/ssl/certs, which is read per certificate, not
  // parsed whole.
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

// One request. `headers` are complete "Name: value" lines; Host and
// Content-Length are added by the transport.
struct HttpRequest {
  std::string method = "POST";  // POST, GET or PUT
  std::string url;
  std::vector<std::string> headers{};
  std::string body{};
  // Do not reuse the kept connection.
  bool fresh_connection = false;
  // Less than the transport's request_timeout: what is left of a deadline.
  std::optional<Millis> timeout{};
};

class HttpClient {
 public:
  // The transport for `endpoint`'s scheme (http:// or https://).
  // InvalidArgument for another scheme. (libssl is loaded, and a missing one
  // reported, at the first https:// request.)
  static Result<std::unique_ptr<HttpClient>> Create(std::string_view endpoint, const HttpOptions& options);
  virtual ~HttpClient() = default;

  // The response, or the transport error in *error (returning empty). A
  // request on a reused connection is never sent again silently (which must
  // never happen to a write that is unsafe to repeat): the caller decides.
  virtual std::optional<HttpResponse> Send(const HttpRequest& request, TransportError* error) = 0;
};

// The transport Create returns, for tests.
std::unique_ptr<HttpClient> CreateSocketHttpClient(const HttpOptions& options);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_HTTP_CLIENT_H_
