#include "storage/limits.h"

#include <string>

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

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace kvstore::storage
