#include "testing/temp_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/check.h"

namespace serval {

TempDir::TempDir() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp", "/serval_test_XXXXXX");
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  CHECK(mkdtemp(buffer.data()) != nullptr)
      << "mkdtemp(" << pattern << ") failed: " << std::strerror(errno);
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Join(std::string_view relative) const {
  std::string joined = path_;
  joined.push_back('/');
  joined.append(relative);
  return joined;
}

void WriteFile(const std::string& path, std::string_view contents) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    CHECK(!ec) << "cannot create " << parent << ": " << ec.message();
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  CHECK(file.is_open()) << "cannot open " << path << " for writing";
  file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  file.close();
  CHECK(!file.fail()) << "cannot write " << path;
}

}  // namespace serval
