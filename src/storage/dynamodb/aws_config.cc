#include "storage/dynamodb/aws_config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>

namespace kvstore::storage::dynamodb {
namespace {

using Section = std::map<std::string, std::string>;

std::string Trim(const std::string& s) {
  size_t start = s.find_first_not_of(" \t\r");
  size_t end = s.find_last_not_of(" \t\r");
  return start == std::string::npos ? "" : s.substr(start, end - start + 1);
}

// The keys of one [section] of an INI file such as ~/.aws/credentials.
Section ReadSection(const std::string& path, const std::string& section) {
  Section values;
  std::ifstream in(path);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inside = Trim(line.substr(1, line.size() - 2)) == section;
      continue;
    }
    size_t eq = line.find('=');
    if (inside && eq != std::string::npos) values[Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
  return values;
}

std::string Env(const GetEnv& getenv, const char* name) {
  const char* v = getenv(name);
  return v ? v : "";
}

// Seconds, as a decimal number: more than 0, at most 10 minutes.
Result<Millis> ParseTimeout(const std::string& name, const std::string& text) {
  double seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || !(seconds > 0) || seconds > 600) {
    return Status::InvalidArgument(name + " '" + text.substr(0, 40) + "' must be a number of seconds from 0.001 to 600");
  }
  return Millis(std::max<int64_t>(1, static_cast<int64_t>(seconds * 1000)));
}

}  // namespace

Result<AwsConfig> LoadAwsConfig(const std::string& endpoint, const GetEnv& getenv) {
  AwsConfig config;
  std::string home = Env(getenv, "HOME");
  std::string profile = Env(getenv, "AWS_PROFILE");
  if (profile.empty()) profile = "default";
  std::string credentials_file = Env(getenv, "AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_file.empty()) credentials_file = home + "/.aws/credentials";
  std::string config_file = Env(getenv, "AWS_CONFIG_FILE");
  if (config_file.empty()) config_file = home + "/.aws/config";

  config.credentials.access_key_id = Env(getenv, "AWS_ACCESS_KEY_ID");
  config.credentials.secret_access_key = Env(getenv, "AWS_SECRET_ACCESS_KEY");
  config.credentials.session_token = Env(getenv, "AWS_SESSION_TOKEN");
  if (config.credentials.access_key_id.empty()) {
    Section s = ReadSection(credentials_file, profile);
    config.credentials.access_key_id = s["aws_access_key_id"];
    config.credentials.secret_access_key = s["aws_secret_access_key"];
    config.credentials.session_token = s["aws_session_token"];
  }
  if (config.credentials.access_key_id.empty() || config.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add "
                                   "profile '" + profile + "' to " + credentials_file);
  }

  config.region = Env(getenv, "AWS_REGION");
  if (config.region.empty()) config.region = Env(getenv, "AWS_DEFAULT_REGION");
  if (config.region.empty()) {
    config.region = ReadSection(config_file, profile == "default" ? "default" : "profile " + profile)["region"];
  }
  if (config.region.empty()) config.region = "us-east-1";

  config.endpoint = endpoint;
  if (config.endpoint.empty()) config.endpoint = Env(getenv, "AWS_ENDPOINT_URL_DYNAMODB");
  if (config.endpoint.empty()) config.endpoint = Env(getenv, "AWS_ENDPOINT_URL");
  if (config.endpoint.empty()) config.endpoint = "https://dynamodb." + config.region + ".amazonaws.com";
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();

  config.ca_bundle = Env(getenv, "AWS_CA_BUNDLE");
  config.table_prefix = Env(getenv, "KVSTORE_TABLE_PREFIX");
  std::string timeout = Env(getenv, "KVSTORE_DYNAMODB_TIMEOUT");
  if (!timeout.empty()) {
    auto parsed = ParseTimeout("KVSTORE_DYNAMODB_TIMEOUT", timeout);
    if (!parsed.ok()) return parsed.status();
    config.request_timeout = *parsed;
  }
  return config;
}

}  // namespace kvstore::storage::dynamodb
