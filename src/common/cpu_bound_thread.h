#ifndef SERVAL_COMMON_CPU_BOUND_THREAD_H_
#define SERVAL_COMMON_CPU_BOUND_THREAD_H_

// Inference threads (executors and batch threads) tell Linux that they are CPU-bound
// (SCHED_BATCH, which keeps their nice value and needs no privilege): a thread that wakes them
// keeps its core instead of being preempted by them.
//
// Why: a gRPC or REST thread that queues a request wakes the inference thread. On a core they
// share, the woken thread would run at once and take a batch of one, while more requests wait
// unread on the network thread; the network thread would get the core back only to be preempted
// again by the next wake-up. Not preempted, the network thread reads and queues everything that
// has arrived, and the inference thread then runs it as one batch. Where they have a core each,
// nothing changes (bench/results/grpc_predict_profile.md). --cpu_bound_inference_threads=false
// leaves the threads on the default policy.

namespace serval {

// Marks the calling thread as CPU-bound. Best effort: on failure the thread keeps its policy.
void MarkThisThreadCpuBound();

}  // namespace serval

#endif  // SERVAL_COMMON_CPU_BOUND_THREAD_H_
