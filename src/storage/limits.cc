#include "storage/limits.h"

#include <string>

#include "util/utf8.h"

namespace kvstore::storage {

namespace {

// DynamoDB's alphabet for table names, which the embedded store keeps too.
bool AllTableNameChars(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status ValidateTableName(std::string_view name) {
  if (name.size() < kMinTableName || name.size() > kMaxTableName) {
    return Status::InvalidArgument("table name '" + std::string(name.substr(0, 64)) +
                                   "' must be 3 to 255 characters long");
  }
  if (!AllTableNameChars(name)) {
    return Status::InvalidArgument("table name '" + std::string(name.substr(0, 64)) +
                                   "' may contain only A-Z a-z 0-9 _ - .");
  }
  return Status::Ok();
}

Status ValidateLayout(const CreateTableOptions& options) {
  if (options.layout && (*options.layout < 1 || *options.layout > kCurrentLayout)) {
    return Status::InvalidArgument("layout " + std::to_string(*options.layout) + " does not exist: there are 1 and " +
                                   std::to_string(kCurrentLayout));
  }
  if (options.shards && (*options.shards < 1 || *options.shards > kMaxShards)) {
    return Status::InvalidArgument("shards must be 1 to " + std::to_string(kMaxShards) + ", not " +
                                   std::to_string(*options.shards));
  }
  if (options.layout == 1 && options.shards.value_or(1) != 1) {
    return Status::InvalidArgument("layout 1 has one shard; shards are layout 2's");
  }
  return Status::Ok();
}

Status ValidateTablePrefix(std::string_view prefix) {
  if (prefix.size() > kMaxTablePrefix) {
    return Status::InvalidArgument("table prefix '" + std::string(prefix.substr(0, 64)) + "...' is longer than " +
                                   std::to_string(kMaxTablePrefix) + " characters");
  }
  if (!AllTableNameChars(prefix)) {
    return Status::InvalidArgument("table prefix '" + std::string(prefix.substr(0, 64)) +
                                   "' may contain only A-Z a-z 0-9 _ - .");
  }
  return Status::Ok();
}

Status ValidateName(std::string_view what, std::string_view name) {
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " must not be empty");
  if (name.size() > kMaxName) {
    return Status::InvalidArgument(std::string(what) + " is " + std::to_string(name.size()) +
                                   " bytes; the limit is 512");
  }
  if (name.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(std::string(what) + " must not contain a NUL byte");
  }
  if (!IsValidUtf8(name)) {
    return Status::InvalidArgument(std::string(what) + " must be valid UTF-8");
  }
  return Status::Ok();
}

Status ValidateValue(std::string_view what, std::string_view value) {
  if (value.size() > kMaxValue) {
    return Status::InvalidArgument(std::string(what) + " is " + std::to_string(value.size()) +
                                   " bytes; the limit is 262144 (256 KiB)");
  }
  return Status::Ok();
}

Status ValidateTtl(std::string_view what, Millis ttl) {
  if (ttl.count() <= 0) {
    return Status::InvalidArgument(std::string(what) + " must be greater than 0");
  }
  if (ttl.count() > kMaxDurationMillis) {
    return Status::InvalidArgument(std::string(what) + " must be at most 10 years");
  }
  return Status::Ok();
}

Status ValidateWait(std::string_view what, Millis wait) {
  if (wait.count() < 0) return Status::InvalidArgument(std::string(what) + " must not be negative");
  if (wait.count() > kMaxDurationMillis) {
    return Status::InvalidArgument(std::string(what) + " must be at most 10 years");
  }
  return Status::Ok();
}


}  // namespace kvstore::storage
