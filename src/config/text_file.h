#ifndef SERVAL_CONFIG_TEXT_FILE_H_
#define SERVAL_CONFIG_TEXT_FILE_H_

// ReadTextFile: the whole contents of a config file, with an error that names it.
//
//   ASSIGN_OR_RETURN(std::string text, ReadTextFile(config.model_config_file));
//
// Thread safety: safe from any thread.

#include <string>

#include "absl/status/statusor.h"

namespace serval {

// NOT_FOUND when `path` does not exist, INVALID_ARGUMENT when it is a directory, UNAVAILABLE when
// it cannot be read; each message starts with the path.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace serval

#endif  // SERVAL_CONFIG_TEXT_FILE_H_
