// The pure parts of the credential chain: AWS's time stamps, STS's XML, the
// form encoding of STS requests, SHA-1 (SSO cache names), the AWS files.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "storage/dynamodb/aws_files.h"
#include "storage/dynamodb/credential_services.h"
#include "storage/dynamodb/crypto.h"
#include "storage/dynamodb/http_proxy.h"
#include "testing/temp_dir.h"
#include "util/time_text.h"

namespace kvstore::storage::dynamodb {
namespace {

TEST(Iso8601Test, ReadsTheFormsAwsWrites) {
  EXPECT_EQ(ParseIso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIso8601("2026-12-01T20:00:00Z"), 1796155200000);
  EXPECT_EQ(ParseIso8601("2026-12-01T20:00:00.250Z"), 1796155200250);
  EXPECT_EQ(ParseIso8601("2026-12-01T20:00:00+00:00"), 1796155200000);
  EXPECT_EQ(ParseIso8601("2026-12-01T20:00:00UTC"), 1796155200000);
  EXPECT_EQ(ParseIso8601("2024-02-29T00:00:00Z"), 1709164800000);
  EXPECT_FALSE(ParseIso8601("2026-13-01T20:00:00Z"));
  EXPECT_FALSE(ParseIso8601("yesterday"));
  EXPECT_FALSE(ParseIso8601("2026-12-01T20:00:00+02:00"));
}

TEST(Sha1Test, KnownDigests) {
  EXPECT_EQ(Hex(Sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Hex(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Hex(Sha1(std::string(1000, 'a'))), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}

TEST(StsTextTest, XmlElementsAndFormEncoding) {
  std::string xml = "<R><Code>AccessDenied</Code><Message>a &amp; b &lt;c&gt;</Message></R>";
  EXPECT_EQ(XmlElement(xml, "Code"), "AccessDenied");
  EXPECT_EQ(XmlElement(xml, "Message"), "a & b <c>");
  EXPECT_FALSE(XmlElement(xml, "Missing"));
  EXPECT_EQ(FormEncode("arn:aws:iam::1:role/x y+z"), "arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx%20y%2Bz");
}

TEST(AwsFilesTest, ProfilesMergeBothFilesAndSkipNestedKeys) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/config") << "[default]\nregion = eu-west-1\n"
                                            "[profile dev]\nregion = us-west-2\ns3 =\n  max_concurrent_requests = 4\n"
                                            "[sso-session corp]\nsso_region = us-east-1\n";
  std::ofstream(dir.path() + "/credentials") << "[dev]\naws_access_key_id = AK\n# comment\n";
  std::string config = dir.path() + "/config", credentials = dir.path() + "/credentials";
  GetEnv env = [&](const char* name) -> const char* {
    if (std::string(name) == "AWS_CONFIG_FILE") return config.c_str();
    if (std::string(name) == "AWS_SHARED_CREDENTIALS_FILE") return credentials.c_str();
    return nullptr;
  };
  AwsFiles files(env);
  auto dev = files.Profile("dev");
  ASSERT_TRUE(dev);
  EXPECT_EQ((*dev)["region"], "us-west-2");
  EXPECT_EQ((*dev)["aws_access_key_id"], "AK");
  EXPECT_FALSE(dev->contains("max_concurrent_requests"));
  EXPECT_EQ((*files.Profile("default"))["region"], "eu-west-1");
  EXPECT_FALSE(files.Profile("missing"));
  EXPECT_EQ((*files.SsoSession("corp"))["sso_region"], "us-east-1");
}

TEST(HttpProxyTest, NoProxyListsAsCurlReadsThem) {
  EXPECT_TRUE(BypassesProxy("*", "anything", "443"));
  EXPECT_TRUE(BypassesProxy("example.com", "example.com", "443"));
  EXPECT_TRUE(BypassesProxy("example.com", "api.example.com", "443"));
  EXPECT_TRUE(BypassesProxy(" .example.com , other", "API.example.com", "443"));
  EXPECT_FALSE(BypassesProxy("example.com", "notexample.com", "443"));
  EXPECT_TRUE(BypassesProxy("localhost:8000", "localhost", "8000"));
  EXPECT_FALSE(BypassesProxy("localhost:8000", "localhost", "8001"));
  EXPECT_TRUE(BypassesProxy("127.0.0.1,::1", "127.0.0.1", "80"));
  EXPECT_FALSE(BypassesProxy("", "example.com", "80"));
}

TEST(HttpProxyTest, ChoosesByScheme) {
  std::map<std::string, std::string> vars = {{"HTTPS_PROXY", "http://u:p@proxy:3128"}, {"http_proxy", "proxy2"},
                                             {"NO_PROXY", "internal.test"}};
  GetEnv env = [&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  auto https = ProxyFor("https://dynamodb.us-east-1.amazonaws.com/", env);
  ASSERT_TRUE(https);
  EXPECT_EQ(https->host, "proxy");
  EXPECT_EQ(https->port, "3128");
  EXPECT_EQ(https->authorization, "Basic dTpw");
  auto http = ProxyFor("http://dynamodb.local:8000/", env);
  ASSERT_TRUE(http);
  EXPECT_EQ(http->host, "proxy2");
  EXPECT_EQ(http->port, "80");
  EXPECT_FALSE(ProxyFor("https://db.internal.test/", env));
  EXPECT_FALSE(ProxyFor("http://169.254.169.254/latest/api/token", env));  // instance metadata: never proxied
}

}  // namespace
}  // namespace kvstore::storage::dynamodb
