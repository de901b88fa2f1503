#ifndef SERVAL_TESTING_TEMP_DIR_H_
#define SERVAL_TESTING_TEMP_DIR_H_

// A fresh directory for one test, removed with everything in it when the TempDir dies.
//
//   TempDir dir;
//   WriteFile(dir.Join("models/m/1/config.yaml"), "backend: torch\n");

#include <string>
#include <string_view>

namespace serval {

// Created under $TMPDIR (or /tmp). Aborts when no directory can be created.
// Thread safety: const methods may be called from any thread.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();  // removes the directory recursively; errors are ignored

  const std::string& path() const { return path_; }
  // path() + "/" + relative.
  std::string Join(std::string_view relative) const;

 private:
  std::string path_;
};

// Writes `contents` to `path`, replacing the file and creating missing parent directories.
// Aborts on failure: a test cannot go on without its input files.
void WriteFile(const std::string& path, std::string_view contents);

}  // namespace serval

#endif  // SERVAL_TESTING_TEMP_DIR_H_
