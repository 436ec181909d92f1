// Where a DynamoDB store is and who is asking: endpoint, region and
// credentials, found the way AWS's own tools find them.
//
//   credentials  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
//                else the profile (AWS_PROFILE, default "default") of
//                ${AWS_SHARED_CREDENTIALS_FILE:-~/.aws/credentials}
//   region       AWS_REGION, AWS_DEFAULT_REGION, else the profile's region in
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

#include <functional>
#include <string>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "storage/dynamodb/sigv4.h"

namespace kvstore::storage::dynamodb {

struct AwsConfig {
  Credentials credentials;
  std::string region;
  std::string endpoint;  // "https://host[:port]" or "http://..."
  std::string ca_bundle;
  std::string table_prefix;
  Millis request_timeout{5'000};
};

using GetEnv = std::function<const char*(const char*)>;

// `endpoint` is the store URL's explicit endpoint, or empty. InvalidArgument
// when no credentials can be found (the message says where it looked) or a
// setting is malformed.
Result<AwsConfig> LoadAwsConfig(const std::string& endpoint, const GetEnv& getenv);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_AWS_CONFIG_H_
