#ifndef SERVAL_COMMON_STR_CAT_H_
#define SERVAL_COMMON_STR_CAT_H_

// StrCat and StrAppend that also take std::string_view.
//
// Debian 12's Abseil is built with its own absl::string_view, which std::string_view does not
// convert to, so absl::StrCat rejects std::string_view arguments. Serval's interfaces use
// std::string_view; these forward to Abseil after converting.
//
//   std::string message = StrCat("model ", name, " version ", version);

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace serval {

inline absl::string_view ToAbsl(std::string_view text) { return {text.data(), text.size()}; }
inline std::string_view FromAbsl(absl::string_view text) { return {text.data(), text.size()}; }

namespace internal {
inline absl::string_view StrCatPiece(std::string_view text) { return ToAbsl(text); }
template <typename T>
const T& StrCatPiece(const T& value) {
  return value;
}
}  // namespace internal

template <typename... Args>
std::string StrCat(const Args&... args) {
  return absl::StrCat(internal::StrCatPiece(args)...);
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  absl::StrAppend(out, internal::StrCatPiece(args)...);
}

}  // namespace serval

#endif  // SERVAL_COMMON_STR_CAT_H_
