// The libcurl-backed client against a one-shot server on loopback.
#include "storage/dynamodb/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace kvstore::storage::dynamodb {
namespace {

// Listens on a free loopback port; answers one request with `reply`.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 1);
    thread_ = std::thread([this] {
      int client = accept(fd_, nullptr, nullptr);
      char buf[65536];
      std::string request;
      while (request.find("ok-body") == std::string::npos) {
        ssize_t n = read(client, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, size_t(n));
      }
      request_ = request;
      (void)!write(client, reply_.data(), reply_.size());
      close(client);
    });
  }
  ~OneShotServer() {
    thread_.join();
    close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  const std::string& request() const { return request_; }

 private:
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
};

TEST(HttpClientTest, PostsHeadersAndBodyAndReadsTheResponse) {
  auto client = HttpClient::Create({});
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  {
    OneShotServer server("HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnope!");
    TransportError error;
    auto response = (*client)->Post(server.url(), {"X-Amz-Target: DynamoDB_20120810.ListTables"}, "ok-body", false, &error);
    ASSERT_TRUE(response.has_value()) << error.message;
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(response->body, "nope!");
    EXPECT_NE(server.request().find("X-Amz-Target: DynamoDB_20120810.ListTables"), std::string::npos);
    EXPECT_NE(server.request().find("POST / HTTP/1.1"), std::string::npos);
  }
}

TEST(HttpClientTest, RefusedConnectionIsARetryableTransportError) {
  auto client = HttpClient::Create({.connect_timeout = Millis(500), .request_timeout = Millis(1000)});
  ASSERT_TRUE(client.ok());
  TransportError error;
  // Port 1 on loopback: nothing listens there.
  auto response = (*client)->Post("http://127.0.0.1:1/", {}, "{}", false, &error);
  EXPECT_FALSE(response.has_value());
  EXPECT_TRUE(error.retryable);
  EXPECT_FALSE(error.message.empty());
}

}  // namespace
}  // namespace kvstore::storage::dynamodb
