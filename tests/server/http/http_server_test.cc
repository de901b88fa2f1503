#include "server/http/http_server.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/http_client.h"
#include "testing/raw_connection.h"

namespace serval {
namespace {

// Answers with the method, target, body and the x-test header, joined by '|'.
void Echo(HttpRequest request, HttpResponder responder) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = absl::StrCat(request.method, "|", request.target, "|", request.body, "|",
                               std::string(request.Header("x-test")));
  response.extra_headers.emplace_back("X-Echo", "yes");
  responder(std::move(response));
}

HttpResponse Reply(std::string body) {
  HttpResponse response;
  response.body = std::move(body);
  return response;
}

HttpServerOptions LocalOptions() {
  HttpServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  return options;
}

std::unique_ptr<HttpServer> StartServer(const HttpServerOptions& options, HttpHandler handler) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Create(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(server).value() : nullptr;
}

// Keeps responders for a test to call later, from its own thread.
// (std::mutex rather than absl::Mutex in this file: Debian's Abseil is not built with
// ThreadSanitizer annotations, so TSan cannot see absl::Mutex ordering and reports races.)
class ResponderStore {
 public:
  void Add(HttpResponder responder) {
    std::lock_guard<std::mutex> lock(mu_);
    responders_.push_back(std::move(responder));
    added_.notify_all();
  }
  bool WaitForCount(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    return added_.wait_for(lock, std::chrono::seconds(10),
                           [&] { return responders_.size() >= count; });
  }
  std::vector<HttpResponder> TakeAll() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(responders_);
  }

 private:
  std::mutex mu_;
  std::condition_variable added_;
  std::vector<HttpResponder> responders_;  // guarded by mu_
};

// A server that keeps every request's responder in `store` instead of answering.
std::unique_ptr<HttpServer> StartHoldingServer(ResponderStore& store) {
  return StartServer(LocalOptions(), [&store](HttpRequest, HttpResponder responder) {
    store.Add(std::move(responder));
  });
}

TEST(HttpServerTest, GetAndPostAreEchoed) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  HttpClient client(server->port());

  absl::StatusOr<HttpResult> get = client.Send("GET", "/v1/models/m?x=1", "", {{"X-Test", "t1"}});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "GET|/v1/models/m?x=1||t1");
  EXPECT_EQ(get->content_type, "text/plain");
  EXPECT_EQ(get->Header("x-echo"), "yes");
  EXPECT_EQ(get->Header("server"), "serval");

  absl::StatusOr<HttpResult> post = client.Post("/v1/models/m:predict", R"({"a": 1})");
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(post->body, R"(POST|/v1/models/m:predict|{"a": 1}|)");
}

TEST(HttpServerTest, HeaderNamesAreLowerCase) {
  std::mutex mu;
  std::string content_type;
  auto server = StartServer(LocalOptions(), [&](HttpRequest request, HttpResponder responder) {
    std::lock_guard<std::mutex> lock(mu);
    content_type = std::string(request.Header("content-type"));
    for (const auto& [name, value] : request.headers) {
      EXPECT_EQ(name, absl::AsciiStrToLower(name));
    }
    responder(HttpResponse{});
  });
  ASSERT_NE(server, nullptr);
  HttpClient client(server->port());
  ASSERT_TRUE(client.Post("/", "{}", "Application/JSON").ok());
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(content_type, "Application/JSON");
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.connected());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(connection.Send(absl::StrCat("GET /r", i, " HTTP/1.1\r\nHost: x\r\n\r\n")));
    const std::string response = connection.ReadResponse();
    EXPECT_NE(response.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << response;
    EXPECT_NE(response.find(absl::StrCat("GET|/r", i, "||")), std::string::npos) << response;
    EXPECT_EQ(response.find("Connection: close"), std::string::npos) << response;
  }
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"));
  EXPECT_NE(connection.ReadResponse().find("GET|/a||"), std::string::npos);
  EXPECT_NE(connection.ReadResponse().find("GET|/b||"), std::string::npos);
}

TEST(HttpServerTest, Http10ClosesAfterTheResponse) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("GET /old HTTP/1.0\r\n\r\n"));
  const std::string response = connection.ReadResponse();
  EXPECT_NE(response.find("GET|/old||"), std::string::npos) << response;
  EXPECT_NE(response.find("Connection: close\r\n"), std::string::npos) << response;
  EXPECT_TRUE(connection.WaitForClose());
}

