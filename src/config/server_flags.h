#ifndef SERVAL_CONFIG_SERVER_FLAGS_H_
#define SERVAL_CONFIG_SERVER_FLAGS_H_

// The table of `serval serve`'s flags: each a name, a help line and a setter onto ServerConfig.
//
// Shared by the command line (server_config.cc) and the YAML file's server_config section
// (yaml_config.cc), which takes the same names, so a setting is spelt and checked one way.
//
//   const ServerFlag* flag = FindServerFlag("rest_api_port");
//   absl::Status status = flag->set("8080", config);  // message without the flag's name
//
// Thread safety: the table is immutable; setters only touch the ServerConfig they are given.

#include <functional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "config/server_config.h"

namespace serval {

struct ServerFlag {
  enum class Kind { kString, kInteger, kBoolean };

  std::string_view name;
  Kind kind;
  std::string_view help;  // one line, ending with the default
  // Sets the flag's member(s). A bad value gives INVALID_ARGUMENT whose message says what is wrong
  // without naming the flag ("must be an integer >= 0, got 'abc'"); the caller says where.
  std::function<absl::Status(std::string_view value, ServerConfig& config)> set;
  // One of --model_base_path, --model_repository, --model_config_file, --config.
  bool model_source = false;
  // May also be written in the YAML file's server_config section.
  bool in_yaml = true;
};

// Every flag, in the order --help lists them.
const std::vector<ServerFlag>& ServerFlags();

// nullptr when there is no such flag.
const ServerFlag* FindServerFlag(std::string_view name);

// "true"/"1" or "false"/"0"; INVALID_ARGUMENT otherwise.
absl::StatusOr<bool> ParseBoolean(std::string_view value);

}  // namespace serval

#endif  // SERVAL_CONFIG_SERVER_FLAGS_H_
