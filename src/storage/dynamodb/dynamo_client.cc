#include "storage/dynamodb/dynamo_client.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "util/host_port.h"
#include "util/quote.h"
#include "util/retry_policy.h"

namespace kvstore::storage::dynamodb {
namespace {

// The operations that can report the capacity they consumed.
bool ReportsCapacity(const std::string& op) {
  return op == "GetItem" || op == "UpdateItem" || op == "DeleteItem" || op == "Query" || op == "BatchGetItem" ||
         op == "BatchWriteItem" || op == "TransactWriteItems";
}

double CapacityOf(const Json& body) {
  if (!body.is_object() || !body.contains("ConsumedCapacity")) return 0;
  const Json& consumed = body["ConsumedCapacity"];
  double total = 0;
  for (const Json& one : consumed.is_array() ? consumed : Json::array({consumed})) {
    total += one.value("CapacityUnits", 0.0);
  }
  return total;
}

bool IsThrottling(const std::string& type) {
  return type == "ProvisionedThroughputExceededException" || type == "ThrottlingException" ||
         type == "RequestLimitExceeded" || type == "LimitExceededException";
}

std::string ErrorType(const Json& body) {
  std::string type = body.is_object() && body.contains("__type") && body["__type"].is_string()
                         ? body["__type"].get<std::string>()
                         : "";
  size_t hash = type.rfind('#');
  return hash == std::string::npos ? type : type.substr(hash + 1);
}

std::string ErrorMessage(const Json& body) {
  for (const char* key : {"message", "Message"}) {
    if (body.is_object() && body.contains(key) && body[key].is_string()) return body[key].get<std::string>();
  }
  return "";
}

}  // namespace

Result<std::unique_ptr<DynamoClient>> DynamoClient::Create(AwsConfig config) {
  if (!config.ca_bundle.empty() && access(config.ca_bundle.c_str(), R_OK) != 0) {
    return Status::IoError("AWS_CA_BUNDLE '" + config.ca_bundle + "' cannot be read: " + std::strerror(errno));
  }
  auto http = HttpClient::Create(config.endpoint, {.connect_timeout = std::min(config.request_timeout, HttpOptions{}.connect_timeout),
                                  .request_timeout = config.request_timeout,
                                  .ca_bundle = config.ca_bundle});
  if (!http.ok()) return http.status();
  return std::unique_ptr<DynamoClient>(new DynamoClient(std::move(config), std::move(*http)));
}

std::string DynamoClient::Body(const std::string& operation, const Json& request) const {
  if (!ReportsCapacity(operation)) return request.dump();
  Json with_capacity = request;
  with_capacity["ReturnConsumedCapacity"] = "TOTAL";
  return with_capacity.dump();
}

Result<std::vector<std::string>> DynamoClient::SignedHeaders(const std::string& operation,
                                                             const std::string& body) const {
  // Signatures carry the real time (AWS refuses a skew over 5 minutes),
  // whatever clock the store runs on for expiry and leases.
  auto credentials = config_.credentials->Current();
  if (!credentials.ok()) return credentials.status();
  std::string amz_date = AmzDate(SystemClock::Shared()->NowMillis());
  SigningRequest signing;
  signing.headers = {{"Host", std::string(UrlAuthority(config_.endpoint))},
                     {"X-Amz-Date", amz_date},
                     {"X-Amz-Target", "DynamoDB_20120810." + operation},
                     {"Content-Type", "application/x-amz-json-1.0"}};
  if (!credentials->session_token.empty()) {
    signing.headers.push_back({"X-Amz-Security-Token", credentials->session_token});
  }
  signing.payload = body;
  auto authorization = Authorization(*credentials, {config_.region, "dynamodb", amz_date}, signing);
  if (!authorization.ok()) return authorization.status();
  std::vector<std::string> headers;
  for (const auto& [name, value] : signing.headers) {
    if (name != "Host") headers.push_back(name + ": " + value);
  }
  headers.push_back("Authorization: " + *authorization);
  return headers;
}

std::optional<Millis> DynamoClient::TimeLeft() const {
  if (!deadline_) return std::nullopt;
  auto left = std::chrono::duration_cast<Millis>(*deadline_ - std::chrono::steady_clock::now());
  return std::max(left, Millis(0));
}

DynamoClient::Try DynamoClient::SendOnce(const std::string& operation, const std::string& body, Repeat repeat,
                                         std::optional<Millis> time_left) {
  auto headers = SignedHeaders(operation, body);
  if (!headers.ok()) return {.answer = headers.status()};
  ++stats_.requests;
  TransportError transport;
  bool fresh = repeat == Repeat::kUnsafe && stats_.requests > 1;  // the first request connects anyway
  auto response = http_->Send({.url = config_.endpoint + "/", .headers = std::move(*headers), .body = body,
                               .fresh_connection = fresh, .timeout = time_left},
                              &transport);
  if (response) return Judge(operation, *response, repeat);
  if (!transport.retryable) return {.problem = transport.message, .final = true};
  if (repeat == Repeat::kUnsafe && transport.maybe_sent) {
    return {.answer = Status::IoError(operation + " to " + config_.endpoint + ": " + transport.message +
                                      "; the write may or may not have been applied, so it was not sent again")};
  }
  return {.problem = transport.message, .maybe_applied = transport.maybe_sent};
}

DynamoClient::Try DynamoClient::Judge(const std::string& operation, const HttpResponse& response, Repeat repeat) {
  Json parsed = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) {
    bool read = operation == "GetItem" || operation == "Query" || operation == "BatchGetItem";
    (read ? stats_.read_units : stats_.write_units) += CapacityOf(parsed);
  }
  if (response.status == 200 && !parsed.is_discarded()) return {.answer = ApiResult{std::move(parsed), std::nullopt, false}};
  std::string type = parsed.is_discarded() ? "" : Excerpt(ErrorType(parsed), 100);
  std::string message = Excerpt(parsed.is_discarded() ? response.body : ErrorMessage(parsed));
  std::string problem = "HTTP " + std::to_string(response.status) + (type.empty() ? "" : " " + type) +
                        (message.empty() ? "" : ": " + message);
  if (response.status >= 500) {
    if (repeat == Repeat::kUnsafe) {
      return {.answer = Status::IoError(operation + " failed with " + problem +
                                        "; the write may or may not have been applied, so it was not sent again")};
    }
    return {.problem = problem, .maybe_applied = true};
  }
  if (IsThrottling(type)) return {.problem = problem, .throttled = true};
  if (type == "UnrecognizedClientException" || type == "InvalidSignatureException" ||
      type == "MissingAuthenticationTokenException" || type == "AccessDeniedException") {
    return {.answer = Status::IoError("DynamoDB refused the credentials: " + problem)};
  }
  return {.answer = ApiResult{Json(), ApiError{type, message, parsed.is_discarded() ? Json() : parsed}, false}};
}

