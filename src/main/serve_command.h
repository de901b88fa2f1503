#ifndef SERVAL_MAIN_SERVE_COMMAND_H_
#define SERVAL_MAIN_SERVE_COMMAND_H_

// `serval serve`: loads the models and serves them until SIGINT or SIGTERM.

#include <string>
#include <vector>

namespace serval {

// Returns the process exit code.
int RunServeCommand(const std::vector<std::string>& args);

}  // namespace serval

#endif  // SERVAL_MAIN_SERVE_COMMAND_H_
