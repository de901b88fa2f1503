#ifndef SERVAL_BACKENDS_TORCH_TORCH_ERRORS_H_
#define SERVAL_BACKENDS_TORCH_TORCH_ERRORS_H_

// The line of a LibTorch exception message worth showing a user. LibTorch messages run to many
// lines (C++ backtraces, TorchScript tracebacks); a Status carries one.

#include <string>
#include <string_view>

namespace serval {

// The first line: a c10::Error's own message, before its backtrace.
inline std::string FirstLine(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

// The last non-empty line: the Python-style "RuntimeError: ..." line that follows the
// TorchScript interpreter's traceback.
inline std::string LastLine(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return std::string(text.substr(text.rfind('\n') + 1));
}

}  // namespace serval

#endif  // SERVAL_BACKENDS_TORCH_TORCH_ERRORS_H_
