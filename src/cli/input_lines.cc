#include "cli/input_lines.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

namespace kvstore::cli {
namespace {

constexpr size_t kMaxLine = 1 << 20;

}  // namespace

Result<std::unique_ptr<InputLines>> InputLines::Open(const std::string& what, const std::string& path) {
  if (path == "-") {
    auto in = std::make_unique<std::istream>(std::cin.rdbuf());
    return std::unique_ptr<InputLines>(new InputLines(what, std::move(in), 0, false));
  }
  std::string quoted = what + " '" + path + "'";
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::InvalidArgument(quoted + " is a folder, not a file");
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) return Status::InvalidArgument("cannot read " + quoted + ": " + std::strerror(errno));
  bool regular = stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  return std::unique_ptr<InputLines>(new InputLines(what, std::move(in), regular ? st.st_size : 0, regular));
}

Result<bool> InputLines::Next(std::string& line) {
  while (std::getline(*in_, line)) {
    ++number_;
    consumed_ += static_cast<int64_t>(line.size()) + 1;
    if (line.size() > kMaxLine) return Status::InvalidArgument(Where() + "longer than 1 MiB");
    if (line.find_first_not_of(" \t\r") != std::string::npos) return true;
  }
  if (in_->bad()) return Status::InvalidArgument("cannot read the " + what_ + ": " + std::strerror(errno));
  return false;
}

double InputLines::Fraction() const {
  return size_ > 0 ? static_cast<double>(consumed_) / static_cast<double>(size_) : -1;
}

int InputLines::PeekFirst() {
  for (int c = in_->peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = in_->peek()) {
    in_->get();
    ++consumed_;
    if (c == '\n') ++number_;  // blank lines still count for "line N"
  }
  return in_->peek();
}

Result<std::string> InputLines::Rest(size_t max_bytes) {
  std::string data;
  char buffer[65536];
  while (in_->read(buffer, sizeof buffer) || in_->gcount() > 0) {
    data.append(buffer, static_cast<size_t>(in_->gcount()));
    if (data.size() > max_bytes) {
      return Status::InvalidArgument("the " + what_ + " is over the limit of " + std::to_string(max_bytes) + " bytes");
    }
  }
  if (in_->bad()) return Status::InvalidArgument("cannot read the " + what_ + ": " + std::strerror(errno));
  return data;
}

Status InputLines::Rewind() {
  if (!CanRewind()) return Status::InvalidArgument("the " + what_ + " cannot be read twice");
  in_->clear();
  in_->seekg(0);
  number_ = consumed_ = 0;
  return in_->good() ? Status::Ok() : Status::InvalidArgument("cannot reread the " + what_);
}

}  // namespace kvstore::cli
