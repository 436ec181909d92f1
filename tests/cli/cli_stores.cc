// Every CliTest runs once per store.
#include "cli/cli_fixture.h"

namespace kvstore::testing {

KVSTORE_ON_EVERY_STORE(CliTest);

}  // namespace kvstore::testing
