// The transaction and batch file parsers (cli/txn_batch_files.h) on any bytes:
// they must answer with operations or one InvalidArgument, never crash, and
// never accept a key that breaks the limits the stores rely on.
#include <cstdint>
#include <string_view>

#include "cli/txn_batch_files.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto txn = kvstore::cli::ParseTransaction(text);
  if (!txn.ok()) FUZZ_CHECK(txn.status().Is(kvstore::Status::Code::kInvalidArgument));
  auto batch = kvstore::cli::ParseBatchFile(text);
  if (batch.ok()) {
    FUZZ_CHECK(batch->entries.size() == batch->origins.size());
  } else {
    FUZZ_CHECK(batch.status().Is(kvstore::Status::Code::kInvalidArgument));
  }
  for (const std::string& key : kvstore::cli::ParseKeyLines(text)) {
    FUZZ_CHECK(!key.empty() && key.find('\n') == std::string::npos);
  }
  return 0;
}
