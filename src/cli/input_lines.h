// Reading a long input a line at a time, from a file or stdin ("-"), so
// that memory stays flat: import and batch-set. Lines longer than 1 MiB are
// refused (a record holds at most a 256 KiB value, base64-encoded).
#ifndef KVSTORE_CLI_INPUT_LINES_H_
#define KVSTORE_CLI_INPUT_LINES_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <string>

#include "kvstore/status.h"

namespace kvstore::cli {

class InputLines {
 public:
  // InvalidArgument naming `what` ("import file") when the file cannot be
  // read or is a folder.
  static Result<std::unique_ptr<InputLines>> Open(const std::string& what, const std::string& path);

  // The next line that is not blank, without its newline; false at the end.
  // InvalidArgument when a line is too long or the input cannot be read.
  Result<bool> Next(std::string& line);
  // "line N: ", for the line Next gave last.
  std::string Where() const { return "line " + std::to_string(number_) + ": "; }
  // How far through the input, 0..1, or < 0 when its size is unknown.
  double Fraction() const;
  // The first character that is not white space, without consuming it
  // (EOF at the end): '[' begins one JSON document rather than lines.
  int PeekFirst();
  // Everything not read yet, at most `max_bytes` (InvalidArgument beyond):
  // a JSON document after PeekFirst.
  Result<std::string> Rest(size_t max_bytes);
  // A regular file can be read twice (a check, then the work): Rewind
  // starts it over. Stdin cannot.
  bool CanRewind() const { return file_; }
  Status Rewind();

 private:
  InputLines(std::string what, std::unique_ptr<std::istream> in, int64_t size, bool file)
      : what_(std::move(what)), in_(std::move(in)), size_(size), file_(file) {}

  std::string what_;
  std::unique_ptr<std::istream> in_;
  int64_t size_;  // of a regular file, else 0
  bool file_;
  int64_t number_ = 0;
  int64_t consumed_ = 0;
};

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_INPUT_LINES_H_
