#ifndef SERVAL_COMMON_STATUS_MACROS_H_
#define SERVAL_COMMON_STATUS_MACROS_H_

// RETURN_IF_ERROR and ASSIGN_OR_RETURN, because the Abseil in Debian 12 predates its own.
//
//   RETURN_IF_ERROR(file.Close());
//   ASSIGN_OR_RETURN(std::unique_ptr<Model> model, backend.Load(dir));

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SERVAL_STATUS_CONCAT_INNER_(a, b) a##b
#define SERVAL_STATUS_CONCAT_(a, b) SERVAL_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::absl::Status serval_status_ = (expr);            \
    if (!serval_status_.ok()) return serval_status_;   \
  } while (false)

#define SERVAL_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  SERVAL_ASSIGN_OR_RETURN_IMPL_(SERVAL_STATUS_CONCAT_(serval_statusor_, __LINE__), lhs, expr)

#endif  // SERVAL_COMMON_STATUS_MACROS_H_
