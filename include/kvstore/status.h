// Status and Result<T>: how every kvstore call reports its outcome.
//
// Errors cross the library boundary as values, never as exceptions. A Status
// is either ok or carries a Code and a one-line message meant for a person.
// Codes fall into three families, which the CLI maps to exit codes 1, 2, 3:
//   negative answers  kNotFound, kConditionFailed, kAlreadyExists
//   bad input         kInvalidArgument, kWrongType, kUnknownTable, kOutOfRange
//   store failures    kIoError
// Status and Result are plain values: safe to copy and move across threads.
#ifndef KVSTORE_STATUS_H_
#define KVSTORE_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace kvstore {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,         // the key, counter, table... does not exist (or has expired)
    kConditionFailed,  // a conditional write's condition was not met; nothing changed
    kAlreadyExists,    // create-table of a table that exists
    kInvalidArgument,  // bad name, size, duration, number, URL...
    kWrongType,        // e.g. inc on a key that holds a plain value
    kUnknownTable,     // the table was never created
    kOutOfRange,       // e.g. a counter would overflow 64 bits
    kIoError,          // the store could not be opened, read or written
  };

  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status ConditionFailed(std::string msg) { return {Code::kConditionFailed, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status WrongType(std::string msg) { return {Code::kWrongType, std::move(msg)}; }
  static Status UnknownTable(std::string msg) { return {Code::kUnknownTable, std::move(msg)}; }
  static Status OutOfRange(std::string msg) { return {Code::kOutOfRange, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool Is(Code code) const { return code_ == code; }

  // The same code with another message, e.g. the message with where it
  // happened added: st.WithMessage("line 3: " + st.message()).
  Status WithMessage(std::string message) const { return {code_, std::move(message)}; }

  // "not found: key 'a'" style text for logs and tests.
  std::string ToString() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status. Accessing the value of a failed Result is
// a programming error (checked by assert in debug builds).
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}   // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace kvstore

// Propagates a non-ok Status (or the Status of a failed Result) to the caller.
#define KVSTORE_RETURN_IF_ERROR(expr)          \
  do {                                         \
    auto kvstore_status_ = (expr);             \
    if (!kvstore_status_.ok()) return kvstore_status_; \
  } while (0)

// lhs = the value of a Result, or return its error.
#define KVSTORE_ASSIGN_OR_RETURN(lhs, expr)           \
  do {                                                \
    auto kvstore_r_ = (expr);                         \
    if (!kvstore_r_.ok()) return kvstore_r_.status(); \
    lhs = std::move(*kvstore_r_);                     \
  } while (0)

#endif  // KVSTORE_STATUS_H_
