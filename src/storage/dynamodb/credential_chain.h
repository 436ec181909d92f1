// Where DynamoDB credentials come from, in the order AWS's SDKs look:
//
//   1. environment      AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY [, AWS_SESSION_TOKEN]
//                       (skipped when --profile is given, as the AWS CLI does)
//   2. web identity     AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME]:
//                       STS AssumeRoleWithWebIdentity (EKS IRSA, GitHub Actions OIDC)
//   3. the profile      --profile, else AWS_PROFILE, else "default", of ~/.aws/config and
//                       ~/.aws/credentials: role_arn with source_profile, credential_source
//                       or web_identity_token_file (STS AssumeRole, chained); sso_session or
//                       sso_start_url (the `aws sso login` token, the portal's
//                       GetRoleCredentials); static keys; credential_process
//   4. container        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, with
//                       AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE] (ECS, EKS Pod Identity)
//   5. instance metadata IMDSv2 at AWS_EC2_METADATA_SERVICE_ENDPOINT (default
//                       http://169.254.169.254) unless AWS_EC2_METADATA_DISABLED=true
//
// The first source configured here is the one used: one that is configured
// but fails is an error, not a reason to try the next. Credentials from STS
// and the SSO portal are cached on disk (${XDG_CACHE_HOME:-~/.cache}/kvstore/
// aws, mode 0600) until 5 minutes before they expire, as the AWS CLI caches
// them, so one-shot commands do not each pay a round trip to STS.
#ifndef KVSTORE_STORAGE_DYNAMODB_CREDENTIAL_CHAIN_H_
#define KVSTORE_STORAGE_DYNAMODB_CREDENTIAL_CHAIN_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "storage/dynamodb/aws_files.h"
#include "storage/dynamodb/credential_services.h"

namespace kvstore::storage::dynamodb {

using FetchCredentials = std::function<Result<SourcedCredentials>()>;

struct ChainSettings {
  GetEnv getenv;
  std::optional<std::string> profile{};  // --profile
  std::string region;                    // for STS's regional endpoint
};

class CredentialChain {
 public:
  // Temporary credentials are fetched again this long before they expire.
  static constexpr Millis kRefreshWindow{300'000};

  // The first configured source's credentials. InvalidArgument naming every
  // source and why it did not apply when none did; IoError (naming the
  // source) when the configured one failed.
  static Result<std::shared_ptr<CredentialChain>> Resolve(const ChainSettings& settings);

  // Credentials with more than kRefreshWindow left (or no expiry), fetched
  // again from the same source when needed: long-running commands sign with
  // fresh ones. Thread-safe.
  Result<Credentials> Current();
  const std::string& source() const { return source_; }

  CredentialChain(std::string source, FetchCredentials fetch, SourcedCredentials first)
      : source_(std::move(source)), fetch_(std::move(fetch)), current_(std::move(first)) {}

 private:
  std::string source_;
  FetchCredentials fetch_;
  SourcedCredentials current_;
  std::mutex mu_;
};

// The STS endpoint: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, else the region's.
std::string StsEndpoint(const GetEnv& getenv, const std::string& region);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_CREDENTIAL_CHAIN_H_
