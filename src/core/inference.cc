#include "core/inference.h"

#include "common/str_cat.h"

namespace serval {

std::string ModelSpec::DebugString() const {
  if (version.has_value()) return StrCat("Specific(", name, ", ", *version, ")");
  if (label.has_value()) return StrCat("Label(", name, ", ", *label, ")");
  return StrCat("Latest(", name, ")");
}

}  // namespace serval
