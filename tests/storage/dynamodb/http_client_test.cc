// The HTTP transport against a scripted server on loopback (https, through
// TLS, is tried end to end by tests/tls/dynamodb_tls.py).
#include "storage/dynamodb/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace kvstore::storage::dynamodb {
namespace {

// What the server does with one request it has read in full.
struct Reply {
  std::string bytes;        // sent as is
  bool close_after = false;  // then closes the connection
  bool silent = false;      // sends nothing and keeps the connection open
};

// Listens on a free loopback port and answers requests in order with the
// scripted replies, on as many connections as the client opens.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Reply> replies) : replies_(std::move(replies)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(listener_, 4);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    shutdown(listener_, SHUT_RDWR);
    thread_.join();
    close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  int connections() const { return connections_; }
  std::string requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  // One thread per connection (a client may keep an idle connection open
  // while it opens a fresh one); replies go out in the order requests come.
  void Serve() {
    std::vector<std::thread> connections;
    for (;;) {
      int client = accept(listener_, nullptr, nullptr);
      if (client < 0) break;
      ++connections_;
      connections.emplace_back([this, client] { Answer(client); });
    }
    for (std::thread& t : connections) t.join();
  }

  void Answer(int client) {
    std::string pending;
    while (ReadRequest(client, &pending)) {
      std::unique_lock lock(mutex_);
      if (next_ == replies_.size()) break;
      Reply reply = replies_[next_++];
      lock.unlock();
      if (reply.silent) {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        break;
      }
      (void)!write(client, reply.bytes.data(), reply.bytes.size());
      if (reply.close_after) break;
    }
    close(client);
  }

  // One request: headers, then Content-Length bytes of body.
  bool ReadRequest(int client, std::string* pending) {
    char buf[65536];
    for (;;) {
      size_t head_end = pending->find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t length_at = pending->find("Content-Length: ");
        size_t length = length_at < head_end ? std::stoul(pending->substr(length_at + 16)) : 0;
        if (pending->size() >= head_end + 4 + length) {
          std::lock_guard lock(mutex_);
          requests_ += pending->substr(0, head_end + 4 + length);
          pending->erase(0, head_end + 4 + length);
          return true;
        }
      }
      ssize_t n = read(client, buf, sizeof buf);
      if (n <= 0) return false;
      pending->append(buf, size_t(n));
    }
  }

  std::mutex mutex_;
  std::vector<Reply> replies_;
  size_t next_ = 0;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::string requests_;
  std::thread thread_;
};

Reply Ok(std::string body) {
  return {"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body};
}


class HttpClientTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<HttpClient> Client(HttpOptions options = {}) {
    return CreateSocketHttpClient(options);
  }

  std::optional<HttpResponse> Post(HttpClient& client, const std::string& url, bool fresh = false) {
    return client.Send({.url = url, .headers = {"X-Amz-Target: DynamoDB_20120810.ListTables"}, .body = "{\"body\":1}",
                        .fresh_connection = fresh},
                       &error_);
  }

  TransportError error_;
};

