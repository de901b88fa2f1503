#ifndef SERVAL_COMMON_LOGGING_H_
#define SERVAL_COMMON_LOGGING_H_

// Minimal structured logging to stderr: one line per event, timestamped, thread-safe.
//
//   LogInfo("loaded model ", name, " version ", version);

#include <string_view>

#include "common/str_cat.h"

namespace serval {

enum class LogLevel { kInfo, kWarning, kError };

// Writes one line; safe to call from any thread.
void LogLine(LogLevel level, std::string_view message);

template <typename... Args>
void LogInfo(const Args&... args) {
  LogLine(LogLevel::kInfo, StrCat(args...));
}
template <typename... Args>
void LogWarning(const Args&... args) {
  LogLine(LogLevel::kWarning, StrCat(args...));
}
template <typename... Args>
void LogError(const Args&... args) {
  LogLine(LogLevel::kError, StrCat(args...));
}

}  // namespace serval

#endif  // SERVAL_COMMON_LOGGING_H_
