// What `kvstore --help`, `kvstore help [COMMAND]` and `COMMAND --help` print.
#ifndef KVSTORE_CLI_HELP_H_
#define KVSTORE_CLI_HELP_H_

#include <string>
#include <vector>

#include "cli/catalog.h"

namespace kvstore::cli {

// Usage, the commands by group with one line each, global flags,
// environment variables and exit codes.
std::string OverviewHelp(const std::vector<CommandSpec>& catalog, const std::vector<FlagSpec>& global_flags);
// One command: usage, arguments, flags, an example and its exit codes.
std::string CommandHelp(const CommandSpec& command);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_HELP_H_
