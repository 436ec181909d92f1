// help, completion, and the internal __man (the man page, written at build
// time) and __complete (what completion scripts call; app.cc runs it before
// parsing, as its words are the user's half-typed command line).
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include "cli/catalog.h"
#include "cli/completion.h"
#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/man_page.h"

namespace kvstore::cli {

namespace {

struct ShellArgs {
  std::string topic;
  std::string shell;
};

// The store's tables for completion: never creating the store, and giving up
// after a second (a slow DynamoDB must not hang the shell's TAB).
std::vector<std::string> ListTablesQuickly(const std::string& store, const std::optional<std::string>& prefix) {
  alarm(1);  // SIGALRM's default action ends the process, having printed nothing
  auto opened = Store::Open(store, {.table_prefix = prefix, .must_exist = true});
  if (!opened.ok()) return {};
  auto names = (*opened)->ListTables();
  alarm(0);
  return names.ok() ? *names : std::vector<std::string>{};
}

Status RunHelp(Invocation& inv, const ShellArgs& args, const CommandSet& commands, const CLI::App& app) {
  if (args.topic.empty()) {
    inv.out().Text(OverviewHelp(Catalog(commands), GlobalFlagSpecs(app)));
    return Status::Ok();
  }
  const CLI::App* declared = commands.Declared(args.topic);
  if (!declared || args.topic.starts_with("__")) return UnknownCommand(args.topic, commands);
  inv.out().Text(CommandHelp(Describe(args.topic, *commands.Doc(args.topic), *declared)));
  return Status::Ok();
}

Status RunCompletion(Invocation& inv, const ShellArgs& args) {
  auto script = CompletionScript(args.shell);
  if (!script) return Status::InvalidArgument("no completion for shell '" + args.shell + "'; choose bash, zsh or fish");
  inv.out().Text(*script);
  return Status::Ok();
}

}  // namespace

int RunComplete(const std::vector<std::string>& words, const CommandSet& commands, const CLI::App& app) {
  Output out(false);
  for (const std::string& line : CompletionCandidates(words, Catalog(commands), GlobalFlagSpecs(app), ListTablesQuickly)) {
    out.Line(line);
  }
  return kExitOk;
}

void AddShellCommands(CommandSet& commands, const CLI::App& app) {
  auto args = std::make_shared<ShellArgs>();
  const CommandSet* all = &commands;
  const CLI::App* root = &app;
  commands.Add(
      "help", {Group::kShell, "Show every command, or one command's arguments, example and exit codes",
               "kvstore help lock-acquire", ""},
      [args, all, root](Invocation& inv) { return RunHelp(inv, *args, *all, *root); },
      [args](CLI::App& cmd) { cmd.add_option("COMMAND", args->topic, "the command to explain"); });
  commands.Add(
      "completion", {Group::kShell, "Print the shell completion script for bash, zsh or fish",
                     "source <(kvstore completion bash)      # or add it to ~/.bashrc", ""},
      [args](Invocation& inv) { return RunCompletion(inv, *args); },
      [args](CLI::App& cmd) { cmd.add_option("SHELL", args->shell, "bash, zsh or fish")->required(); });
  commands.Add(
      "__man", {Group::kShell, "the man page in roff", "", ""},
      [all, root](Invocation& inv) {
        inv.out().Text(ManPage(Catalog(*all), GlobalFlagSpecs(*root)));
        return Status::Ok();
      });
}

}  // namespace kvstore::cli
