// Shell completion: each shell's script asks `kvstore __complete WORDS...`
// for the candidates at every TAB, so the commands and flags offered are the
// parser's own (catalog.h) and table names come from the store.
#ifndef KVSTORE_CLI_COMPLETION_H_
#define KVSTORE_CLI_COMPLETION_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/catalog.h"

namespace kvstore::cli {

// The script for bash, zsh or fish; null for another shell.
std::optional<std::string_view> CompletionScript(std::string_view shell);

// The shells CompletionScript knows.
const std::vector<std::string>& CompletionShells();

// The tables of the store that `store` names (empty: the default store), or
// none when they cannot be listed quickly.
using TableLister = std::function<std::vector<std::string>(const std::string& store,
                                                           const std::optional<std::string>& table_prefix)>;

// The candidates for the last of `words` (the words after "kvstore"; the
// last one is being typed, possibly empty), each "candidate\tdescription".
// The single line ":files" asks the shell to complete a file name.
std::vector<std::string> CompletionCandidates(const std::vector<std::string>& words,
                                              const std::vector<CommandSpec>& catalog,
                                              const std::vector<FlagSpec>& global_flags, const TableLister& tables);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_COMPLETION_H_
