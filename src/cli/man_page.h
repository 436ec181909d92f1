// kvstore(1), written in roff from the catalog that help shows (catalog.h).
#ifndef KVSTORE_CLI_MAN_PAGE_H_
#define KVSTORE_CLI_MAN_PAGE_H_

#include <string>
#include <vector>

#include "cli/catalog.h"

namespace kvstore::cli {

// The whole page: every command with its arguments, flags, example and exit
// code 1, the global flags, exit status, environment, files and examples.
std::string ManPage(const std::vector<CommandSpec>& catalog, const std::vector<FlagSpec>& global_flags);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_MAN_PAGE_H_
