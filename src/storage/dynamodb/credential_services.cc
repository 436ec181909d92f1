#include "storage/dynamodb/credential_services.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "kvstore/clock.h"
#include "storage/dynamodb/http_client.h"
#include "util/host_port.h"
#include "util/quote.h"
#include "util/time_text.h"

namespace kvstore::storage::dynamodb {
namespace {

using Json = nlohmann::json;

// One request to a credential service; a transport failure is IoError
// naming `what` (NotFound when `unreachable_is_absent` and nothing answered).
Result<HttpResponse> Ask(const std::string& what, const HttpRequest& request, Millis timeout,
                         bool unreachable_is_absent = false) {
  // AWS_CA_BUNDLE applies to every service, as in the SDKs.
  const char* ca_bundle = std::getenv("AWS_CA_BUNDLE");
  auto http = HttpClient::Create(request.url, {.connect_timeout = timeout, .request_timeout = timeout,
                                               .ca_bundle = ca_bundle ? ca_bundle : ""});
  if (!http.ok()) return http.status();
  TransportError error;
  auto response = (*http)->Send(request, &error);
  if (response) return *response;
  if (unreachable_is_absent && !error.maybe_sent) return Status::NotFound(what + ": " + error.message);
  if (unreachable_is_absent && error.message.find("no complete answer") != std::string::npos) {
    return Status::NotFound(what + ": " + error.message);
  }
  return Status::IoError(what + ": " + error.message);
}

// Credentials from the JSON of a container endpoint, IMDS or
// credential_process ("Token" or "SessionToken"; "Expiration" ISO 8601).
Result<SourcedCredentials> FromJson(const std::string& what, const std::string& body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return Status::IoError(what + ": the answer is not JSON");
  auto text = [&](const char* key) { return parsed.contains(key) && parsed[key].is_string() ? parsed[key].get<std::string>() : ""; };
  SourcedCredentials out;
  out.credentials = {text("AccessKeyId"), text("SecretAccessKey"), text("Token")};
  if (out.credentials.session_token.empty()) out.credentials.session_token = text("SessionToken");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
    std::string code = text("Code");
    return Status::IoError(what + ": the answer holds no credentials" + (code.empty() ? "" : " (" + Excerpt(code, 80) + ")"));
  }
  if (std::string expiration = text("Expiration"); !expiration.empty()) {
    out.expires_at_ms = ParseIso8601(expiration);
    if (!out.expires_at_ms) return Status::IoError(what + ": malformed Expiration '" + Excerpt(expiration, 40) + "'");
  }
  return out;
}

// Credentials from an STS answer, or its error.
Result<SourcedCredentials> FromStsAnswer(const std::string& action, const std::string& role_arn,
                                         const HttpResponse& response) {
  std::string what = "STS " + action + " of " + role_arn;
  if (response.status != 200) {
    std::string code = XmlElement(response.body, "Code").value_or("HTTP " + std::to_string(response.status));
    std::string message = XmlElement(response.body, "Message").value_or("");
    return Status::IoError(what + " refused: " + Excerpt(code, 80) + (message.empty() ? "" : ": " + Excerpt(message)));
  }
  SourcedCredentials out;
  out.credentials.access_key_id = XmlElement(response.body, "AccessKeyId").value_or("");
  out.credentials.secret_access_key = XmlElement(response.body, "SecretAccessKey").value_or("");
  out.credentials.session_token = XmlElement(response.body, "SessionToken").value_or("");
  out.expires_at_ms = ParseIso8601(XmlElement(response.body, "Expiration").value_or(""));
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() || !out.expires_at_ms) {
    return Status::IoError(what + ": the answer holds no credentials");
  }
  return out;
}

std::string StsBody(const std::string& action, const AssumeRoleRequest& request) {
  std::string body = "Action=" + action + "&Version=2011-06-15&RoleArn=" + FormEncode(request.role_arn) +
                     "&RoleSessionName=" + FormEncode(request.session_name);
  if (!request.external_id.empty()) body += "&ExternalId=" + FormEncode(request.external_id);
  if (request.duration_seconds) body += "&DurationSeconds=" + std::to_string(*request.duration_seconds);
  return body;
}

constexpr char kFormType[] = "application/x-www-form-urlencoded; charset=utf-8";

}  // namespace

