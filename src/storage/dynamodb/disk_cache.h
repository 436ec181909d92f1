// Small private files under ${XDG_CACHE_HOME:-~/.cache}/kvstore/FOLDER/, each
// named by a hash of what determines its content: temporary AWS credentials
// (credential_chain.cc) and tables' layouts (dynamodb_engine.cc). A cache
// that cannot be read or written is no cache: every call degrades to "not
// cached", never to an error.
#ifndef KVSTORE_STORAGE_DYNAMODB_DISK_CACHE_H_
#define KVSTORE_STORAGE_DYNAMODB_DISK_CACHE_H_

#include <optional>
#include <string>

#include "storage/dynamodb/aws_files.h"

namespace kvstore::storage::dynamodb {

// The file for `key` in `folder`, or "" when there is no home for a cache.
std::string DiskCachePath(const GetEnv& getenv, const std::string& folder, const std::string& key);

// The file's text, or nothing when it is missing or unreadable.
std::optional<std::string> ReadDiskCache(const std::string& path);

// Written (mode 0600, folders 0700) to a temporary file, then renamed:
// readers never see half of it.
void WriteDiskCache(const std::string& path, const std::string& text);

void RemoveDiskCache(const std::string& path);

}  // namespace kvstore::storage::dynamodb

#endif  // KVSTORE_STORAGE_DYNAMODB_DISK_CACHE_H_
