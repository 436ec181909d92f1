// Completion scripts and the candidates they ask for (completion.h).
#include "cli/completion.h"

#include <algorithm>

namespace kvstore::cli {

namespace {

// bash: words up to the cursor go to `kvstore __complete`; a ":files" answer
// falls back to file names. bash-completion's word splitter, when loaded,
// keeps "sqlite:/x" and "--opt=v" whole.
constexpr std::string_view kBashScript = R"(# bash completion for kvstore                        -*- shell-script -*-
# Written by `kvstore completion bash`; candidates come from `kvstore __complete`.
_kvstore() {
    local cur words cword line
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        cur=${COMP_WORDS[COMP_CWORD]} words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    fi
    COMPREPLY=()
    while IFS= read -r line; do
        COMPREPLY+=("${line%%$'\t'*}")
    done < <("${words[0]}" __complete "${words[@]:1:cword}" 2>/dev/null)
    if [[ ${COMPREPLY[0]-} == ":files" ]]; then
        COMPREPLY=()
        compopt -o default 2>/dev/null
    fi
}
complete -F _kvstore kvstore
)";

constexpr std::string_view kZshScript = R"(#compdef kvstore
# zsh completion for kvstore, written by `kvstore completion zsh`;
# candidates come from `kvstore __complete`.
_kvstore() {
  local -a lines described
  local line
  lines=("${(@f)$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ ${lines[1]} == ":files" ]]; then
    _files
    return
  fi
  for line in $lines; do
    [[ -n $line ]] && described+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
  done
  _describe -t kvstore kvstore described
}
if [[ $funcstack[1] == _kvstore ]]; then
  _kvstore "$@"
else
  compdef _kvstore kvstore
fi
)";

constexpr std::string_view kFishScript = R"(# fish completion for kvstore, written by `kvstore completion fish`;
# candidates come from `kvstore __complete`.
function __kvstore_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($tokens[1] __complete $tokens[2..-1] "$current" 2>/dev/null)
    if test "$out[1]" = ":files"
        __fish_complete_path "$current"
    else
        printf '%s\n' $out
    end
end
complete -c kvstore -f -a '(__kvstore_complete)'
)";

// Where the words before the cursor leave the command line.
struct Position {
  std::string store;
  std::optional<std::string> table_prefix;
  const CommandSpec* command = nullptr;
  const FlagSpec* awaiting_value = nullptr;  // the flag just typed, if it takes a value
  size_t positionals = 0;                    // positional arguments given to the command
  bool after_dashes = false;                 // past "--": lock-run's command
  bool started = false;                      // the command word was typed (known or not)
};

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags, std::string_view word) {
  for (const FlagSpec& flag : flags) {
    if (std::find(flag.names.begin(), flag.names.end(), word) != flag.names.end()) return &flag;
  }
  return nullptr;
}

const CommandSpec* FindCommand(const std::vector<CommandSpec>& catalog, std::string_view word) {
  for (const CommandSpec& command : catalog) {
    if (command.name == word) return &command;
  }
  return nullptr;
}

Position Locate(const std::vector<std::string>& before, const std::vector<CommandSpec>& catalog,
                const std::vector<FlagSpec>& global_flags) {
  Position at;
  for (size_t i = 0; i < before.size(); ++i) {
    const std::string& word = before[i];
    if (at.after_dashes) continue;
    const std::vector<FlagSpec>& flags = at.command ? at.command->flags : global_flags;
    const FlagSpec* flag = FindFlag(flags, word);
    if (flag && !flag->placeholder.empty()) {
      if (i + 1 == before.size()) {
        at.awaiting_value = flag;
      } else if (word == "--store") {
        at.store = before[i + 1];
      } else if (word == "--table-prefix") {
        at.table_prefix = before[i + 1];
      }
      ++i;
    } else if (word == "--" && at.started) {
      at.after_dashes = true;
    } else if (!word.starts_with("-") && !at.started) {
      at.started = true;
      at.command = FindCommand(catalog, word);
    } else if (!word.starts_with("-")) {
      ++at.positionals;
    }
  }
  return at;
}

std::vector<std::string> FlagCandidates(const std::vector<FlagSpec>& flags) {
  std::vector<std::string> out;
  for (const FlagSpec& flag : flags) {
    for (const std::string& name : flag.names) {
      if (name.starts_with("--")) out.push_back(name + "\t" + flag.help);
    }
  }
  return out;
}

std::vector<std::string> CommandCandidates(const std::vector<CommandSpec>& catalog) {
  std::vector<std::string> out;
  for (const CommandSpec& command : catalog) out.push_back(std::string(command.name) + "\t" + std::string(command.doc.summary));
  return out;
}

std::vector<std::string> ValueCandidates(const FlagSpec& flag) {
  if (flag.placeholder == "FILE" || flag.names.back() == "--store") return {":files"};
  if (flag.names.back() == "--type") return {"kv\t", "counter\t", "lock\t", "queue\t", "leader\t", "set\t", "list\t"};
  return {};
}

// What the command's next positional argument may be.
std::vector<std::string> ArgumentCandidates(const Position& at, const std::vector<CommandSpec>& catalog,
                                            const TableLister& tables) {
  const std::vector<ArgSpec>& args = at.command->args;
  if (args.empty()) return {};
  const ArgSpec& arg = at.positionals < args.size() ? args[at.positionals] : args.back();
  if (at.positionals >= args.size() && !arg.repeated) return {};
  if (at.command->name == "help") return CommandCandidates(catalog);
  if (arg.name == "SHELL") {
    std::vector<std::string> out;
    for (const std::string& shell : CompletionShells()) out.push_back(shell + "\t");
    return out;
  }
  if (arg.name != "TABLE" || !tables) return {};
  std::vector<std::string> out;
  for (const std::string& table : tables(at.store, at.table_prefix)) out.push_back(table + "\t");
  return out;
}

std::vector<std::string> WithPrefix(std::vector<std::string> candidates, std::string_view prefix) {
  if (candidates.size() == 1 && candidates[0] == ":files") return candidates;
  std::erase_if(candidates, [&](const std::string& c) { return !c.starts_with(prefix); });
  return candidates;
}

}  // namespace

const std::vector<std::string>& CompletionShells() {
  static const std::vector<std::string> shells = {"bash", "zsh", "fish"};
  return shells;
}

std::optional<std::string_view> CompletionScript(std::string_view shell) {
  if (shell == "bash") return kBashScript;
  if (shell == "zsh") return kZshScript;
  if (shell == "fish") return kFishScript;
  return std::nullopt;
}

std::vector<std::string> CompletionCandidates(const std::vector<std::string>& words,
                                              const std::vector<CommandSpec>& catalog,
                                              const std::vector<FlagSpec>& global_flags, const TableLister& tables) {
  std::string current = words.empty() ? "" : words.back();
  std::vector<std::string> before(words.begin(), words.empty() ? words.end() : words.end() - 1);
  Position at = Locate(before, catalog, global_flags);
  if (at.awaiting_value) return WithPrefix(ValueCandidates(*at.awaiting_value), current);
  if (at.after_dashes) return {};
  if (!at.started) return WithPrefix(current.starts_with("-") ? FlagCandidates(global_flags) : CommandCandidates(catalog), current);
  if (!at.command) return {};
  if (current.starts_with("-")) return WithPrefix(FlagCandidates(at.command->flags), current);
  return WithPrefix(ArgumentCandidates(at, catalog, tables), current);
}

}  // namespace kvstore::cli
