#include "cli/exit_codes.h"

namespace kvstore::cli {

int ExitCodeFor(const Status& status) {
  using Code = Status::Code;
  switch (status.code()) {
    case Code::kOk:
      return kExitOk;
    case Code::kNotFound:
    case Code::kConditionFailed:
    case Code::kAlreadyExists:
      return kExitNo;
    case Code::kInvalidArgument:
    case Code::kWrongType:
    case Code::kUnknownTable:
    case Code::kOutOfRange:
      return kExitUsage;
    case Code::kIoError:
      return kExitStore;
  }
  return kExitStore;
}

const char* CodeName(Status::Code code) {
  using Code = Status::Code;
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kNotFound: return "not_found";
    case Code::kConditionFailed: return "condition_failed";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kWrongType: return "wrong_type";
    case Code::kUnknownTable: return "unknown_table";
    case Code::kOutOfRange: return "out_of_range";
    case Code::kIoError: return "store_error";
  }
  return "store_error";
}

}  // namespace kvstore::cli