TEST(HttpServerTest, Http10KeepAliveIsHonoured) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(connection.Send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const std::string response = connection.ReadResponse();
    EXPECT_NE(response.find("Connection: keep-alive\r\n"), std::string::npos) << response;
  }
}

TEST(HttpServerTest, ResponderMayBeCalledLaterFromAnotherThread) {
  std::vector<std::thread> workers;
  std::mutex workers_mu;
  auto server = StartServer(LocalOptions(), [&](HttpRequest request, HttpResponder responder) {
    std::lock_guard<std::mutex> lock(workers_mu);
    workers.emplace_back([request = std::move(request), responder] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      responder(Reply(absl::StrCat("late ", request.body)));
    });
  });
  ASSERT_NE(server, nullptr);
  HttpClient client(server->port());
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<HttpResult> result = client.Post("/", absl::StrCat(i));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->body, absl::StrCat("late ", i));
  }
  server->Stop();
  for (std::thread& worker : workers) worker.join();
}

TEST(HttpServerTest, ManyConcurrentClientsGetTheirOwnAnswers) {
  HttpServerOptions options = LocalOptions();
  options.num_io_threads = 3;
  auto server = StartServer(options, Echo);
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 8;
  constexpr int kRequests = 50;
  std::atomic<int> correct{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(server->port());
      for (int r = 0; r < kRequests; ++r) {
        const std::string body = absl::StrCat("client ", c, " request ", r);
        absl::StatusOr<HttpResult> result = client.Post(absl::StrCat("/c", c), body);
        if (result.ok() && result->status == 200 &&
            result->body == absl::StrCat("POST|/c", c, "|", body, "|")) {
          correct.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(correct.load(), kClients * kRequests);
}

TEST(HttpServerTest, BodyOverTheLimitGets413AndCloses) {
  HttpServerOptions options = LocalOptions();
  options.max_body_bytes = 1024;
  auto server = StartServer(options, Echo);
  ASSERT_NE(server, nullptr);
  HttpClient client(server->port());

  absl::StatusOr<HttpResult> small = client.Post("/", std::string(1024, 'a'));
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_EQ(small->status, 200);

  absl::StatusOr<HttpResult> big = client.Post("/", std::string(4096, 'a'));
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(big->content_type, "application/json");
  EXPECT_NE(big->body.find("\"error\": \""), std::string::npos) << big->body;
  EXPECT_EQ(big->Header("connection"), "close");
  EXPECT_FALSE(client.connected());
}

TEST(HttpServerTest, ChunkedBodyOverTheLimitGets413) {
  HttpServerOptions options = LocalOptions();
  options.max_body_bytes = 100;
  auto server = StartServer(options, Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
  ASSERT_TRUE(connection.Send(absl::StrCat("3c\r\n", std::string(60, 'a'), "\r\n")));
  ASSERT_TRUE(connection.Send(absl::StrCat("3c\r\n", std::string(60, 'b'), "\r\n0\r\n\r\n")));
  const std::string response = connection.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 413 "), std::string::npos) << response;
  EXPECT_TRUE(connection.WaitForClose());
}

TEST(HttpServerTest, ChunkedBodyWithinTheLimitIsDelivered) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send(
      "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  EXPECT_NE(connection.ReadResponse().find("POST|/c|abcde|"), std::string::npos);
}

TEST(HttpServerTest, ExpectContinueGets100BeforeTheBody) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send(
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(connection.ReadUntil("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(connection.Send("hello"));
  const std::string response = connection.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("POST|/upload|hello|"), std::string::npos) << response;
}

TEST(HttpServerTest, ExpectContinueOverTheLimitGets413Instead) {
  HttpServerOptions options = LocalOptions();
  options.max_body_bytes = 10;
  auto server = StartServer(options, Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send(
      "POST / HTTP/1.1\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n"));
  const std::string response = connection.ReadResponse();
  EXPECT_EQ(response.rfind("HTTP/1.1 413 ", 0), 0u) << response;
  EXPECT_TRUE(connection.WaitForClose());
}

TEST(HttpServerTest, MalformedRequestGets400AndCloses) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("THIS IS NOT HTTP\r\n\r\n"));
  const std::string response = connection.ReadResponse();
  EXPECT_EQ(response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("{\"error\": \"malformed HTTP request"), std::string::npos) << response;
  EXPECT_TRUE(connection.WaitForClose());
}

TEST(HttpServerTest, BadContentLengthGets400) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n"));
  EXPECT_EQ(connection.ReadResponse().rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_TRUE(connection.WaitForClose());
}

TEST(HttpServerTest, IdleConnectionIsClosedAfterTheReadTimeout) {
  HttpServerOptions options = LocalOptions();
  options.read_timeout = absl::Milliseconds(200);
  auto server = StartServer(options, Echo);
  ASSERT_NE(server, nullptr);

  RawConnection silent(server->port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.WaitForClose());

  // Also between requests on a kept-alive connection, and after half a request.
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.Send("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_NE(idle.ReadResponse().find("200 OK"), std::string::npos);
  EXPECT_TRUE(idle.WaitForClose());

  RawConnection slow(server->port());
  ASSERT_TRUE(slow.Send("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
  EXPECT_TRUE(slow.WaitForClose());

  // The client reconnects transparently after the server closed its connection.
  HttpClient client(server->port());
  ASSERT_TRUE(client.Get("/").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  absl::StatusOr<HttpResult> again = client.Get("/");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status, 200);
}

TEST(HttpServerTest, SlowHandlerIsNotTimedOut) {
  HttpServerOptions options = LocalOptions();
  options.read_timeout = absl::Milliseconds(100);
  std::vector<std::thread> workers;  // touched by the one I/O thread, then joined after Stop
  options.num_io_threads = 1;
  auto server = StartServer(options, [&](HttpRequest request, HttpResponder responder) {
    workers.emplace_back([responder] {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      responder(Reply("done"));
    });
  });
  ASSERT_NE(server, nullptr);
  HttpClient client(server->port());
  absl::StatusOr<HttpResult> result = client.Get("/");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->body, "done");
  server->Stop();
  for (std::thread& worker : workers) worker.join();
}

TEST(HttpServerTest, FirstResponseWinsAndTheConnectionStaysUsable) {
  auto server = StartServer(LocalOptions(), [](HttpRequest request, HttpResponder responder) {
    HttpResponder copy = responder;
    responder(Reply("first " + request.target));
    copy(Reply("second"));
    responder(Reply("third"));
  });
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  for (const char* target : {"/a", "/b"}) {
    ASSERT_TRUE(connection.Send(absl::StrCat("GET ", target, " HTTP/1.1\r\n\r\n")));
    const std::string response = connection.ReadResponse();
    EXPECT_NE(response.find(absl::StrCat("first ", target)), std::string::npos) << response;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(connection.pending(), "");
}

TEST(HttpServerTest, StaleResponderDoesNotAnswerTheNextRequest) {
  ResponderStore store;
  auto server = StartServer(LocalOptions(), [&](HttpRequest request, HttpResponder responder) {
    store.Add(responder);
    responder(Reply(request.target));
  });
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("GET /one HTTP/1.1\r\n\r\n"));
  EXPECT_NE(connection.ReadResponse().find("/one"), std::string::npos);
  ASSERT_TRUE(store.WaitForCount(1));
  std::vector<HttpResponder> stale = store.TakeAll();
  // The first request's responder, called while nothing is pending and again while the second
  // request is pending, must not answer either.
  stale[0](Reply("stale"));
  ASSERT_TRUE(connection.Send("GET /two HTTP/1.1\r\n\r\n"));
  stale[0](Reply("stale"));
  const std::string second = connection.ReadResponse();
  EXPECT_NE(second.find("/two"), std::string::npos) << second;
  EXPECT_EQ(second.find("stale"), std::string::npos) << second;
}

TEST(HttpServerTest, HandlerExceptionGets500) {
  auto server = StartServer(LocalOptions(), [](HttpRequest request, HttpResponder responder) {
    if (request.target == "/throw") throw std::runtime_error("boom");
    responder(Reply("fine"));
  });
  ASSERT_NE(server, nullptr);
  HttpClient client(server->port());
  absl::StatusOr<HttpResult> thrown = client.Get("/throw");
  ASSERT_TRUE(thrown.ok()) << thrown.status();
  EXPECT_EQ(thrown->status, 500);
  absl::StatusOr<HttpResult> fine = client.Get("/");
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_EQ(fine->body, "fine");
}

TEST(HttpServerTest, HeadRequestGetsNoBody) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("HEAD /h HTTP/1.1\r\n\r\nGET /g HTTP/1.1\r\n\r\n"));
  const std::string head = connection.ReadUntil("\r\n\r\n");
  EXPECT_NE(head.find("Content-Length: 9\r\n"), std::string::npos) << head;  // "HEAD|/h||"
  EXPECT_NE(connection.ReadResponse().find("GET|/g||"), std::string::npos);
}

TEST(HttpServerTest, ResponderCalledAfterStopIsANoOp) {
  ResponderStore store;
  auto server = StartHoldingServer(store);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("GET / HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(store.WaitForCount(1));
  server->Stop();
  EXPECT_TRUE(connection.WaitForClose());
  EXPECT_EQ(connection.pending(), "");
  for (HttpResponder& responder : store.TakeAll()) responder(Reply("late"));
}

TEST(HttpServerTest, ResponderCalledAfterTheServerIsDestroyedIsANoOp) {
  ResponderStore store;
  auto server = StartHoldingServer(store);
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < 4; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server->port()));
    ASSERT_TRUE(connections.back()->Send("GET / HTTP/1.1\r\n\r\n"));
  }
  ASSERT_TRUE(store.WaitForCount(4));
  std::vector<HttpResponder> responders = store.TakeAll();
  // One responder races the shutdown from another thread; the others fire afterwards.
  std::thread racer([responder = responders[0]] {
    for (int i = 0; i < 1000; ++i) responder(Reply("race"));
  });
  server.reset();
  racer.join();
  for (HttpResponder& responder : responders) responder(Reply("late"));
}

TEST(HttpServerTest, StopWhileBusyEndsEveryRequestAndCrashesNothing) {
  // Half the requests are answered inline, half later from a worker thread, while clients keep
  // sending; Stop lands in the middle.
  std::mutex mu;
  std::condition_variable wake;
  std::vector<HttpResponder> queue;
  bool done = false;
  std::thread worker([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!done || !queue.empty()) {
      wake.wait(lock, [&] { return done || !queue.empty(); });
      std::vector<HttpResponder> batch = std::move(queue);
      queue.clear();
      lock.unlock();
      for (HttpResponder& responder : batch) responder(Reply("async"));
      lock.lock();
    }
  });
  HttpServerOptions options = LocalOptions();
  options.num_io_threads = 2;
  std::atomic<int> count{0};
  auto server = StartServer(options, [&](HttpRequest, HttpResponder responder) {
    if (count.fetch_add(1) % 2 == 0) return responder(Reply("inline"));
    std::lock_guard<std::mutex> lock(mu);
    queue.push_back(std::move(responder));
    wake.notify_one();
  });
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  std::atomic<bool> stop_clients{false};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      HttpClient client(port);
      client.set_timeout(absl::Seconds(10));
      while (!stop_clients.load()) {
        absl::StatusOr<HttpResult> result = client.Post("/", "x");
        if (result.ok() && result->status == 200) answered.fetch_add(1);
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (answered.load() < 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GE(answered.load(), 200);
  server->Stop();
  stop_clients.store(true);
  for (std::thread& client : clients) client.join();  // none hangs: Stop closed every socket
  server.reset();
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    wake.notify_one();
  }
  worker.join();
}

TEST(HttpServerTest, ResponderWrapsACallable) {
  std::string got;
  HttpResponder responder = [&](HttpResponse response) { got = response.body; };
  EXPECT_TRUE(static_cast<bool>(responder));
  responder(Reply("x"));
  EXPECT_EQ(got, "x");
  EXPECT_FALSE(static_cast<bool>(HttpResponder()));
  HttpResponder()(HttpResponse{});  // dropped
}

TEST(HttpServerTest, StopIsIdempotent) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  HttpClient client(server->port());
  ASSERT_TRUE(client.Get("/").ok());
  server->Stop();
  server->Stop();
  client.Close();
  EXPECT_FALSE(client.Get("/").ok());
}

