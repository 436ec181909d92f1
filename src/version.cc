// What `kvstore --version` reports (kvstore/version.h).
#include "kvstore/version.h"

#include "build_commit.h"  // generated at every build by cmake/build_commit.cmake
#include "storage/sqlite/sqlite_db.h"

namespace kvstore {

const char* Version() { return KVSTORE_VERSION; }
const char* SqliteVersion() { return storage::sqlite::LibraryVersion(); }
const char* BuildCommit() { return KVSTORE_BUILD_COMMIT; }

}  // namespace kvstore
