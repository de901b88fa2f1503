#ifndef SERVAL_COMMON_CHECK_H_
#define SERVAL_COMMON_CHECK_H_

// CHECK for Serval's own invariants: a failed CHECK is a bug in Serval, so it logs and aborts.
// Never CHECK anything a client or a model file controls; return a Status for those.
// (Abseil's own CHECK arrived after the version Debian 12 ships.)
//
//   CHECK(begin <= end) << begin << " > " << end;

#include <sstream>

namespace serval::internal {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return message_; }

 private:
  std::ostringstream message_;
};

// Lets the CHECK macro be a single expression of type void.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace serval::internal

#define CHECK(condition)        \
  (condition) ? (void)0         \
              : ::serval::internal::Voidify() & \
                    ::serval::internal::CheckFailure(__FILE__, __LINE__, #condition).stream()

#define CHECK_EQ(a, b) CHECK((a) == (b))

#endif  // SERVAL_COMMON_CHECK_H_
