#include "config/text_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/str_cat.h"

namespace serval {

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    return absl::NotFoundError(StrCat(path, ": no such file"));
  }
  if (std::filesystem::is_directory(status)) {
    return absl::InvalidArgumentError(StrCat(path, ": is a directory, not a file"));
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  if (!file || file.bad()) return absl::UnavailableError(StrCat(path, ": cannot be read"));
  return std::move(text).str();
}

}  // namespace serval
