// Where a DynamoDB store is and who is asking: endpoint, region and
// credentials, found the way AWS's own tools find them.
//
//   credentials  the chain of credential_chain.h: environment, web identity,
//                the profile (static keys, assumed roles, SSO,
//                credential_process), container, instance metadata
//   profile      --profile (OpenOptions::aws_profile), AWS_PROFILE, "default"
//   region       --region (OpenOptions::aws_region), AWS_REGION,
//                AWS_DEFAULT_REGION, the profile's region in
//                ${AWS_CONFIG_FILE:-~/.aws/config}, else us-east-1
//   endpoint     the store URL's, else AWS_ENDPOINT_URL_DYNAMODB,
//                AWS_ENDPOINT_URL, else https://dynamodb.REGION.amazonaws.com
//   CA bundle    AWS_CA_BUNDLE
//   table prefix KVSTORE_TABLE_PREFIX
//   timeout      KVSTORE_DYNAMODB_TIMEOUT: seconds one request may take
//                (default 5; the connection itself gets at most 3); the
//                whole command is bounded by Store::SetDeadline (--timeout)
#ifndef KVSTORE_STORAGE_DYNAMODB_AWS_CONFIG_H_
#define KVSTORE_STORAGE_DYNAMODB_AWS_CONFIG_H_

#include <memory>
#include <optional>
#include <string>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "storage/dynamodb/aws_files.h"
#include "storage/dynamodb/credential_chain.h"

namespace kvstore::storage::dynamodb {

struct AwsConfig {
  std::shared_ptr<CredentialChain> credentials;
  std::string region;
  std::string endpoint;  // "https://host[:port]" or "http://..."
  std::string ca_bundle;
  std::string table_prefix;
  Millis request_timeout{5'000};
};

struct AwsSettings {
  std::string endpoint{};              // the store URL's, or empty
  std::optional<std::string> profile{};  // --profile
  std::optional<std::string> region{};   // --region
};

// InvalidArgument when no credentials can be found (the message names each
// source and why) or a setting is malformed; IoError when the configured
// source of credentials fails.
Result<AwsConfig> LoadAwsConfig(const AwsSettings& settings, const GetEnv& getenv);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_AWS_CONFIG_H_
