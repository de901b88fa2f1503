#include "common/cpu_bound_thread.h"

#include <sched.h>

namespace serval {

void MarkThisThreadCpuBound() {
  // On Linux, pid 0 names the calling thread, not the process; SCHED_BATCH's priority must be 0.
  sched_param param{};
  param.sched_priority = 0;
  sched_setscheduler(0, SCHED_BATCH, &param);
}

}  // namespace serval