std::optional<std::string> XmlElement(const std::string& xml, const std::string& tag) {
  size_t open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return std::nullopt;
  size_t start = open + tag.size() + 2;
  size_t close = xml.find("</" + tag + ">", start);
  if (close == std::string::npos) return std::nullopt;
  std::string raw = xml.substr(start, close - start), out;
  static const std::pair<const char*, char> kEntities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
                                                           {"&quot;", '"'}, {"&apos;", '\''}};
  for (size_t i = 0; i < raw.size(); ++i) {
    bool replaced = false;
    for (const auto& [entity, c] : kEntities) {
      if (raw.compare(i, std::char_traits<char>::length(entity), entity) == 0) {
        out += c;
        i += std::char_traits<char>::length(entity) - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += raw[i];
  }
  return out;
}

std::string FormEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<SourcedCredentials> AssumeRole(const AssumeRoleRequest& request, const Credentials& source) {
  std::string body = StsBody("AssumeRole", request);
  std::string amz_date = AmzDate(SystemClock::Shared()->NowMillis());
  SigningRequest signing;
  signing.headers = {{"Host", std::string(UrlAuthority(request.sts_endpoint))}, {"X-Amz-Date", amz_date}, {"Content-Type", kFormType}};
  signing.payload = body;
  if (!source.session_token.empty()) signing.headers.push_back({"X-Amz-Security-Token", source.session_token});
  auto authorization = Authorization(source, {request.region, "sts", amz_date}, signing);
  if (!authorization.ok()) return authorization.status();
  HttpRequest http{.url = request.sts_endpoint + "/", .body = body};
  for (const auto& [name, value] : signing.headers) {
    if (name != "Host") http.headers.push_back(name + ": " + value);
  }
  http.headers.push_back("Authorization: " + *authorization);
  auto response = Ask("STS at " + request.sts_endpoint, http, kServiceTimeout);
  if (!response.ok()) return response.status();
  return FromStsAnswer("AssumeRole", request.role_arn, *response);
}

Result<SourcedCredentials> AssumeRoleWithWebIdentity(const AssumeRoleRequest& request, const std::string& token) {
  HttpRequest http{.url = request.sts_endpoint + "/",
                   .headers = {std::string("Content-Type: ") + kFormType},
                   .body = StsBody("AssumeRoleWithWebIdentity", request) + "&WebIdentityToken=" + FormEncode(token)};
  auto response = Ask("STS at " + request.sts_endpoint, http, kServiceTimeout);
  if (!response.ok()) return response.status();
  return FromStsAnswer("AssumeRoleWithWebIdentity", request.role_arn, *response);
}

Result<SourcedCredentials> SsoRoleCredentials(const std::string& portal_endpoint, const std::string& access_token,
                                              const std::string& account_id, const std::string& role_name) {
  HttpRequest http{.method = "GET",
                   .url = portal_endpoint + "/federation/credentials?account_id=" + FormEncode(account_id) +
                          "&role_name=" + FormEncode(role_name),
                   .headers = {"x-amz-sso_bearer_token: " + access_token}};
  std::string what = "SSO portal at " + portal_endpoint;
  auto response = Ask(what, http, kServiceTimeout);
  if (!response.ok()) return response.status();
  if (response->status == 401 || response->status == 403) {
    return Status::IoError(what + " refused the SSO session (HTTP " + std::to_string(response->status) +
                           "): run aws sso login again");
  }
  Json parsed = Json::parse(response->body, nullptr, false);
  if (response->status != 200 || !parsed.is_object() || !parsed.contains("roleCredentials")) {
    return Status::IoError(what + ": HTTP " + std::to_string(response->status) + " " + Excerpt(response->body));
  }
  const Json& role = parsed["roleCredentials"];
  SourcedCredentials out;
  out.credentials = {role.value("accessKeyId", ""), role.value("secretAccessKey", ""), role.value("sessionToken", "")};
  if (role.contains("expiration") && role["expiration"].is_number()) out.expires_at_ms = role["expiration"].get<int64_t>();
  if (out.credentials.access_key_id.empty()) return Status::IoError(what + ": the answer holds no credentials");
  return out;
}

Result<SourcedCredentials> ContainerCredentials(const std::string& url, const std::string& authorization) {
  HttpRequest http{.method = "GET", .url = url};
  if (!authorization.empty()) http.headers.push_back("Authorization: " + authorization);
  std::string what = "container credentials at " + url;
  auto response = Ask(what, http, kMetadataTimeout);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return Status::IoError(what + ": HTTP " + std::to_string(response->status) + " " + Excerpt(response->body));
  }
  return FromJson(what, response->body);
}

Result<SourcedCredentials> InstanceMetadataCredentials(const std::string& endpoint) {
  std::string what = "instance metadata at " + endpoint;
  auto token = Ask(what, {.method = "PUT", .url = endpoint + "/latest/api/token",
                          .headers = {"X-aws-ec2-metadata-token-ttl-seconds: 21600"}},
                   kMetadataTimeout, /*unreachable_is_absent=*/true);
  if (!token.ok()) return token.status();
  if (token->status == 403 || token->status == 404 || token->status == 405) {
    // What answers is not IMDSv2 (or IMDS is turned off there), as the SDKs judge it.
    return Status::NotFound(what + ": no session token (HTTP " + std::to_string(token->status) + ")");
  }
  if (token->status != 200) return Status::IoError(what + ": no session token (HTTP " + std::to_string(token->status) + ")");
  std::string header = "X-aws-ec2-metadata-token: " + token->body;
  std::string base = endpoint + "/latest/meta-data/iam/security-credentials/";
  auto role = Ask(what, {.method = "GET", .url = base, .headers = {header}}, kMetadataTimeout);
  if (!role.ok()) return role.status();
  if (role->status == 404) return Status::IoError(what + ": the instance has no IAM role (attach an instance profile)");
  std::string name = role->body.substr(0, role->body.find('\n'));
  if (role->status != 200 || name.empty()) return Status::IoError(what + ": no role name (HTTP " + std::to_string(role->status) + ")");
  auto credentials = Ask(what, {.method = "GET", .url = base + name, .headers = {header}}, kMetadataTimeout);
  if (!credentials.ok()) return credentials.status();
  if (credentials->status != 200) {
    return Status::IoError(what + ": credentials of role " + Excerpt(name, 80) + ": HTTP " + std::to_string(credentials->status));
  }
  return FromJson(what, credentials->body);
}

}  // namespace kvstore::storage::dynamodb
