// Output that is either complete or absent: a killed run must not leave a file or folder that
// looks finished. Files are written to a temporary name and renamed (rename is atomic within a
// file system); a run's folder is staged beside its final name and renamed into place at the end.
#pragma once

#include <string>

namespace star {

// Writes `content` to path + ".tmp-<pid>", flushes it, renames it to `path`. Throws
// std::runtime_error naming the path on failure.
void write_file_atomic(const std::string& path, const std::string& content);

// A folder filled under a temporary name (`<final>.partial-<pid>`) and published by commit();
// destroyed without commit() it is removed. commit() replaces an existing folder of that name.
class StagingDirectory {
 public:
  explicit StagingDirectory(std::string final_path);
  ~StagingDirectory();
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;

  const std::string& path() const { return staging_; }
  const std::string& final_path() const { return final_; }
  void commit();

 private:
  std::string final_, staging_;
  bool committed_ = false;
};

// Leftovers of killed runs in `dir` (names containing ".partial-" or ".tmp-"): removed; returns
// how many.
int remove_partial_outputs(const std::string& dir);

}  // namespace star
