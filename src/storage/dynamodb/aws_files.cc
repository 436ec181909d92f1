#include "storage/dynamodb/aws_files.h"

#include <fstream>

namespace kvstore::storage::dynamodb {
namespace {

std::string Trim(const std::string& s) {
  size_t start = s.find_first_not_of(" \t\r");
  size_t end = s.find_last_not_of(" \t\r");
  return start == std::string::npos ? "" : s.substr(start, end - start + 1);
}

}  // namespace

std::string EnvOr(const GetEnv& getenv, const char* name) {
  const char* v = getenv(name);
  return v ? v : "";
}

std::optional<Section> ReadIniSection(const std::string& path, const std::string& section) {
  std::ifstream in(path);
  std::optional<Section> values;
  bool inside = false;
  for (std::string raw; std::getline(in, raw);) {
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inside = Trim(line.substr(1, line.size() - 2)) == section;
      if (inside && !values) values.emplace();
      continue;
    }
    if (!inside || raw[0] == ' ' || raw[0] == '\t') continue;
    size_t eq = line.find('=');
    if (eq != std::string::npos) (*values)[Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
  return values;
}

AwsFiles::AwsFiles(const GetEnv& getenv) {
  std::string home = EnvOr(getenv, "HOME");
  config_path_ = EnvOr(getenv, "AWS_CONFIG_FILE");
  if (config_path_.empty()) config_path_ = home + "/.aws/config";
  credentials_path_ = EnvOr(getenv, "AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path_.empty()) credentials_path_ = home + "/.aws/credentials";
}

std::optional<Section> AwsFiles::Profile(const std::string& name) const {
  std::optional<Section> merged = ReadIniSection(config_path_, name == "default" ? "default" : "profile " + name);
  if (std::optional<Section> keys = ReadIniSection(credentials_path_, name)) {
    if (!merged) merged.emplace();
    for (auto& [key, value] : *keys) (*merged)[key] = value;
  }
  return merged;
}

std::optional<Section> AwsFiles::SsoSession(const std::string& name) const {
  return ReadIniSection(config_path_, "sso-session " + name);
}

}  // namespace kvstore::storage::dynamodb
