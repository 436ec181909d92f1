// Plain HTTP/1.1 over a socket, for http:// endpoints: one request at a time
// on one kept connection, the answer framed by Content-Length, chunked
// transfer coding or the end of the connection.
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
#include "util/host_port.h"

namespace kvstore::storage::dynamodb {
namespace {

using Deadline = std::chrono::steady_clock::time_point;

struct HttpUrl {
  std::string authority;  // host[:port] as written: the Host header SigV4 signed
  std::string host;
  std::string port;
  std::string path;
};

std::optional<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  size_t slash = url.find('/');
  HttpUrl parsed;
  parsed.authority = url.substr(0, slash);
  parsed.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  std::optional<HostPort> parts = SplitHostPort(parsed.authority);
  if (!parts) return std::nullopt;
  parsed.host = parts->host;
  parsed.port = parts->port.empty() ? "80" : std::string(parts->port);
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
  std::string line_target = proxy ? "http://" + target.authority + target.path : target.path;
  std::string text = request.method + " " + line_target + " HTTP/1.1\r\nHost: " + target.authority + "\r\n";
  if (proxy && !proxy->authorization.empty()) text += "Proxy-Authorization: " + proxy->authorization + "\r\n";
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
      *error = TransportError{"malformed http:// URL '" + request.url + "'", /*retryable=*/false, /*maybe_sent=*/false};
      return std::nullopt;
    }
    std::optional<Proxy> proxy = ProxyFor(request.url, [](const char* name) { return std::getenv(name); });
    HttpUrl peer = proxy ? HttpUrl{"proxy " + proxy->host + ":" + proxy->port, proxy->host, proxy->port, "/"} : *target;
    if (request.fresh_connection || connected_to_ != peer.authority || !KeptConnectionIsUsable()) {
      Disconnect();
      if (!Connect(peer, std::min(deadline, started + options_.connect_timeout), error)) return std::nullopt;
    }
    std::optional<HttpResponse> response;
    if (SendAll(RequestText(request, *target, proxy), deadline, error)) response = ReadResponse(deadline, error);
    if (!response) Disconnect();
    return response;
  }

 private:
  // A kept connection the server has since closed reads as ready (end of
  // file); sending on it would fail after the fact.
  bool KeptConnectionIsUsable() const {
    if (fd_ < 0 || !unread_.empty()) return false;
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, 0) == 0;
  }

  void Disconnect() {
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
      connected_to_ = target.authority;
    }
    freeaddrinfo(found);
    if (fd_ < 0) *error = {"cannot connect to " + target.authority + ": " + problem, true, false};
    return fd_ >= 0;
  }

  bool SendAll(std::string_view data, Deadline deadline, TransportError* error) {
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
  std::string connected_to_;  // the authority fd_ is connected to
  std::string unread_;        // received and not yet parsed
};

}  // namespace

std::unique_ptr<HttpClient> CreateSocketHttpClient(const HttpOptions& options) {
  return std::make_unique<SocketHttpClient>(options);
}

}  // namespace kvstore::storage::dynamodb
