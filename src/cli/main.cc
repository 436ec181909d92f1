// kvstore's entry point; the command line itself is cli/app.cc.
#include <cstdio>
#include <exception>

#include "cli/app.h"
#include "cli/exit_codes.h"

int main(int argc, char** argv) {
  try {
    return kvstore::cli::RunCli(argc, argv);
  } catch (const std::exception& e) {
    // Nothing should throw past the handlers; if it does, still one line.
    std::fprintf(stderr, "kvstore: internal error: %s\n", e.what());
    return kvstore::cli::kExitStore;
  }
}
