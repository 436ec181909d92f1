#include "kvstore/status.h"

namespace kvstore {

std::string Status::ToString() const {
  const char* name = "ok";
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kNotFound: name = "not found"; break;
    case Code::kConditionFailed: name = "condition failed"; break;
    case Code::kAlreadyExists: name = "already exists"; break;
    case Code::kInvalidArgument: name = "invalid argument"; break;
    case Code::kWrongType: name = "wrong type"; break;
    case Code::kUnknownTable: name = "unknown table"; break;
    case Code::kOutOfRange: name = "out of range"; break;
    case Code::kIoError: name = "I/O error"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace kvstore
