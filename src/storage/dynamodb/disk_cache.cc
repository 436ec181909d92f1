#include "storage/dynamodb/disk_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "storage/dynamodb/crypto.h"

namespace kvstore::storage::dynamodb {

std::string DiskCachePath(const GetEnv& getenv, const std::string& folder, const std::string& key) {
  std::string base = EnvOr(getenv, "XDG_CACHE_HOME");
  if (base.empty()) base = EnvOr(getenv, "HOME").empty() ? "" : EnvOr(getenv, "HOME") + "/.cache";
  if (base.empty()) return "";
  return base + "/kvstore/" + folder + "/" + Hex(Sha256(key)).substr(0, 40) + ".json";
}

std::optional<std::string> ReadDiskCache(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteDiskCache(const std::string& path, const std::string& text) {
  if (path.empty()) return;
  std::string dir = path.substr(0, path.rfind('/'));
  for (size_t slash = 1; slash != std::string::npos; slash = dir.find('/', slash + 1)) {
    mkdir(dir.substr(0, slash).c_str(), 0700);
  }
  mkdir(dir.c_str(), 0700);
  std::string temporary = path + ".tmp" + std::to_string(getpid());
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!written || rename(temporary.c_str(), path.c_str()) != 0) unlink(temporary.c_str());
}

void RemoveDiskCache(const std::string& path) {
  if (!path.empty()) unlink(path.c_str());
}

}  // namespace kvstore::storage::dynamodb
