// Export and import: a store's contents as a stream of records, one per key,
// counter, set member, list element and queue message (plus one per table,
// lock, leader group, set, list and queue), in an order that lets an
// importer write each as it comes: constant memory whatever the size, and the
// same records whichever store they came from. `kvstore export` writes them
// as JSON Lines (docs/export-format.md); `kvstore import` reads them back.
//
// What a record keeps: values and members as bytes; a key's or counter's
// remaining time to live; lists in order; each queue message's id,
// priority, receive count and how long until it is visible (a message in
// flight is exported as delayed until its visibility timeout ends: its
// receipt belongs to the old store). Locks and leader groups keep only their
// fencing token / term, never a holder: a lease belongs to a process of the
// store it was taken on, and the next holder on the new store gets a token
// above every one handed out before.
#ifndef KVSTORE_DUMP_H_
#define KVSTORE_DUMP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kvstore/clock.h"
#include "kvstore/status.h"
#include "kvstore/store.h"

namespace kvstore {

struct DumpRecord {
  enum class Type {
    kTable, kKey, kCounter, kLock, kLeader, kSet, kMember, kList, kElement, kQueue, kMessage, kSemaphore
  };
  Type type = Type::kTable;
  std::string table{};
  // The key, counter, lock, leader group, set, list or queue it belongs to
  // (empty for kTable).
  std::string name{};
  // kKey: the value; kMember: the member; kElement, kMessage: the value.
  std::string value{};
  // kCounter: the value; kLock, kSemaphore: the last fencing token;
  // kLeader: the term; kMessage: the priority.
  int64_t number = 0;
  // kMessage: the id (unique in its queue) and deliveries so far.
  int64_t id = 0;
  int64_t receive_count = 0;
  // kKey, kCounter, kSet, kList: time left to live (none: never expires);
  // kMessage: time until it is visible (none: ready now).
  std::optional<Millis> ttl{};
};

// Every record of the named tables (all when `tables` is empty), table by
// table in name order, each object's records together: a kSet before its
// kMembers, a kList before its kElements in list order, a kQueue before its
// kMessages. Reads in pages, so memory stays flat. Stops at the first error
// `sink` returns. Errors: InvalidArgument, UnknownTable, IoError.
Status Export(Store& store, const std::vector<std::string>& tables,
              const std::function<Status(const DumpRecord&)>& sink);

enum class ImportMode {
  // Each object in the import (key, counter, set, list, queue...) replaces
  // the object of that name; everything else is left alone. Running the same
  // import twice gives the same store. The default.
  kReplaceObjects,
  // Each table in the import is emptied first, so that it ends up holding
  // exactly what was exported.
  kReplaceTables,
  // An object that already exists is left as it is; only missing ones are
  // written.
  kIfNotExists,
};

// Writes records as they come, in batches (500 per SQLite transaction; 25
// per DynamoDB request);
// tables are created when missing. Records must come in Export's order
// (records of one object together, its header record first). Not atomic: an
// import stopped part way is completed by running it again.
class Importer {
 public:
  Importer(Store& store, ImportMode mode);
  ~Importer();
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  // InvalidArgument for a record out of order or out of limits (a name too
  // long, a value over 256 KiB), naming it; IoError from the store.
  Status Add(const DumpRecord& record);
  // Writes what is still batched and the last object's header.
  Status Finish();
  // Records written so far (skipped ones not counted).
  int64_t written() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kvstore

#endif  // KVSTORE_DUMP_H_
