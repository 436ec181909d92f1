#include "storage/dynamodb/aws_config.h"

#include <algorithm>
#include <charconv>

namespace kvstore::storage::dynamodb {
namespace {

// Seconds, as a decimal number: more than 0, at most 10 minutes.
Result<Millis> ParseTimeout(const std::string& name, const std::string& text) {
  double seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || !(seconds > 0) || seconds > 600) {
    return Status::InvalidArgument(name + " '" + text.substr(0, 40) + "' must be a number of seconds from 0.001 to 600");
  }
  return Millis(std::max<int64_t>(1, static_cast<int64_t>(seconds * 1000)));
}

std::string Region(const AwsSettings& settings, const GetEnv& getenv) {
  if (settings.region) return *settings.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (std::string region = EnvOr(getenv, name); !region.empty()) return region;
  }
  std::string profile = settings.profile.value_or(EnvOr(getenv, "AWS_PROFILE"));
  auto keys = AwsFiles(getenv).Profile(profile.empty() ? "default" : profile);
  if (keys && !(*keys)["region"].empty()) return (*keys)["region"];
  return "us-east-1";
}

}  // namespace

Result<AwsConfig> LoadAwsConfig(const AwsSettings& settings, const GetEnv& getenv) {
  AwsConfig config;
  config.region = Region(settings, getenv);
  config.endpoint = settings.endpoint;
  if (config.endpoint.empty()) config.endpoint = EnvOr(getenv, "AWS_ENDPOINT_URL_DYNAMODB");
  if (config.endpoint.empty()) config.endpoint = EnvOr(getenv, "AWS_ENDPOINT_URL");
  if (config.endpoint.empty()) config.endpoint = "https://dynamodb." + config.region + ".amazonaws.com";
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();

  config.ca_bundle = EnvOr(getenv, "AWS_CA_BUNDLE");
  config.table_prefix = EnvOr(getenv, "KVSTORE_TABLE_PREFIX");
  if (std::string timeout = EnvOr(getenv, "KVSTORE_DYNAMODB_TIMEOUT"); !timeout.empty()) {
    auto parsed = ParseTimeout("KVSTORE_DYNAMODB_TIMEOUT", timeout);
    if (!parsed.ok()) return parsed.status();
    config.request_timeout = *parsed;
  }
  auto chain = CredentialChain::Resolve({.getenv = getenv, .profile = settings.profile, .region = config.region});
  if (!chain.ok()) return chain.status();
  config.credentials = std::move(*chain);
  return config;
}

}  // namespace kvstore::storage::dynamodb