TEST_P(HttpClientTest, PostsHeadersAndBodyAndReadsTheResponse) {
  ScriptedServer server({{"HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnope!"}});
  auto client = Client();
  auto response = Post(*client, server.url());
  ASSERT_TRUE(response.has_value()) << error_.message;
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body, "nope!");
  std::string request = server.requests();
  EXPECT_TRUE(request.starts_with("POST / HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("X-Amz-Target: DynamoDB_20120810.ListTables\r\n"), std::string::npos);
  EXPECT_NE(request.find("Content-Length: 10\r\n"), std::string::npos);
  EXPECT_TRUE(request.ends_with("\r\n\r\n{\"body\":1}")) << request;
}

TEST_P(HttpClientTest, ReadsChunkedAndClosedAnswers) {
  ScriptedServer server({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n"},
                         {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", true}});
  auto client = Client();
  auto chunked = Post(*client, server.url());
  ASSERT_TRUE(chunked.has_value()) << error_.message;
  EXPECT_EQ(chunked->body, "{\"a\":1}");
  auto closed = Post(*client, server.url());
  ASSERT_TRUE(closed.has_value()) << error_.message;
  EXPECT_EQ(closed->body, "until the end");
}

TEST_P(HttpClientTest, KeepsTheConnectionUnlessAskedForAFreshOne) {
  ScriptedServer server({Ok("1"), Ok("2"), Ok("3")});
  auto client = Client();
  ASSERT_EQ(Post(*client, server.url())->body, "1");
  ASSERT_EQ(Post(*client, server.url())->body, "2");
  EXPECT_EQ(server.connections(), 1);
  ASSERT_EQ(Post(*client, server.url(), /*fresh=*/true)->body, "3");
  EXPECT_EQ(server.connections(), 2);
}

TEST_P(HttpClientTest, ReconnectsWhenTheServerClosedTheKeptConnection) {
  ScriptedServer server({{Ok("1").bytes, /*close_after=*/true}, Ok("2")});
  auto client = Client();
  ASSERT_EQ(Post(*client, server.url())->body, "1");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the close reaches the client
  auto second = Post(*client, server.url());
  ASSERT_TRUE(second.has_value()) << error_.message;
  EXPECT_EQ(second->body, "2");
  EXPECT_EQ(server.connections(), 2);
}

TEST_P(HttpClientTest, RefusedConnectionWasNeverSent) {
  auto client = Client({.connect_timeout = Millis(500), .request_timeout = Millis(1000)});
  // Port 1 on loopback: nothing listens there.
  EXPECT_FALSE(Post(*client, "http://127.0.0.1:1/").has_value());
  EXPECT_TRUE(error_.retryable);
  EXPECT_FALSE(error_.maybe_sent);
  EXPECT_FALSE(error_.message.empty());
}

TEST_P(HttpClientTest, SilenceIsATimeoutThatMayHaveBeenSent) {
  ScriptedServer server({{"", false, /*silent=*/true}});
  auto client = Client({.connect_timeout = Millis(200), .request_timeout = Millis(200)});
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(Post(*client, server.url()).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(550));
  EXPECT_TRUE(error_.retryable);
  EXPECT_TRUE(error_.maybe_sent);
}

TEST_P(HttpClientTest, ARequestsOwnTimeoutCutsItShorter) {
  ScriptedServer server({{"", false, /*silent=*/true}});
  auto client = Client({.connect_timeout = Millis(3000), .request_timeout = Millis(3000)});
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(client->Send({.url = server.url(), .timeout = Millis(150)}, &error_).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(550));
  EXPECT_TRUE(error_.maybe_sent);
}

// The credential sources' requests: IMDS asks for a token with a PUT of
// nothing and reads with GETs.
TEST_P(HttpClientTest, SendsGetAndPut) {
  ScriptedServer server({Ok("token"), Ok("role")});
  auto client = Client();
  auto put = client->Send({.method = "PUT", .url = server.url() + "latest/api/token",
                           .headers = {"X-aws-ec2-metadata-token-ttl-seconds: 21600"}},
                          &error_);
  ASSERT_TRUE(put.has_value()) << error_.message;
  EXPECT_EQ(put->body, "token");
  auto get = client->Send({.method = "GET", .url = server.url() + "latest/meta-data/"}, &error_);
  ASSERT_TRUE(get.has_value()) << error_.message;
  EXPECT_EQ(get->body, "role");
  std::string requests = server.requests();
  EXPECT_TRUE(requests.starts_with("PUT /latest/api/token HTTP/1.1\r\n")) << requests;
  size_t get_at = requests.find("GET /latest/meta-data/ HTTP/1.1\r\n");
  ASSERT_NE(get_at, std::string::npos) << requests;
  EXPECT_NE(requests.substr(0, get_at).find("Content-Length: 0\r\n"), std::string::npos) << requests;
  EXPECT_EQ(requests.substr(get_at).find("Content-Length"), std::string::npos) << requests;
}

TEST_P(HttpClientTest, ConnectionClosedWithoutAnAnswerMayHaveBeenSent) {
  ScriptedServer server({{"", /*close_after=*/true}});
  auto client = Client();
  EXPECT_FALSE(Post(*client, server.url()).has_value());
  EXPECT_TRUE(error_.maybe_sent);
  EXPECT_TRUE(error_.retryable);
}

TEST_P(HttpClientTest, GarbageIsATransportError) {
  ScriptedServer server({{"SSH-2.0-OpenSSH_9.2\r\n\r\n", true}});
  auto client = Client();
  EXPECT_FALSE(Post(*client, server.url()).has_value());
  EXPECT_FALSE(error_.message.empty());
}

INSTANTIATE_TEST_SUITE_P(Transports, HttpClientTest, ::testing::Values("socket"),
                         [](const auto& info) { return info.param; });

TEST(HttpClientFactoryTest, ChoosesByScheme) {
  EXPECT_TRUE(HttpClient::Create("http://127.0.0.1:8000", {}).ok());
  EXPECT_EQ(HttpClient::Create("ftp://example.com", {}).status().code(), Status::Code::kInvalidArgument);
}

TEST(SocketHttpClientTest, MalformedUrlIsNotRetried) {
  auto client = CreateSocketHttpClient({});
  TransportError error;
  EXPECT_FALSE(client->Send({.url = "http://:80/"}, &error).has_value());
  EXPECT_FALSE(error.retryable);
  EXPECT_FALSE(error.maybe_sent);
}

}  // namespace
}  // namespace kvstore::storage::dynamodb
