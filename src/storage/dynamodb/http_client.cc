#include "storage/dynamodb/http_client.h"

namespace kvstore::storage::dynamodb {

Result<std::unique_ptr<HttpClient>> HttpClient::Create(std::string_view endpoint, const HttpOptions& options) {
  if (endpoint.starts_with("http://") || endpoint.starts_with("https://")) return CreateSocketHttpClient(options);
  return Status::InvalidArgument("endpoint '" + std::string(endpoint) + "' is neither http:// nor https://");
}

}  // namespace kvstore::storage::dynamodb
