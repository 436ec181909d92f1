// HTTP/1.1 over a socket, for http:// endpoints and, with TLS from libssl
// (tls.h), https:// ones: one request at a time on one kept connection, the
// answer framed by Content-Length, chunked transfer coding or the end of the
// connection. Through a proxy, http:// requests name the whole URL and
// https:// ones go through a CONNECT tunnel.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <optional>
#include <string_view>

#include "storage/dynamodb/http_client.h"
#include "storage/dynamodb/http_proxy.h"
#include "storage/dynamodb/http_response.h"
#include "storage/dynamodb/tls.h"
#include "util/host_port.h"

namespace kvstore::storage::dynamodb {
namespace {

using Deadline = std::chrono::steady_clock::time_point;

struct HttpUrl {
  std::string authority;  // host[:port] as written: the Host header SigV4 signed
  std::string host;
  std::string port;
  std::string path;
  bool tls = false;       // https://
};

std::optional<HttpUrl> ParseHttpUrl(std::string_view url) {
  bool tls = url.starts_with("https://");
  if (!tls && !url.starts_with("http://")) return std::nullopt;
  url.remove_prefix(tls ? 8 : 7);
  size_t slash = url.find('/');
  HttpUrl parsed;
  parsed.authority = url.substr(0, slash);
  parsed.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  std::optional<HostPort> parts = SplitHostPort(parsed.authority);
  if (!parts) return std::nullopt;
  parsed.host = parts->host;
  parsed.port = parts->port.empty() ? (tls ? "443" : "80") : std::string(parts->port);
  parsed.tls = tls;
  return parsed;
}

int MillisLeft(Deadline deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left + 1, 0, 1 << 30));
}

