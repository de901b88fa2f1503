#include "common/check.h"

#include <cstdlib>

#include "common/logging.h"

namespace serval::internal {

CheckFailure::CheckFailure(const char* file, int line, const char* condition) {
  message_ << file << ":" << line << " CHECK failed: " << condition << " ";
}

CheckFailure::~CheckFailure() {
  LogLine(LogLevel::kError, message_.str());
  std::abort();
}

}  // namespace serval::internal
