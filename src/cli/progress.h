// One updating line on stderr for long work (import, export, delete
// --prefix...): how much is done, the rate, and the time left when the total
// is known. Shown only when stderr is a terminal; pipes and logs get nothing.
#ifndef KVSTORE_CLI_PROGRESS_H_
#define KVSTORE_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace kvstore::cli {

class Progress {
 public:
  // `what` ("import"), `unit` ("records"). `wanted` false: never shown
  // (export, whose records go to stdout, when stdout is that terminal too).
  Progress(std::string what, std::string unit, bool wanted = true);
  // Clears the line, so the command's own answer starts on a clean one:
  // call it (or let the destructor) before printing the answer.
  void Clear();
  ~Progress() { Clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` so far; `fraction` of the whole when known (0..1), else < 0.
  // Redraws at most every 200 ms.
  void Update(int64_t done, double fraction = -1);

  bool shown() const { return shown_; }

 private:
  std::string what_;
  std::string unit_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_drawn_;
};

}  // namespace kvstore::cli

#endif  // KVSTORE_CLI_PROGRESS_H_
