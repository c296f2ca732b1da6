#include "scenario/atomic_output.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace star {

namespace fs = std::filesystem;

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

StagingDirectory::StagingDirectory(std::string final_path) : final_(std::move(final_path)) {
  while (!final_.empty() && final_.back() == '/') final_.pop_back();
  if (final_.empty()) final_ = ".";
  staging_ = final_ + ".partial-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(staging_, ec);
  const fs::path parent = fs::path(final_).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (!fs::create_directories(staging_, ec) || ec)
    throw std::runtime_error("cannot create the output folder " + staging_);
}

StagingDirectory::~StagingDirectory() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void StagingDirectory::commit() {
  std::error_code ec;
  std::string old;
  if (fs::exists(final_, ec)) {
    old = final_ + ".old-" + std::to_string(::getpid());
    fs::remove_all(old, ec);
    fs::rename(final_, old, ec);
    if (ec) throw std::runtime_error("cannot replace the output folder " + final_ + ": " + ec.message());
  }
  fs::rename(staging_, final_, ec);
  if (ec) throw std::runtime_error("cannot publish the output folder " + final_ + ": " + ec.message());
  committed_ = true;
  if (!old.empty()) fs::remove_all(old, ec);
}

int remove_partial_outputs(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.find(".partial-") != std::string::npos || name.find(".tmp-") != std::string::npos ||
        name.find(".old-") != std::string::npos) {
      fs::remove_all(e.path(), ec);
      ++n;
    }
  }
  return n;
}

}  // namespace star
