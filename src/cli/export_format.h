// The export format (docs/export-format.md): JSON Lines, a header line and
// then one record per line, each self-contained (it names its table).
#ifndef KVSTORE_CLI_EXPORT_FORMAT_H_
#define KVSTORE_CLI_EXPORT_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>

#include "kvstore/dump.h"
#include "kvstore/status.h"

namespace kvstore::cli {

// Raised when a record changes meaning; an importer refuses newer formats.
inline constexpr int kExportFormatVersion = 1;

// {"kvstore_export":1,"engine":"sqlite","exported_at":"2026-12-01T16:00:00Z"}
std::string HeaderLine(std::string_view engine, int64_t now_ms);

// One record, without the newline.
std::string RecordLine(const DumpRecord& record);

// The record on a line, or nullopt for a header line (checked: a newer
// format is refused). InvalidArgument prefixed with `where` ("line 3: ").
Result<std::optional<DumpRecord>> ParseRecordLine(std::string_view line, const std::string& where);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_EXPORT_FORMAT_H_
