// TLS for the socket transport's https:// endpoints, from OpenSSL's libssl,
// loaded with dlopen the first time it is needed. libssl alone loads in about
// a millisecond; libcurl, which kvstore used before, pulls in some thirty
// libraries and cost a one-shot command ~27 ms. Certificates are always
// verified: the chain against AWS_CA_BUNDLE or the hashed /etc/ssl/certs
// (read per certificate, not parsed whole), and the host name.
#ifndef KVSTORE_STORAGE_DYNAMODB_TLS_H_
#define KVSTORE_STORAGE_DYNAMODB_TLS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "kvstore/status.h"

namespace kvstore::storage::dynamodb {

using TlsDeadline = std::chrono::steady_clock::time_point;

// One TLS connection over a connected, non-blocking socket it does not own.
class TlsStream {
 public:
  // What Read and Write came to: bytes moved (> 0), the end of the stream
  // (0), or the socket event to wait for before calling again.
  struct Io {
    ssize_t bytes = 0;
    short wait_for = 0;        // POLLIN or POLLOUT: try again once ready
    std::string problem = {};  // set on failure
  };

  // Loads libssl (once per process) and completes the handshake by the
  // deadline. On failure *problem says why and *retryable whether another
  // try may get past it (a certificate problem never does).
  static std::unique_ptr<TlsStream> Connect(int fd, const std::string& host, const std::string& ca_bundle,
                                            TlsDeadline deadline, std::string* problem, bool* retryable);
  ~TlsStream();

  Io Write(const char* data, size_t size);
  Io Read(char* buffer, size_t size);

 private:
  explicit TlsStream(void* ssl) : ssl_(ssl) {}
  void* ssl_;
};

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_TLS_H_
