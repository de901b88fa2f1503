#include "server/grpc/call_outbox.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "common/wakeup_batch.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/grpc/grpc_tag.h"

namespace serval {
namespace {

// Records in `sent` the order in which the outbox sends it.
class FakeCall final : public OutgoingCall {
 public:
  FakeCall(int id, std::vector<int>& sent) : id_(id), sent_(sent) {}
  void Send() override { sent_.push_back(id_); }

 private:
  const int id_;
  std::vector<int>& sent_;
};

class CallOutboxTest : public testing::Test {
 protected:
  CallOutboxTest() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials());
    queue_ = builder.AddCompletionQueue();
    server_ = builder.BuildAndStart();
    outbox_ = std::make_unique<CallOutbox>(queue_.get());
    outbox_->BindToThisThread();  // the test thread plays the queue's thread
  }
  ~CallOutboxTest() override {
    server_->Shutdown();
    queue_->Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue_->Next(&tag, &ok)) static_cast<GrpcTag*>(tag)->Proceed(ok);
  }

  // Runs the queue's next event, if one comes within `wait`; false if none did.
  bool RunNextEvent(std::chrono::milliseconds wait) {
    void* tag = nullptr;
    bool ok = false;
    const auto status = queue_->AsyncNext(&tag, &ok, std::chrono::system_clock::now() + wait);
    if (status != grpc::CompletionQueue::GOT_EVENT) return false;
    static_cast<GrpcTag*>(tag)->Proceed(ok);
    return true;
  }

  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<CallOutbox> outbox_;
};

TEST_F(CallOutboxTest, KnowsItsQueuesThread) {
  EXPECT_TRUE(outbox_->IsQueueThread());
  bool elsewhere = true;
  std::thread other([&] { elsewhere = outbox_->IsQueueThread(); });
  other.join();
  EXPECT_FALSE(elsewhere);
}

TEST_F(CallOutboxTest, ABatchOfCallsWakesTheQueueOnceAndGoesOutInOrder) {
  std::vector<int> sent;
  std::vector<std::unique_ptr<FakeCall>> calls;
  for (int id = 0; id < 5; ++id) calls.push_back(std::make_unique<FakeCall>(id, sent));
  std::thread batch_thread([&] {
    WakeupBatch wakeups;
    for (const auto& call : calls) outbox_->Post(call.get());
  });
  batch_thread.join();
  ASSERT_TRUE(RunNextEvent(std::chrono::seconds(10)));
  EXPECT_EQ(sent, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(RunNextEvent(std::chrono::milliseconds(100)));  // one wake-up, not five
}

TEST_F(CallOutboxTest, CallsPostedBeforeTheWakeUpIsServedGoOutWithIt) {
  std::vector<int> sent;
  FakeCall first(1, sent);
  FakeCall second(2, sent);
  std::thread poster([&] {
    outbox_->Post(&first);   // no open batch: wakes the queue at once
    outbox_->Post(&second);  // a wake-up is on its way
  });
  poster.join();
  ASSERT_TRUE(RunNextEvent(std::chrono::seconds(10)));
  EXPECT_EQ(sent, (std::vector<int>{1, 2}));
  EXPECT_FALSE(RunNextEvent(std::chrono::milliseconds(100)));

  FakeCall third(3, sent);  // after a send, the next post wakes the queue again
  std::thread([&] { outbox_->Post(&third); }).join();
  ASSERT_TRUE(RunNextEvent(std::chrono::seconds(10)));
  EXPECT_EQ(sent, (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace serval
