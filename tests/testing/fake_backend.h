#ifndef SERVAL_TESTING_FAKE_BACKEND_H_
#define SERVAL_TESTING_FAKE_BACKEND_H_

// FakeBackend, platform "fake": an identity model for tests that need no runtime.
//
// A version folder loads when it holds a file named "model"; a file named "corrupt" makes the load
// fail. The model's signature is the declared one, or x: fp32[-1, -1] -> y. Execute returns each
// input as the output of the same position, named after the signature's outputs. Execution can be
// held at a gate to fill queues.

#include <memory>

#include "absl/synchronization/mutex.h"
#include "backend/backend.h"

namespace serval::testing {

inline constexpr char kFakePlatform[] = "fake";

// Holds executions until opened. Thread-safe.
class Gate {
 public:
  void Open();
  void WaitUntilOpen();
  // How many executions are waiting at the gate.
  int waiting() const;

 private:
  mutable absl::Mutex mutex_;
  bool open_ ABSL_GUARDED_BY(mutex_) = true;
  int waiting_ ABSL_GUARDED_BY(mutex_) = 0;
  friend class FakeBackend;
  void Close();
};

class FakeBackend : public Backend {
 public:
  std::string_view platform() const override { return kFakePlatform; }
  absl::StatusOr<std::unique_ptr<Model>> Load(const ModelLoadRequest& request) override;

  // Closes the gate that every execution of every model of this backend passes.
  Gate& CloseGate();
  Gate& gate() { return *gate_; }

 private:
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
};

// Writes <base>/<version>/model (or corrupt) for the fake backend, and a config.yaml selecting it.
void WriteFakeModel(const std::string& base_path, int64_t version, bool corrupt = false);

}  // namespace serval::testing

#endif  // SERVAL_TESTING_FAKE_BACKEND_H_
