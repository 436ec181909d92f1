#include "storage/dynamodb/credential_chain.h"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "storage/dynamodb/crypto.h"
#include "storage/dynamodb/disk_cache.h"
#include "util/quote.h"
#include "util/time_text.h"

namespace kvstore::storage::dynamodb {
namespace {

using Json = nlohmann::json;

// One place credentials may come from: a way to fetch them, or why it does
// not apply here.
struct Candidate {
  std::string name;
  FetchCredentials fetch{};
  std::string why_not{};
};

int64_t NowMs() { return SystemClock::Shared()->NowMillis(); }

bool FreshEnough(const SourcedCredentials& c) {
  return !c.expires_at_ms || *c.expires_at_ms - NowMs() > CredentialChain::kRefreshWindow.count();
}

std::string ReadSmallFile(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return "";
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// --- the disk cache of temporary credentials --------------------------------

std::optional<SourcedCredentials> ReadCache(const std::string& path) {
  Json j = Json::parse(ReadDiskCache(path).value_or(""), nullptr, false);
  if (!j.is_object() || !j.contains("expires_at_ms") || !j["expires_at_ms"].is_number()) return std::nullopt;
  SourcedCredentials c{{j.value("access_key_id", ""), j.value("secret_access_key", ""), j.value("session_token", "")},
                       j["expires_at_ms"].get<int64_t>()};
  if (c.credentials.access_key_id.empty() || !FreshEnough(c)) return std::nullopt;
  return c;
}

void WriteCache(const std::string& path, const SourcedCredentials& c) {
  if (!c.expires_at_ms) return;
  WriteDiskCache(path, Json{{"access_key_id", c.credentials.access_key_id},
                            {"secret_access_key", c.credentials.secret_access_key},
                            {"session_token", c.credentials.session_token},
                            {"expires_at_ms", *c.expires_at_ms}}.dump());
}

FetchCredentials Cached(const GetEnv& getenv, const std::string& key, FetchCredentials fetch) {
  std::string path = DiskCachePath(getenv, "aws", key);
  return [path, fetch]() -> Result<SourcedCredentials> {
    if (auto cached = ReadCache(path)) return *cached;
    auto fetched = fetch();
    if (fetched.ok()) WriteCache(path, *fetched);
    return fetched;
  };
}

// --- the sources --------------------------------------------------------------

FetchCredentials Static(Credentials credentials) {
  return [credentials] { return Result<SourcedCredentials>(SourcedCredentials{credentials, std::nullopt}); };
}

Candidate FromEnvironment(const GetEnv& getenv) {
  Credentials c{EnvOr(getenv, "AWS_ACCESS_KEY_ID"), EnvOr(getenv, "AWS_SECRET_ACCESS_KEY"),
                EnvOr(getenv, "AWS_SESSION_TOKEN")};
  if (c.access_key_id.empty()) return {"environment", nullptr, "AWS_ACCESS_KEY_ID is not set"};
  if (c.secret_access_key.empty()) return {"environment", nullptr, "AWS_SECRET_ACCESS_KEY is not set"};
  return {"environment", Static(c)};
}

std::string SessionName(const std::string& given) {
  return given.empty() ? "kvstore-" + std::to_string(NowMs()) : given;
}

FetchCredentials WebIdentity(const ChainSettings& settings, const std::string& token_file,
                             const std::string& role_arn, const std::string& session_name) {
  AssumeRoleRequest request{.sts_endpoint = StsEndpoint(settings.getenv, settings.region), .region = settings.region,
                            .role_arn = role_arn, .session_name = SessionName(session_name)};
  FetchCredentials fetch = [request, token_file]() -> Result<SourcedCredentials> {
    std::string error;
    std::string token = ReadSmallFile(token_file, &error);  // read each time: EKS rotates it
    if (!error.empty()) return Status::IoError("web identity token: " + error);
    return AssumeRoleWithWebIdentity(request, token);
  };
  return Cached(settings.getenv, "web-identity\n" + role_arn + "\n" + token_file + "\n" + session_name, fetch);
}

Candidate FromWebIdentityEnvironment(const ChainSettings& settings) {
  std::string token_file = EnvOr(settings.getenv, "AWS_WEB_IDENTITY_TOKEN_FILE");
  std::string role_arn = EnvOr(settings.getenv, "AWS_ROLE_ARN");
  if (token_file.empty() || role_arn.empty()) {
    return {"web identity", nullptr, token_file.empty() ? "AWS_WEB_IDENTITY_TOKEN_FILE is not set" : "AWS_ROLE_ARN is not set"};
  }
  return {"web identity (" + role_arn + ")",
          WebIdentity(settings, token_file, role_arn, EnvOr(settings.getenv, "AWS_ROLE_SESSION_NAME"))};
}

// The allowed hosts of AWS_CONTAINER_CREDENTIALS_FULL_URI over plain http:
// loopback and the ECS and EKS Pod Identity agents, as the SDKs allow.
bool AllowedContainerUrl(const std::string& url) {
  if (url.starts_with("https://")) return true;
  if (!url.starts_with("http://")) return false;
  std::string host = url.substr(7, url.find_first_of("/?", 7) - 7);
  if (host.starts_with("[")) host = host.substr(0, host.find(']') + 1);
  else host = host.substr(0, host.find(':'));
  return host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "169.254.170.2" ||
         host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

Candidate FromContainer(const GetEnv& getenv) {
  std::string relative = EnvOr(getenv, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  std::string full = EnvOr(getenv, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  std::string url = !relative.empty() ? "http://169.254.170.2" + relative : full;
  if (url.empty()) return {"container", nullptr, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"};
  if (relative.empty() && !AllowedContainerUrl(full)) {
    return {"container", [full]() -> Result<SourcedCredentials> {
              return Status::InvalidArgument("AWS_CONTAINER_CREDENTIALS_FULL_URI '" + Excerpt(full, 100) +
                                             "' must be https:// or http:// to loopback or the ECS/EKS agent");
            }};
  }
  std::string token_file = EnvOr(getenv, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  std::string token = EnvOr(getenv, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  return {"container (" + url + ")", [url, token_file, token]() -> Result<SourcedCredentials> {
            std::string error, authorization = token;
            if (!token_file.empty()) authorization = ReadSmallFile(token_file, &error);  // rotated by EKS
            if (!error.empty()) return Status::IoError("container authorization token: " + error);
            return ContainerCredentials(url, authorization);
          }};
}

Candidate FromInstanceMetadata(const GetEnv& getenv) {
  std::string disabled = EnvOr(getenv, "AWS_EC2_METADATA_DISABLED");
  if (disabled == "true" || disabled == "TRUE" || disabled == "True") {
    return {"instance metadata", nullptr, "AWS_EC2_METADATA_DISABLED is set"};
  }
  std::string endpoint = EnvOr(getenv, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = "http://169.254.169.254";
  while (endpoint.ends_with('/')) endpoint.pop_back();
  return {"instance metadata (" + endpoint + ")", [endpoint] { return InstanceMetadataCredentials(endpoint); }};
}

// credential_process: the command's stdout, JSON with Version 1.
FetchCredentials Process(const std::string& command) {
  // Messages name the program only: its arguments may hold secrets.
  std::string program = Excerpt(command.substr(0, command.find(' ')), 80);
  return [command, program]() -> Result<SourcedCredentials> {
    FILE* out = popen(command.c_str(), "r");
    if (out == nullptr) return Status::IoError("credential_process: cannot start '" + program + "'");
    std::string text;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, out)) > 0 && text.size() < (1 << 20);) text.append(buffer, n);
    int status = pclose(out);
    if (status != 0) {
      return Status::IoError("credential_process '" + program + "' failed (exit " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    }
    Json parsed = Json::parse(text, nullptr, false);
    if (!parsed.is_object() || parsed.value("Version", 0) != 1) {
      return Status::IoError("credential_process '" + program + "' printed no JSON with \"Version\": 1");
    }
    SourcedCredentials c{{parsed.value("AccessKeyId", ""), parsed.value("SecretAccessKey", ""),
                          parsed.value("SessionToken", "")}};
    if (std::string expiration = parsed.value("Expiration", ""); !expiration.empty()) {
      c.expires_at_ms = ParseIso8601(expiration);
      if (!c.expires_at_ms) return Status::IoError("credential_process: malformed Expiration");
    }
    if (c.credentials.access_key_id.empty() || c.credentials.secret_access_key.empty()) {
      return Status::IoError("credential_process '" + program + "' printed no AccessKeyId/SecretAccessKey");
    }
    return c;
  };
}

std::string CacheFileOfSso(const GetEnv& getenv, const std::string& name_or_url) {
  return EnvOr(getenv, "HOME") + "/.aws/sso/cache/" + Hex(Sha1(name_or_url)) + ".json";
}

// sso_session (or the legacy sso_start_url) of a profile: the access token
// `aws sso login` cached, traded at the portal for the role's credentials.
Result<FetchCredentials> Sso(const ChainSettings& settings, const AwsFiles& files, const std::string& profile,
                             const Section& keys) {
  auto key = [&](const char* k) { auto it = keys.find(k); return it == keys.end() ? std::string() : it->second; };
  std::string region = key("sso_region"), start_url = key("sso_start_url"), cache = start_url;
  if (std::string session = key("sso_session"); !session.empty()) {
    auto section = files.SsoSession(session);
    if (!section) return Status::InvalidArgument("profile '" + profile + "': no [sso-session " + session + "] in " + files.config_path());
    region = (*section)["sso_region"];
    start_url = (*section)["sso_start_url"];
    cache = session;
  }
  std::string account = key("sso_account_id"), role = key("sso_role_name");
  if (region.empty() || account.empty() || role.empty()) {
    return Status::InvalidArgument("profile '" + profile + "': SSO needs sso_region, sso_account_id and sso_role_name");
  }
  std::string portal = EnvOr(settings.getenv, "AWS_ENDPOINT_URL_SSO");
  if (portal.empty()) portal = "https://portal.sso." + region + ".amazonaws.com";
  while (portal.ends_with('/')) portal.pop_back();
  std::string token_path = CacheFileOfSso(settings.getenv, cache);
  FetchCredentials fetch = [=]() -> Result<SourcedCredentials> {
    std::string error;
    Json token = Json::parse(ReadSmallFile(token_path, &error), nullptr, false);
    std::string login = "run: aws sso login --profile " + profile;
    if (!token.is_object() || !token.contains("accessToken")) return Status::IoError("no SSO login cached (" + token_path + "); " + login);
    auto expires = ParseIso8601(token.value("expiresAt", ""));
    if (!expires || *expires <= NowMs()) return Status::IoError("the SSO login has expired; " + login);
    return SsoRoleCredentials(portal, token["accessToken"].get<std::string>(), account, role);
  };
  return Cached(settings.getenv, "sso\n" + start_url + "\n" + account + "\n" + role, fetch);
}

Result<FetchCredentials> ProfileFetch(const ChainSettings& settings, const AwsFiles& files, const std::string& name,
                                      std::set<std::string>& visited, bool as_source);

// role_arn: STS AssumeRole with the credentials of source_profile or
// credential_source, or AssumeRoleWithWebIdentity with web_identity_token_file.
Result<FetchCredentials> AssumedRole(const ChainSettings& settings, const AwsFiles& files, const std::string& name,
                                     const Section& keys, std::set<std::string>& visited) {
  auto key = [&](const char* k) { auto it = keys.find(k); return it == keys.end() ? std::string() : it->second; };
  std::string role_arn = key("role_arn");
  if (!key("mfa_serial").empty()) {
    return Status::InvalidArgument("profile '" + name + "' needs an MFA code (mfa_serial), which kvstore cannot ask for; "
                                   "use credentials from aws sts get-session-token instead");
  }
  if (!key("web_identity_token_file").empty()) {
    return WebIdentity(settings, key("web_identity_token_file"), role_arn, key("role_session_name"));
  }
  FetchCredentials source;
  if (std::string source_profile = key("source_profile"); !source_profile.empty()) {
    auto fetched = source_profile == name ? ProfileFetch(settings, files, name, visited, /*as_source=*/true)
                                          : ProfileFetch(settings, files, source_profile, visited, false);
    if (!fetched.ok()) return fetched.status();
    source = *fetched;
  } else if (std::string origin = key("credential_source"); !origin.empty()) {
    Candidate c = origin == "Environment"           ? FromEnvironment(settings.getenv)
                  : origin == "Ec2InstanceMetadata" ? FromInstanceMetadata(settings.getenv)
                  : origin == "EcsContainer"        ? FromContainer(settings.getenv)
                                                    : Candidate{origin, nullptr, "unknown credential_source"};
    if (!c.fetch) return Status::InvalidArgument("profile '" + name + "': credential_source " + origin + ": " + c.why_not);
    source = c.fetch;
  } else {
    return Status::InvalidArgument("profile '" + name + "' has role_arn but no source_profile, credential_source or "
                                   "web_identity_token_file");
  }
  int duration = 0;
  if (std::string d = key("duration_seconds"); !d.empty()) duration = std::atoi(d.c_str());
  AssumeRoleRequest request{.sts_endpoint = StsEndpoint(settings.getenv, settings.region), .region = settings.region,
                            .role_arn = role_arn, .session_name = SessionName(key("role_session_name")),
                            .external_id = key("external_id"),
                            .duration_seconds = duration > 0 ? std::optional<int>(duration) : std::nullopt};
  FetchCredentials fetch = [request, source]() -> Result<SourcedCredentials> {
    auto from = source();
    if (!from.ok()) return from.status();
    return AssumeRole(request, from->credentials);
  };
  return Cached(settings.getenv, "assume-role\n" + name + "\n" + role_arn + "\n" + key("role_session_name") + "\n" +
                                     key("external_id") + "\n" + key("duration_seconds"),
                fetch);
}

// How profile `name` gets credentials; NotFound when it has none to offer.
// `as_source`: only its static keys (a profile that names itself as
// source_profile).
Result<FetchCredentials> ProfileFetch(const ChainSettings& settings, const AwsFiles& files, const std::string& name,
                                      std::set<std::string>& visited, bool as_source) {
  auto keys = files.Profile(name);
  if (!keys) return Status::NotFound("profile '" + name + "' is in neither " + files.config_path() + " nor " + files.credentials_path());
  auto key = [&](const char* k) { auto it = keys->find(k); return it == keys->end() ? std::string() : it->second; };
  if (!as_source && !key("role_arn").empty()) {
    if (!visited.insert(name).second) return Status::InvalidArgument("profile '" + name + "': source_profile forms a loop");
    return AssumedRole(settings, files, name, *keys, visited);
  }
  if (!as_source && (!key("sso_session").empty() || !key("sso_start_url").empty())) return Sso(settings, files, name, *keys);
  if (!key("aws_access_key_id").empty()) {
    if (key("aws_secret_access_key").empty()) return Status::InvalidArgument("profile '" + name + "' has aws_access_key_id but no aws_secret_access_key");
    return Static({key("aws_access_key_id"), key("aws_secret_access_key"), key("aws_session_token")});
  }
  if (!key("credential_process").empty()) return Process(key("credential_process"));
  return Status::NotFound("profile '" + name + "' has no credentials");
}

Candidate FromProfile(const ChainSettings& settings, const std::string& name, bool named) {
  AwsFiles files(settings.getenv);
  std::set<std::string> visited;
  auto fetch = ProfileFetch(settings, files, name, visited, false);
  std::string label = "profile '" + name + "'";
  if (fetch.ok()) return {label, *fetch};
  if (fetch.status().code() == Status::Code::kNotFound && !(named && !files.Profile(name))) {
    const std::string& why = fetch.status().message();
    return {label, nullptr, why.starts_with(label + " ") ? why.substr(label.size() + 1) : why};
  }
  // Misconfigured, or a profile asked for by name that does not exist: say so.
  Status problem = fetch.status().code() == Status::Code::kNotFound ? Status::InvalidArgument(fetch.status().message())
                                                                     : fetch.status();
  return {label, [problem]() -> Result<SourcedCredentials> { return problem; }};
}

}  // namespace

std::string StsEndpoint(const GetEnv& getenv, const std::string& region) {
  std::string endpoint = EnvOr(getenv, "AWS_ENDPOINT_URL_STS");
  if (endpoint.empty()) endpoint = EnvOr(getenv, "AWS_ENDPOINT_URL");
  if (endpoint.empty()) endpoint = "https://sts." + region + ".amazonaws.com";
  while (endpoint.ends_with('/')) endpoint.pop_back();
  return endpoint;
}

Result<std::shared_ptr<CredentialChain>> CredentialChain::Resolve(const ChainSettings& settings) {
  std::string env_profile = EnvOr(settings.getenv, "AWS_PROFILE");
  std::string profile = settings.profile.value_or(env_profile.empty() ? "default" : env_profile);
  std::vector<std::function<Candidate()>> sources = {
      [&] { return settings.profile ? Candidate{"environment", nullptr, "skipped for --profile"} : FromEnvironment(settings.getenv); },
      [&] { return FromWebIdentityEnvironment(settings); },
      [&] { return FromProfile(settings, profile, settings.profile.has_value() || !env_profile.empty()); },
      [&] { return FromContainer(settings.getenv); },
      [&] { return FromInstanceMetadata(settings.getenv); },
  };
  std::string tried;
  for (const auto& make : sources) {
    Candidate candidate = make();
    if (candidate.fetch) {
      auto first = candidate.fetch();
      if (first.ok()) return std::make_shared<CredentialChain>(candidate.name, candidate.fetch, std::move(*first));
      if (first.status().code() != Status::Code::kNotFound) {
        std::string message = "AWS credentials from " + candidate.name + ": " + first.status().message();
        return first.status().code() == Status::Code::kInvalidArgument ? Status::InvalidArgument(message)
                                                                       : Status::IoError(message);
      }
      candidate.why_not = first.status().message();
    }
    tried += (tried.empty() ? "" : "; ") + candidate.name + ": " + candidate.why_not;
  }
  return Status::InvalidArgument("no AWS credentials found (" + tried + ")");
}

Result<Credentials> CredentialChain::Current() {
  std::lock_guard lock(mu_);
  if (FreshEnough(current_)) return current_.credentials;
  auto fetched = fetch_();
  if (!fetched.ok()) {
    // Still valid for a while: sign with them, and try again next time.
    if (current_.expires_at_ms && *current_.expires_at_ms > NowMs()) return current_.credentials;
    return Status::IoError("refreshing AWS credentials from " + source_ + ": " + fetched.status().message());
  }
  current_ = std::move(*fetched);
  return current_.credentials;
}

}  // namespace kvstore::storage::dynamodb
