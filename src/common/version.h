#ifndef SERVAL_COMMON_VERSION_H_
#define SERVAL_COMMON_VERSION_H_

// Serval's version, as server metadata reports it (KServe v2's GET /v2 and ServerMetadata).

namespace serval {

inline constexpr char kServalVersion[] = "0.5.0";

}  // namespace serval

#endif  // SERVAL_COMMON_VERSION_H_
