#ifndef SERVAL_PROTOCOL_KSERVE_PLATFORM_H_
#define SERVAL_PROTOCOL_KSERVE_PLATFORM_H_

// The `platform` KServe v2 model metadata reports (protocols.md 3.3), over REST and gRPC alike:
// TorchScript is the only runtime Serval has.

namespace serval {

inline constexpr char kKServePlatform[] = "pytorch_torchscript";

}  // namespace serval

#endif  // SERVAL_PROTOCOL_KSERVE_PLATFORM_H_
