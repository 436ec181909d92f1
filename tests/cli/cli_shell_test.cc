// What a new user meets first: --version, help for every command, a
// suggestion for a misspelt command or flag, shell completion and the man
// page, all from the one command table the parser uses.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>

#include "testing/run.h"
#include "testing/temp_dir.h"

namespace kvstore::testing {
namespace {

RunResult Kv(const std::vector<std::string>& args, const RunOptions& options = {}) {
  std::vector<std::string> argv = {KVSTORE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The commands `help` lists: the lines of its groups, "  NAME  summary".
std::vector<std::string> ListedCommands() {
  std::vector<std::string> names;
  bool in_group = false;
  for (const std::string& line : Lines(Kv({"help"}).out)) {
    if (line.starts_with("Global flags")) break;
    if (line.empty()) in_group = false;
    if (in_group && line.starts_with("  ")) names.push_back(line.substr(2, line.find(' ', 2) - 2));
    if (!line.empty() && line.back() == ':' && !line.starts_with(" ")) in_group = true;
  }
  return names;
}

TEST(CliShell, VersionIsTheProjectVersion) {
  RunResult r = Kv({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "kvstore " KVSTORE_PROJECT_VERSION);
  EXPECT_TRUE(lines[1].starts_with("SQLite 3.")) << lines[1];
  RunResult json = Kv({"--json", "--version"});
  EXPECT_NE(json.out.find("\"version\":\"" KVSTORE_PROJECT_VERSION "\""), std::string::npos) << json.out;
}

TEST(CliShell, HelpListsEveryGroupAndTheEnvironment) {
  RunResult r = Kv({"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected : {"Tables:", "Keys:", "Counters:", "Locks:", "Queues:", "Leader election:", "Sets:",
                               "Lists:", "Batch and query:", "KVSTORE_STORE", "AWS_REGION", "Exit codes:"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected;
  }
  EXPECT_EQ(Kv({"help"}).out, r.out);
  EXPECT_GE(ListedCommands().size(), 40u);
}

TEST(CliShell, EveryCommandsHelpHasAnExampleExitCodesAndNamedPlaceholders) {
  for (const std::string& command : ListedCommands()) {
    RunResult r = Kv({command, "--help"});
    ASSERT_EQ(r.exit_code, 0) << command << ": " << r.err;
    size_t example = r.out.find("\nExample:\n  ");
    ASSERT_NE(example, std::string::npos) << command << "\n" << r.out;
    std::string first_line = r.out.substr(example + 12, r.out.find('\n', example + 12) - example - 12);
    EXPECT_TRUE(first_line.find("kvstore ") != std::string::npos && (first_line + " ").find(" " + command + " ") != std::string::npos)
        << command << ": " << first_line;
    EXPECT_NE(r.out.find("Exit codes:\n  0"), std::string::npos) << command;
    EXPECT_EQ(r.out.find("TEXT"), std::string::npos) << command << " shows a placeholder that says nothing";
    EXPECT_EQ(Kv({"help", command}).out, r.out) << command;
  }
}

TEST(CliShell, MisspeltCommandsAndFlagsNameTheClosestOne) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {{"lock-aquire", "t", "l"}, "unknown command 'lock-aquire'; did you mean lock-acquire?"},
           {{"gte", "t", "k"}, "did you mean get?"},
           {{"help", "quue-pop"}, "did you mean queue-pop?"},
           {{"set", "t", "k", "v", "--tll", "5"}, "unknown flag '--tll' for set; did you mean --ttl?"},
           {{"--jsn", "get", "t", "k"}, "did you mean --json?"},
           {{"xyzzy"}, "unknown command 'xyzzy' (see kvstore help)"},
       }) {
    RunResult r = Kv(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args[0];
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  }
}

TEST(CliShell, CompletionOffersCommandsFlagsAndTheStoresTables) {
  TempDir dir;
  std::string store = dir.File("store.db");
  ASSERT_EQ(Kv({"--store", store, "create-table", "alpha"}).exit_code, 0);
  ASSERT_EQ(Kv({"--store", store, "create-table", "beta"}).exit_code, 0);
  EXPECT_EQ(Kv({"__complete", "lock-a"}).out, "lock-acquire\tTake a lock; prints its fencing token\n");
  EXPECT_EQ(Lines(Kv({"__complete", "set", "t", "k", "v", "--t"}).out).size(), 1u);
  EXPECT_EQ(Kv({"__complete", "--store", store, "get", ""}).out, "alpha\t\nbeta\t\n");
  EXPECT_EQ(Kv({"__complete", "--store", store, "get", "b"}).out, "beta\t\n");
  EXPECT_EQ(Kv({"__complete", "--store", store, "get", "alpha", ""}).out, "");  // KEY: nothing to offer
  EXPECT_EQ(Kv({"__complete", "transaction", "t", "--file", ""}).out, ":files\n");
  // Completing never creates a store.
  std::string missing = dir.File("missing.db");
  EXPECT_EQ(Kv({"__complete", "--store", missing, "get", ""}).out, "");
  struct stat st;
  EXPECT_NE(stat(missing.c_str(), &st), 0) << "completion created " << missing;
}

TEST(CliShell, CompletionScriptsExistForBashZshAndFish) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    RunResult r = Kv({"completion", shell});
    EXPECT_EQ(r.exit_code, 0) << shell;
    EXPECT_NE(r.out.find("__complete"), std::string::npos) << shell;
  }
  RunResult r = Kv({"completion", "tcsh"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("choose bash, zsh or fish"), std::string::npos) << r.err;
}

TEST(CliShell, ManPageNamesEveryCommand) {
  RunResult r = Kv({"__man"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& command : ListedCommands()) {
    std::string roff_name;
    for (char c : command) roff_name += c == '-' ? std::string("\\-") : std::string(1, c);
    EXPECT_NE(r.out.find("\\fBkvstore " + roff_name + "\\fR"), std::string::npos) << command;
  }
  for (const char* section : {".SH EXIT STATUS", ".SH ENVIRONMENT", ".SH FILES", ".SH EXAMPLES"}) {
    EXPECT_NE(r.out.find(section), std::string::npos) << section;
  }
}

}  // namespace
}  // namespace kvstore::testing