Result<ApiResult> DynamoClient::Call(const std::string& operation, const Json& request, Repeat repeat) {
  std::string body = Body(operation, request);
  std::string last_problem;
  bool maybe_applied = false;
  // Throttling has its own, larger budget: a throttled request applied
  // nothing and a hot partition drains within seconds, while other failures
  // seldom heal by waiting.
  int failures = 0, throttles = 0, retried = 0;
  bool throttled = false;  // the last try was
  for (int attempt = 0; failures < kRequestAttempts && throttles < kThrottledAttempts; ++attempt) {
    if (attempt > 0) {
      Millis pause = throttled ? RetryPause(kThrottleRetry, throttles - 1) : RetryPause(kRequestRetry, failures - 1);
      if (TimeLeft() && *TimeLeft() <= pause) return TimedOut(operation, last_problem);
      ++stats_.retries;
      ++retried;
      std::this_thread::sleep_for(pause);
    }
    std::optional<Millis> left = TimeLeft();
    if (left && *left <= Millis(0)) return TimedOut(operation, last_problem);
    Try tried = SendOnce(operation, body, repeat, left);
    maybe_applied = maybe_applied || tried.maybe_applied;
    if (tried.answer) {
      if (tried.answer->ok()) tried.answer->value().earlier_attempt_may_have_applied = maybe_applied;
      return std::move(*tried.answer);
    }
    last_problem = tried.problem;
    if (tried.final) break;
    throttled = tried.throttled;
    ++(throttled ? throttles : failures);
  }
  std::string after = retried > 0 ? " failed after " + std::to_string(retried) + " retries: " : " failed: ";
  return Status::IoError(operation + " to " + config_.endpoint + after + last_problem);
}

Status DynamoClient::TimedOut(const std::string& operation, const std::string& last_problem) const {
  return Status::IoError(operation + " to " + config_.endpoint + " ran out of time (--timeout)" +
                         (last_problem.empty() ? "" : "; last: " + last_problem));
}

}  // namespace kvstore::storage::dynamodb
