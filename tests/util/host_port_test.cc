#include "util/host_port.h"

#include <gtest/gtest.h>

namespace kvstore {
namespace {

TEST(HostPortTest, SplitsEveryFormTheStoreUrlAccepts) {
  auto named = SplitHostPort("localhost:8000");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->host, "localhost");
  EXPECT_EQ(named->port, "8000");
  auto v6 = SplitHostPort("[::1]:65535");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1") << "without its brackets, as getaddrinfo wants it";
  EXPECT_EQ(v6->port, "65535");
  EXPECT_EQ(SplitHostPort("dynamodb.eu-west-1.amazonaws.com")->port, "") << "no port: the scheme's own";
  EXPECT_EQ(SplitHostPort("[fe80::1]")->host, "fe80::1");
}

TEST(HostPortTest, RefusesWhatNoTransportCouldConnectTo) {
  for (const char* bad : {"", ":80", "h:", "h:0", "h:65536", "h:99999", "h:8o", "h:+80", "[::1", "[]:80", "[::1]:",
                          "[::1]x", "::1", "a:b:c", "h]:80"}) {
    EXPECT_FALSE(SplitHostPort(bad)) << bad;
  }
}

TEST(HostPortTest, UrlAuthorityIsWhatTheHostHeaderCarries) {
  EXPECT_EQ(UrlAuthority("https://dynamodb.eu-west-1.amazonaws.com/"), "dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(UrlAuthority("http://[::1]:8000"), "[::1]:8000") << "brackets kept: the Host header needs them";
  EXPECT_EQ(UrlAuthority("http://localhost:8000?x=1"), "localhost:8000");
  EXPECT_EQ(UrlAuthority("http://h:1#frag"), "h:1");
  EXPECT_EQ(UrlAuthority("proxy.internal:3128/"), "proxy.internal:3128") << "a proxy setting without a scheme";
}

}  // namespace
}  // namespace kvstore