TEST(HttpServerTest, TwoServersOnPortZeroGetDifferentPorts) {
  auto first = StartServer(LocalOptions(), Echo);
  auto second = StartServer(LocalOptions(), Echo);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_GT(first->port(), 0);
  EXPECT_GT(second->port(), 0);
  EXPECT_NE(first->port(), second->port());
}

TEST(HttpServerTest, BindingAPortInUseFails) {
  auto first = StartServer(LocalOptions(), Echo);
  ASSERT_NE(first, nullptr);
  HttpServerOptions options = LocalOptions();
  options.port = first->port();
  absl::StatusOr<std::unique_ptr<HttpServer>> second = HttpServer::Create(options, Echo);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
  EXPECT_NE(second.status().message().find(absl::StrCat(first->port())), std::string::npos);
}

TEST(HttpServerTest, BadOptionsAreRejected) {
  HttpServerOptions no_threads = LocalOptions();
  no_threads.num_io_threads = 0;
  EXPECT_EQ(HttpServer::Create(no_threads, Echo).status().code(),
            absl::StatusCode::kInvalidArgument);
  HttpServerOptions bad_address = LocalOptions();
  bad_address.address = "not-an-address";
  EXPECT_EQ(HttpServer::Create(bad_address, Echo).status().code(),
            absl::StatusCode::kInvalidArgument);
  HttpServerOptions bad_timeout = LocalOptions();
  bad_timeout.read_timeout = absl::ZeroDuration();
  EXPECT_EQ(HttpServer::Create(bad_timeout, Echo).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpServer::Create(LocalOptions(), nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Answers every request held in `store` with its index, from the test's thread.
void AnswerAll(ResponderStore& store) {
  int index = 0;
  for (HttpResponder& responder : store.TakeAll()) responder(Reply(absl::StrCat("held ", index++)));
}

TEST(HttpServerTest, StopAcceptingRefusesNewConnectionsAndFinishesRequestsInFlight) {
  ResponderStore store;
  auto server = StartHoldingServer(store);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  RawConnection first(port);
  RawConnection second(port);
  ASSERT_TRUE(first.Send("GET /1 HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(second.Send("GET /2 HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(store.WaitForCount(2));
  EXPECT_EQ(server->in_flight(), 2);

  server->StopAccepting();
  EXPECT_FALSE(RawConnection(port).connected());
  EXPECT_FALSE(server->WaitForInFlight(absl::Milliseconds(20)));  // both still held
  EXPECT_EQ(server->in_flight(), 2);

  AnswerAll(store);
  for (RawConnection* connection : {&first, &second}) {
    const std::string response = connection->ReadResponse();
    EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
    EXPECT_NE(response.find("held "), std::string::npos) << response;
    // Draining: the client is told to reconnect elsewhere, and the connection closes.
    EXPECT_NE(response.find("Connection: close\r\n"), std::string::npos) << response;
    EXPECT_TRUE(connection->WaitForClose());
  }
  EXPECT_TRUE(server->WaitForInFlight(absl::Seconds(10)));
  EXPECT_EQ(server->in_flight(), 0);
}

TEST(HttpServerTest, OpenKeepAliveConnectionIsServedOnceMoreWhileDraining) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("GET /before HTTP/1.1\r\n\r\n"));
  const std::string before = connection.ReadResponse();
  EXPECT_NE(before.find("GET|/before||"), std::string::npos) << before;
  EXPECT_EQ(before.find("Connection: close"), std::string::npos) << before;

  server->StopAccepting();
  ASSERT_TRUE(connection.Send("GET /after HTTP/1.1\r\n\r\n"));
  const std::string after = connection.ReadResponse();
  EXPECT_NE(after.find("GET|/after||"), std::string::npos) << after;
  EXPECT_NE(after.find("Connection: close\r\n"), std::string::npos) << after;
  EXPECT_TRUE(connection.WaitForClose());
}

TEST(HttpServerTest, WaitForInFlightReturnsOnceTheLastResponseIsWritten) {
  ResponderStore store;
  auto server = StartHoldingServer(store);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(server->WaitForInFlight(absl::ZeroDuration()));  // nothing received yet
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx"));
  ASSERT_TRUE(store.WaitForCount(1));
  server->StopAccepting();
  // The response comes from another thread while this one waits.
  std::thread answerer([&store] { AnswerAll(store); });
  EXPECT_TRUE(server->WaitForInFlight(absl::Seconds(10)));
  answerer.join();
  EXPECT_EQ(server->in_flight(), 0);
  EXPECT_NE(connection.ReadResponse().find("held 0"), std::string::npos);
}

TEST(HttpServerTest, ABodyStillUploadingCountsAsInFlight) {
  auto server = StartServer(LocalOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("POST /upload HTTP/1.1\r\nContent-Length: 6\r\n\r\nabc"));
  for (int i = 0; i < 10000 && server->in_flight() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server->StopAccepting();
  EXPECT_EQ(server->in_flight(), 1);
  EXPECT_FALSE(server->WaitForInFlight(absl::Milliseconds(10)));
  ASSERT_TRUE(connection.Send("def"));
  EXPECT_TRUE(server->WaitForInFlight(absl::Seconds(10)));
  EXPECT_NE(connection.ReadResponse().find("abcdef"), std::string::npos);
}

TEST(HttpServerTest, RequestsCutOffByStopLeaveNothingInFlight) {
  ResponderStore store;
  auto server = StartHoldingServer(store);
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("GET / HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(store.WaitForCount(1));
  server->StopAccepting();
  server->StopAccepting();  // idempotent
  server->Stop();
  EXPECT_EQ(server->in_flight(), 0);
  EXPECT_TRUE(server->WaitForInFlight(absl::ZeroDuration()));
  server->StopAccepting();  // a no-op after Stop
  AnswerAll(store);
}

// Keeps each request's cancellation flag beside its responder.
class CancellationStore {
 public:
  HttpHandler Handler(ResponderStore& responders) {
    return [this, &responders](HttpRequest request, HttpResponder responder) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        flags_.push_back(request.cancellation);
      }
      responders.Add(std::move(responder));
    };
  }
  // Whether request `index` (in arrival order) has its cancellation raised.
  bool Cancelled(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    return index < flags_.size() && IsCancelled(flags_[index]);
  }

 private:
  std::mutex mu_;
  std::vector<Cancellation> flags_;  // guarded by mu_
};

TEST(HttpServerTest, AClientThatClosesWhileWaitingHasItsRequestCancelled) {
  ResponderStore responders;
  CancellationStore flags;
  auto server = StartServer(LocalOptions(), flags.Handler(responders));
  ASSERT_NE(server, nullptr);
  {
    RawConnection connection(server->port());
    ASSERT_TRUE(connection.Send("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx"));
    ASSERT_TRUE(responders.WaitForCount(1));
    EXPECT_FALSE(flags.Cancelled(0));
  }  // the client closes its connection
  // The flag is raised before the request stops counting as in flight.
  for (int i = 0; i < 10000 && server->in_flight() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(server->in_flight(), 0);
  EXPECT_TRUE(flags.Cancelled(0));
  AnswerAll(responders);  // too late: a no-op
}

TEST(HttpServerTest, APipelinedRequestDoesNotCancelTheOneAwaitingItsAnswer) {
  ResponderStore responders;
  CancellationStore flags;
  auto server = StartServer(LocalOptions(), flags.Handler(responders));
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.Send("GET /one HTTP/1.1\r\n\r\nGET /two HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(responders.WaitForCount(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // time to misread the second
  EXPECT_FALSE(flags.Cancelled(0));
  AnswerAll(responders);
  EXPECT_NE(connection.ReadResponse().find("held 0"), std::string::npos);
  ASSERT_TRUE(responders.WaitForCount(1));
  EXPECT_FALSE(flags.Cancelled(1));
  AnswerAll(responders);
  EXPECT_NE(connection.ReadResponse().find("held 0"), std::string::npos);
}

TEST(HttpServerTest, AKeepAliveConnectionAnsweredLaterServesItsNextRequest) {
  ResponderStore responders;
  CancellationStore flags;
  auto server = StartServer(LocalOptions(), flags.Handler(responders));
  ASSERT_NE(server, nullptr);
  RawConnection connection(server->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.Send("GET / HTTP/1.1\r\n\r\n"));
    ASSERT_TRUE(responders.WaitForCount(1));
    std::thread answerer([&responders] { AnswerAll(responders); });
    EXPECT_NE(connection.ReadResponse().find("held 0"), std::string::npos) << i;
    answerer.join();
    EXPECT_FALSE(flags.Cancelled(static_cast<size_t>(i)));
  }
}

}  // namespace
}  // namespace serval
