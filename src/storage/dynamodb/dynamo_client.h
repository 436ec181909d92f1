// One DynamoDB JSON-protocol request: sign it, send it, read the answer, and
// retry -- with capped exponential backoff and jitter -- only what cannot be
// applied twice (layer 1 of util/retry_policy.h).
#ifndef KVSTORE_STORAGE_DYNAMODB_DYNAMO_CLIENT_H_
#define KVSTORE_STORAGE_DYNAMODB_DYNAMO_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "storage/dynamodb/aws_config.h"
#include "storage/dynamodb/http_client.h"

namespace kvstore::storage::dynamodb {

using Json = nlohmann::json;

// Whether a request may be sent again when its first outcome is unknown (a
// timeout after sending, a 500). Reads, conditional writes on a version and
// transactions with a client token are safe to repeat; an increment is not.
enum class Repeat { kSafe, kUnsafe };

struct ApiError {
  std::string type;     // e.g. "ConditionalCheckFailedException"
  std::string message;
  Json body;            // the whole error document (Item, CancellationReasons)

  // IoError "DOING: DynamoDB said TYPE: MESSAGE", for answers with no
  // meaning of their own to the caller.
  Status Failure(const std::string& doing) const {
    return Status::IoError(doing + ": DynamoDB said " + type + (message.empty() ? "" : ": " + message));
  }
};

struct ApiResult {
  Json body;                      // on success
  std::optional<ApiError> error;  // a definite answer from DynamoDB: not retried
  // An earlier attempt of this call may have been applied (its answer was
  // lost): a conditional write that now fails may have failed on its own
  // first success.
  bool earlier_attempt_may_have_applied = false;
};

struct CallStats {
  int requests = 0;
  int retries = 0;
  double read_units = 0;   // as DynamoDB reported them (ReturnConsumedCapacity)
  double write_units = 0;
};

class DynamoClient {
 public:
  static Result<std::unique_ptr<DynamoClient>> Create(AwsConfig config);

  // IoError when DynamoDB cannot be reached or kept failing after the
  // retries, or when an unsafe request's outcome is unknown.
  Result<ApiResult> Call(const std::string& operation, const Json& request, Repeat repeat);

  const AwsConfig& config() const { return config_; }
  const CallStats& stats() const { return stats_; }

  // Calls stop at the deadline (Store::SetDeadline): no try starts after
  // it, a try under way is cut short at it, and no retry pause outlasts it.
  void set_deadline(std::optional<Deadline> deadline) { deadline_ = deadline; }
  // What is left of the deadline (never negative), or nullopt without one.
  std::optional<Millis> TimeLeft() const;

 private:
  // What one try came to: an answer to give the caller, or a problem that
  // another try may get past (`final`: one it cannot).
  struct Try {
    std::optional<Result<ApiResult>> answer{};
    std::string problem{};
    bool maybe_applied = false;  // the request may have reached DynamoDB
    bool final = false;
    bool throttled = false;  // refused for throughput: nothing was applied
  };

  std::string Body(const std::string& operation, const Json& request) const;
  Result<std::vector<std::string>> SignedHeaders(const std::string& operation, const std::string& body) const;
  Try SendOnce(const std::string& operation, const std::string& body, Repeat repeat, std::optional<Millis> time_left);
  Status TimedOut(const std::string& operation, const std::string& last_problem) const;
  Try Judge(const std::string& operation, const HttpResponse& response, Repeat repeat);

  DynamoClient(AwsConfig config, std::unique_ptr<HttpClient> http)
      : config_(std::move(config)), http_(std::move(http)) {}

  AwsConfig config_;
  std::unique_ptr<HttpClient> http_;
  CallStats stats_;
  std::optional<Deadline> deadline_;
};

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_DYNAMO_CLIENT_H_
