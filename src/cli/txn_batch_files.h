// Reading and parsing the files some commands take (--file F, "-" = stdin):
// transaction documents and batch-set entries. Pure functions over text, so
// they can be unit-tested and fuzzed. Every error is an InvalidArgument that
// names the operation or line and the field.
#ifndef KVSTORE_CLI_TXN_BATCH_FILES_H_
#define KVSTORE_CLI_TXN_BATCH_FILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "kvstore/batch.h"
#include "kvstore/status.h"
#include "kvstore/txn.h"

namespace kvstore::cli {

// The file's bytes ("-": stdin). InvalidArgument when it cannot be read or
// is larger than max_bytes.
Result<std::string> ReadInputFile(std::string_view what, const std::string& path, size_t max_bytes);

// {"operations": [...]} or a bare [...] array of operations (README has the
// format). Checks syntax and fields, not limits (Transactions does those).
Result<std::vector<TxnOp>> ParseTransaction(std::string_view text);

// A JSON array of {"key", "value" | "value_base64", "ttl"?} objects, or the
// same objects one per line (JSON Lines; blank lines are skipped).
struct BatchFile {
  std::vector<BatchEntry> entries;
  std::vector<std::string> origins;  // "line 3" / "entry 3", per entry
};
Result<BatchFile> ParseBatchFile(std::string_view text);
// One line of a JSON Lines batch file; errors begin with `where` ("line 3: ").
Result<BatchEntry> ParseBatchLine(std::string_view line, const std::string& where);

// One key per line (a trailing \r is dropped; blank lines are skipped).
std::vector<std::string> ParseKeyLines(std::string_view text);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_TXN_BATCH_FILES_H_
