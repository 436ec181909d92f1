// Runs a real process (the kvstore binary, a shell) and collects its exit
// code, stdout and stderr, feeding it stdin.
#ifndef KVSTORE_TESTS_TESTING_RUN_H_
#define KVSTORE_TESTS_TESTING_RUN_H_

#include <map>
#include <string>
#include <vector>

namespace kvstore::testing {

struct RunResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string stdin_data{};
  // Variables to set (or, with an empty value, unset) in the child.
  std::map<std::string, std::string> env{};
};

RunResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options = {});

// `n` scaled by $KVSTORE_TEST_SCALE (default 1; at least 1): the sanitizer
// run shrinks the many-process tests, whose every kvstore process starts
// several times slower under ASan.
int ScaledCount(int n);

// Runs `script` in `n` shells at once ($0 = kvstore, $1 = store, $2 = the
// shell's number, $3 = a shared file) and returns their results.
std::vector<RunResult> RunShells(int n, const std::string& script, const std::string& store, const std::string& file);

// Runs the kvstore binary under test against the store at `store`.
RunResult Kvstore(const std::string& store, const std::vector<std::string>& args,
                  const RunOptions& options = {});

}  // namespace kvstore::testing

#endif  // KVSTORE_TESTS_TESTING_RUN_H_
