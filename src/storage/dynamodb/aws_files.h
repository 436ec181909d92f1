// The AWS shared files, read the way AWS's SDKs and CLI read them:
// ~/.aws/config ([default], [profile NAME], [sso-session NAME]) and
// ~/.aws/credentials ([NAME]), at $AWS_CONFIG_FILE and
// $AWS_SHARED_CREDENTIALS_FILE when set.
#ifndef KVSTORE_STORAGE_DYNAMODB_AWS_FILES_H_
#define KVSTORE_STORAGE_DYNAMODB_AWS_FILES_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace kvstore::storage::dynamodb {

using GetEnv = std::function<const char*(const char*)>;
using Section = std::map<std::string, std::string>;

// The value of environment variable `name`, or "" when unset.
std::string EnvOr(const GetEnv& getenv, const char* name);

class AwsFiles {
 public:
  explicit AwsFiles(const GetEnv& getenv);

  // The keys of profile `name`: the credentials file's [name] over the
  // config file's [profile name] ([default] for "default"); nullopt when
  // neither file has the profile.
  std::optional<Section> Profile(const std::string& name) const;
  // An [sso-session NAME] of the config file.
  std::optional<Section> SsoSession(const std::string& name) const;

  const std::string& config_path() const { return config_path_; }
  const std::string& credentials_path() const { return credentials_path_; }

 private:
  std::string config_path_;
  std::string credentials_path_;
};

// The keys of `[section]` of an INI file; nullopt when the file or the
// section is missing. Indented lines (nested settings such as s3 = ...) and
// comments are skipped.
std::optional<Section> ReadIniSection(const std::string& path, const std::string& section);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_AWS_FILES_H_
