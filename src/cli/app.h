// The whole command line: what main() runs.
#ifndef KVSTORE_CLI_APP_H_
#define KVSTORE_CLI_APP_H_

namespace kvstore::cli {

// Parses argv, runs the command, prints its answer; returns the exit code
// (exit_codes.h). Never exits and never throws a parse error.
int RunCli(int argc, char** argv);

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_APP_H_
