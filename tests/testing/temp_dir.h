// A temporary folder removed with everything in it when the test ends.
#ifndef KVSTORE_TESTS_TESTING_TEMP_DIR_H_
#define KVSTORE_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace kvstore::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace kvstore::testing

#endif  // KVSTORE_TESTS_TESTING_TEMP_DIR_H_