// True when `fd` is ready for `events` before the deadline.
bool WaitFor(int fd, short events, Deadline deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int n = poll(&p, 1, MillisLeft(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

// The request line, headers and body. A GET with no body has no
// Content-Length (some servers refuse one); every other request has one.
// Through a proxy the request line names the whole URL.
std::string RequestText(const HttpRequest& request, const HttpUrl& target, const std::optional<Proxy>& proxy) {
  std::string line_target = proxy && !target.tls ? "http://" + target.authority + target.path : target.path;
  std::string text = request.method + " " + line_target + " HTTP/1.1\r\nHost: " + target.authority + "\r\n";
  if (proxy && !target.tls && !proxy->authorization.empty()) {
    text += "Proxy-Authorization: " + proxy->authorization + "\r\n";
  }
  if (request.method != "GET" || !request.body.empty()) {
    text += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  for (const std::string& header : request.headers) text += header + "\r\n";
  return text + "\r\n" + request.body;
}

class SocketHttpClient final : public HttpClient {
 public:
  explicit SocketHttpClient(HttpOptions options) : options_(std::move(options)) {}
  ~SocketHttpClient() override { Disconnect(); }

  std::optional<HttpResponse> Send(const HttpRequest& request, TransportError* error) override {
    Deadline started = std::chrono::steady_clock::now();
    timeout_ = std::min(request.timeout.value_or(options_.request_timeout), options_.request_timeout);
    Deadline deadline = started + timeout_;
    std::optional<HttpUrl> target = ParseHttpUrl(request.url);
    if (!target) {
      *error = TransportError{"malformed URL '" + request.url + "'", /*retryable=*/false, /*maybe_sent=*/false};
      return std::nullopt;
    }
    std::optional<Proxy> proxy = ProxyFor(request.url, [](const char* name) { return std::getenv(name); });
    std::string connection = (target->tls ? "https " : "http ") + target->authority +
                             (proxy ? " via " + proxy->host + ":" + proxy->port : "");
    if (request.fresh_connection || connected_to_ != connection || !KeptConnectionIsUsable()) {
      Disconnect();
      HttpUrl peer = proxy ? HttpUrl{proxy->host + ":" + proxy->port, proxy->host, proxy->port, "/"} : *target;
      if (!Connect(peer, std::min(deadline, started + options_.connect_timeout), error)) return std::nullopt;
      if (target->tls && !StartTls(*target, proxy, deadline, error)) {
        Disconnect();
        return std::nullopt;
      }
      connected_to_ = connection;
    }
    std::optional<HttpResponse> response;
    if (SendAll(RequestText(request, *target, proxy), deadline, error)) response = ReadResponse(deadline, error);
    if (!response) Disconnect();
    return response;
  }

 private:
  // A kept connection the server has since closed reads as ready (end of
  // file); sending on it would fail after the fact.
  // Over TLS, readable may mean only a session ticket the server sent after
  // the handshake: TLS consumes it, and the connection stays usable.
  bool KeptConnectionIsUsable() {
    if (fd_ < 0 || !unread_.empty()) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 0) == 0) return true;
    if (!tls_) return false;
    char byte;
    TlsStream::Io io = tls_->Read(&byte, 1);
    return io.bytes == 0 && io.wait_for != 0;
  }

  void Disconnect() {
    tls_.reset();
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    connected_to_.clear();
    unread_.clear();
  }

  bool Connect(const HttpUrl& target, Deadline deadline, TransportError* error) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found); rc != 0) {
      *error = {"cannot resolve host '" + target.host + "': " + gai_strerror(rc), true, false};
      return false;
    }
    std::string problem = "no address";
    for (addrinfo* address = found; address != nullptr && fd_ < 0; address = address->ai_next) {
      int fd = socket(address->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        problem = std::strerror(errno);
        continue;
      }
      int so_error = 0;
      if (connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
          so_error = errno;
        } else if (!WaitFor(fd, POLLOUT, deadline)) {
          so_error = ETIMEDOUT;
        } else {
          socklen_t length = sizeof so_error;
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
        }
      }
      if (so_error != 0) {
        problem = so_error == ETIMEDOUT ? "no answer within " + std::to_string(options_.connect_timeout.count()) + " ms"
                                        : std::strerror(so_error);
        close(fd);
        continue;
      }
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fd_ = fd;
    }
    freeaddrinfo(found);
    if (fd_ < 0) *error = {"cannot connect to " + target.authority + ": " + problem, true, false};
    return fd_ >= 0;
  }

  bool SendAll(std::string_view data, Deadline deadline, TransportError* error) {
    if (tls_) return SendAllTls(data, deadline, error);
    while (!data.empty()) {
      ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent > 0) {
        data.remove_prefix(static_cast<size_t>(sent));
      } else if (sent < 0 && errno == EINTR) {
        continue;
      } else if (sent < 0 && errno == EAGAIN) {
        if (!WaitFor(fd_, POLLOUT, deadline)) return Fail(TimeoutMessage(), error);
      } else {
        return Fail(std::string("sending failed: ") + std::strerror(errno), error);
      }
    }
    return true;
  }

  // Appends what arrives next to unread_; false with *error set at the end
  // of the connection (when `eof` is null), a failure or the deadline.
  bool ReadMore(Deadline deadline, TransportError* error, bool* eof = nullptr) {
    char buffer[16384];
    while (tls_) {
      TlsStream::Io io = tls_->Read(buffer, sizeof buffer);
      if (io.bytes > 0) {
        unread_.append(buffer, static_cast<size_t>(io.bytes));
        return true;
      }
      if (!io.problem.empty()) return Fail(io.problem, error);
      if (io.wait_for == 0) {
        if (eof != nullptr) *eof = true;
        return eof != nullptr ? false : Fail("the connection closed before a complete answer", error);
      }
      if (!WaitFor(fd_, io.wait_for, deadline)) return Fail(TimeoutMessage(), error);
    }
    for (;;) {
      ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
      if (got > 0) {
        unread_.append(buffer, static_cast<size_t>(got));
        return true;
      }
      if (got == 0) {
        if (eof != nullptr) *eof = true;
        return eof != nullptr ? false : Fail("the connection closed before a complete answer", error);
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return Fail(std::string("receiving failed: ") + std::strerror(errno), error);
      if (!WaitFor(fd_, POLLIN, deadline)) return Fail(TimeoutMessage(), error);
    }
  }

  bool SendAllTls(std::string_view data, Deadline deadline, TransportError* error) {
    while (!data.empty()) {
      TlsStream::Io io = tls_->Write(data.data(), data.size());
      if (io.bytes > 0) {
        data.remove_prefix(static_cast<size_t>(io.bytes));
      } else if (!io.problem.empty()) {
        return Fail(io.problem, error);
      } else if (!WaitFor(fd_, io.wait_for, deadline)) {
        return Fail(TimeoutMessage(), error);
      }
    }
    return true;
  }

  // TLS on the new connection: through a proxy, after CONNECT opened a
  // tunnel. Nothing of the request has been sent yet.
  bool StartTls(const HttpUrl& target, const std::optional<Proxy>& proxy, Deadline deadline, TransportError* error) {
    if (proxy && !OpenTunnel(target, *proxy, deadline, error)) return false;
    std::string problem;
    bool retryable = false;
    tls_ = TlsStream::Connect(fd_, target.host, options_.ca_bundle, deadline, &problem, &retryable);
    if (!tls_) *error = TransportError{problem, retryable, /*maybe_sent=*/false};
    return tls_ != nullptr;
  }

  bool OpenTunnel(const HttpUrl& target, const Proxy& proxy, Deadline deadline, TransportError* error) {
    std::string authority = target.host.find(':') != std::string::npos ? "[" + target.host + "]:" + target.port
                                                                       : target.host + ":" + target.port;
    std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
    if (!proxy.authorization.empty()) request += "Proxy-Authorization: " + proxy.authorization + "\r\n";
    if (!SendAll(request + "\r\n", deadline, error)) return false;
    size_t head_end;
    while ((head_end = unread_.find("\r\n\r\n")) == std::string::npos) {
      if (unread_.size() > kMaxHeaderBytes) return Malformed(error);
      if (!ReadMore(deadline, error)) return false;
    }
    std::optional<ResponseHead> head = ParseResponseHead(std::string_view(unread_).substr(0, head_end));
    unread_.erase(0, head_end + 4);
    if (!head || head->status < 200 || head->status > 299) {
      *error = TransportError{"the proxy " + proxy.host + ":" + proxy.port + " refused a tunnel to " + authority +
                                  (head ? " (HTTP " + std::to_string(head->status) + ")" : ""),
                              true, false};
      return false;
    }
    return true;
  }

  // Until unread_ holds at least `size` bytes.
  bool ReadAtLeast(size_t size, Deadline deadline, TransportError* error) {
    while (unread_.size() < size) {
      if (!ReadMore(deadline, error)) return false;
    }
    return true;
  }

  std::optional<HttpResponse> ReadResponse(Deadline deadline, TransportError* error) {
    for (;;) {
      size_t head_end;
      while ((head_end = unread_.find("\r\n\r\n")) == std::string::npos) {
        if (unread_.size() > kMaxHeaderBytes) Malformed(error);
        if (unread_.size() > kMaxHeaderBytes || !ReadMore(deadline, error)) return std::nullopt;
      }
      std::optional<ResponseHead> head = ParseResponseHead(std::string_view(unread_).substr(0, head_end));
      if (!head) {
        Malformed(error);
        return std::nullopt;
      }
      unread_.erase(0, head_end + 4);
      if (head->status >= 100 && head->status < 200) continue;  // 100 Continue: the answer follows
      HttpResponse response{head->status, {}};
      if (!ReadBody(*head, deadline, &response.body, error)) return std::nullopt;
      if (!head->keep_alive) Disconnect();
      return response;
    }
  }

  bool ReadBody(ResponseHead& head, Deadline deadline, std::string* body, TransportError* error) {
    if (head.chunked) return ReadChunks(deadline, body, error);
    if (head.content_length) {
      if (!ReadAtLeast(*head.content_length, deadline, error)) return false;
      body->assign(unread_, 0, *head.content_length);
      unread_.erase(0, *head.content_length);
      return true;
    }
    // Neither: the body runs to the end of the connection.
    head.keep_alive = false;
    bool eof = false;
    while (!eof) {
      if (unread_.size() > kMaxBodyBytes) return Malformed(error);
      if (!ReadMore(deadline, error, &eof) && !eof) return false;
    }
    body->swap(unread_);
    return true;
  }

  bool ReadChunks(Deadline deadline, std::string* body, TransportError* error) {
    for (;;) {
      switch (DecodeChunks(&unread_, body)) {
        case Decoded::kDone:
          return true;
        case Decoded::kMalformed:
          return Malformed(error);
        case Decoded::kNeedMore:
          if (!ReadMore(deadline, error)) return false;
      }
    }
  }

  std::string TimeoutMessage() const {
    return "no complete answer within " + std::to_string(timeout_.count()) + " ms";
  }

  // Every failure after connecting: the request may have been sent.
  static bool Fail(std::string message, TransportError* error) {
    *error = TransportError{std::move(message), /*retryable=*/true, /*maybe_sent=*/true};
    return false;
  }

  static bool Malformed(TransportError* error) { return Fail("the answer is not well-formed HTTP/1.1", error); }

  HttpOptions options_;
  Millis timeout_{};  // of the request under way
  int fd_ = -1;
  std::unique_ptr<TlsStream> tls_;  // over fd_, for https://
  std::string connected_to_;  // what fd_ is connected to: scheme, authority, proxy
  std::string unread_;        // received and not yet parsed
};

}  // namespace

std::unique_ptr<HttpClient> CreateSocketHttpClient(const HttpOptions& options) {
  return std::make_unique<SocketHttpClient>(options);
}

}  // namespace kvstore::storage::dynamodb
