// The services temporary AWS credentials come from, each one request (or
// two): STS (AssumeRole, AssumeRoleWithWebIdentity), the SSO portal
// (GetRoleCredentials), a container's credential endpoint (ECS, EKS Pod
// Identity) and EC2's instance metadata (IMDSv2). credential_chain.h decides
// which to ask. Secrets and tokens never appear in a returned message.
#ifndef KVSTORE_STORAGE_DYNAMODB_CREDENTIAL_SERVICES_H_
#define KVSTORE_STORAGE_DYNAMODB_CREDENTIAL_SERVICES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "storage/dynamodb/sigv4.h"

namespace kvstore::storage::dynamodb {

struct SourcedCredentials {
  Credentials credentials;
  std::optional<int64_t> expires_at_ms{};  // temporary credentials only
};

struct AssumeRoleRequest {
  std::string sts_endpoint;  // "https://sts.REGION.amazonaws.com" or an override
  std::string region;        // signs AssumeRole
  std::string role_arn;
  std::string session_name;
  std::string external_id{};            // AssumeRole only; empty: none
  std::optional<int> duration_seconds{};
};

// STS AssumeRole, signed with `source`.
Result<SourcedCredentials> AssumeRole(const AssumeRoleRequest& request, const Credentials& source);
// STS AssumeRoleWithWebIdentity (unsigned): `token` is the OIDC token (EKS
// IRSA, GitHub Actions).
Result<SourcedCredentials> AssumeRoleWithWebIdentity(const AssumeRoleRequest& request, const std::string& token);

// The SSO portal's GetRoleCredentials with an access token from `aws sso login`.
Result<SourcedCredentials> SsoRoleCredentials(const std::string& portal_endpoint, const std::string& access_token,
                                              const std::string& account_id, const std::string& role_name);

// GET of a container credential endpoint, with `authorization` (may be empty).
Result<SourcedCredentials> ContainerCredentials(const std::string& url, const std::string& authorization);

// IMDSv2: a session token, the instance's role, its credentials. NotFound
// when nothing answers at `endpoint` (not an EC2 instance).
Result<SourcedCredentials> InstanceMetadataCredentials(const std::string& endpoint);

// The text of <tag>...</tag> in an XML answer, unescaped; nullopt when absent.
std::optional<std::string> XmlElement(const std::string& xml, const std::string& tag);
// "a=1&b=x%20y": application/x-www-form-urlencoded.
std::string FormEncode(const std::string& text);

inline constexpr Millis kMetadataTimeout{1'000};  // IMDS and container endpoints, as the SDKs
inline constexpr Millis kServiceTimeout{5'000};   // STS and the SSO portal

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_CREDENTIAL_SERVICES_H_
