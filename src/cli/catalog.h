// The command table read back for people and shells: what help, the man page
// and completion show of each command is what the parser was given (its
// CommandDoc, arguments and flags), never a second hand-kept list.
#ifndef KVSTORE_CLI_CATALOG_H_
#define KVSTORE_CLI_CATALOG_H_

#include <string>
#include <string_view>
#include <vector>

#include "cli/command.h"

namespace kvstore::cli {

struct ArgSpec {  // a positional argument
  std::string name;  // TABLE, KEY...
  std::string help;
  bool required = false;
  bool repeated = false;  // takes every remaining word: MEMBER...
};

struct FlagSpec {
  std::vector<std::string> names;  // "-v", "--verbose"...
  std::string placeholder;         // SECONDS, N...; empty: a switch
  std::string help;
  bool required = false;
};

struct CommandSpec {
  std::string_view name;
  CommandDoc doc;
  std::vector<ArgSpec> args;
  std::vector<FlagSpec> flags;  // --help last
};

// A declared command, read back.
CommandSpec Describe(std::string_view name, const CommandDoc& doc, const CLI::App& declared);
// Every command a user may type (names starting with "__" are internal), in
// the order added. `commands` must have been built with every command.
std::vector<CommandSpec> Catalog(const CommandSet& commands);
// The flags declared on the app itself (--store, --json...).
std::vector<FlagSpec> GlobalFlagSpecs(const CLI::App& app);

// "--ttl SECONDS", "--if-not-exists", "-v, --verbose"
std::string FlagText(const FlagSpec& flag);
// "kvstore set TABLE KEY VALUE [--ttl SECONDS] ..."
std::string UsageLine(const CommandSpec& command);

// The documented variables and exit codes, shown by help and the man page.
struct Entry {
  std::string_view name;
  std::string_view text;
};
extern const std::vector<Entry> kEnvironment;
extern const std::vector<Entry> kExitCodes;

// The names of every command a user may type.
std::vector<std::string> CommandNames(const CommandSet& commands);
// "unknown command 'gte'; did you mean get?"
Status UnknownCommand(std::string_view word, const CommandSet& commands);

// The command, or the flag among `candidates`, that `word` was most likely
// meant to be; empty when none is close.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_CATALOG_H_
