#include "server/http/http_server.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <utility>
#include <vector>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/address.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "common/check.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "server/http/http_session.h"

namespace serval {
namespace {

namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;
using http_internal::IoShard;

// After a failed accept (say, out of file descriptors) wait this long rather than spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay(100);

absl::StatusOr<std::chrono::steady_clock::duration> ToTimeout(absl::Duration timeout,
                                                              const char* name) {
  if (timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP ", name, " must be positive"));
  }
  // Far enough to mean "never" without overflowing the clock's arithmetic.
  return absl::ToChronoNanoseconds(std::min(timeout, absl::Hours(24 * 365)));
}

}  // namespace

// The listener, the shards and their threads. The listener lives on shard 0's thread; all of
// its members except the shard list are touched only there, or before the threads start.
class HttpServer::Runtime {
 public:
  explicit Runtime(HttpHandler handler) : handler_(std::move(handler)) {}

  absl::Status Start(const HttpServerOptions& options, const tcp::endpoint& endpoint,
                     const http_internal::SessionConfig& config);
  int port() const { return port_; }
  void StopAccepting();
  http_internal::DrainState& drain() { return drain_; }
  void Stop();

 private:
  void Accept();
  void OnAccept(const std::shared_ptr<IoShard>& shard, boost::system::error_code ec,
                http_internal::TcpSocket socket);

  // Declared before the shards: sessions point at these, and they must outlive their threads.
  const HttpHandler handler_;
  http_internal::DrainState drain_;
  std::vector<std::shared_ptr<IoShard>> shards_;
  // On shards_[0]'s context, which the shard list keeps alive past these.
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<asio::steady_timer> accept_retry_timer_;
  size_t next_shard_ = 0;
  bool accepting_ = false;
  int port_ = 0;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_guards_;
  std::vector<std::thread> threads_;
};

absl::Status HttpServer::Runtime::Start(const HttpServerOptions& options,
                                        const tcp::endpoint& endpoint,
                                        const http_internal::SessionConfig& config) {
  http_internal::SessionConfig shard_config = config;
  shard_config.handler = &handler_;
  shard_config.drain = &drain_;
  for (int i = 0; i < options.num_io_threads; ++i) {
    shards_.push_back(std::make_shared<IoShard>(shard_config));
  }

  acceptor_ = std::make_unique<tcp::acceptor>(shards_[0]->context());
  boost::system::error_code ec;
  // Each step is skipped once one failed; the first error is reported.
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port_ = acceptor_->local_endpoint(ec).port();
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ", options.address,
                                               ":", options.port, ": ", ec.message()));
  }
  accept_retry_timer_ = std::make_unique<asio::steady_timer>(shards_[0]->context());
  accepting_ = true;
  Accept();  // completes on shard 0's thread once it runs

  for (size_t i = 0; i < shards_.size(); ++i) {
    work_guards_.push_back(asio::make_work_guard(shards_[i]->context()));
    threads_.emplace_back([shard = shards_[i]] { shard->context().run(); });
    pthread_setname_np(threads_.back().native_handle(), absl::StrCat("serval-http-", i).c_str());
  }
  return absl::OkStatus();
}

void HttpServer::Runtime::Accept() {
  std::shared_ptr<IoShard> shard = shards_[next_shard_];
  next_shard_ = (next_shard_ + 1) % shards_.size();
  acceptor_->async_accept(shard->context(),
                          [this, shard](boost::system::error_code ec,
                                        http_internal::TcpSocket socket) {
                            OnAccept(shard, ec, std::move(socket));
                          });
}

void HttpServer::Runtime::OnAccept(const std::shared_ptr<IoShard>& shard,
                                   boost::system::error_code ec,
                                   http_internal::TcpSocket socket) {
  if (!accepting_) return;
  if (ec) {
    LogWarning("HTTP accept failed: ", ec.message());
    accept_retry_timer_->expires_after(kAcceptRetryDelay);
    accept_retry_timer_->async_wait([this](boost::system::error_code ec) {
      if (!ec && accepting_) Accept();
    });
    return;
  }
  // The session is created on its own shard's thread, which owns it from then on.
  asio::post(shard->context(), [shard, socket = std::move(socket)]() mutable {
    shard->StartSession(std::move(socket));
  });
  Accept();
}

void HttpServer::Runtime::StopAccepting() {
  if (threads_.empty()) return;  // Start failed before any thread ran
  for (const std::thread& thread : threads_) {
    CHECK(thread.get_id() != std::this_thread::get_id())
        << "HttpServer::StopAccepting or Stop called on one of its own I/O threads";
  }
  drain_.StartDraining();
  // Waiting here means that, once this returns, connecting fails and no session start is posted
  // to a shard any more. Closing an already closed acceptor does nothing.
  std::promise<void> listener_closed;
  asio::post(shards_[0]->context(), [this, &listener_closed] {
    accepting_ = false;
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    accept_retry_timer_->cancel();
    listener_closed.set_value();
  });
  listener_closed.get_future().wait();
}

void HttpServer::Runtime::Stop() {
  if (threads_.empty()) return;  // Start failed before any thread ran
  // 1. Stop accepting.
  StopAccepting();
  // 2. Close every connection; each shard then refuses new ones.
  for (const auto& shard : shards_) {
    asio::post(shard->context(), [shard] { shard->CloseAllSessions(); });
  }
  // 3. Responders called from now on do nothing; those already queued run (and find their
  //    connection closed) before the threads exit.
  for (const auto& shard : shards_) shard->CloseDispatch();
  // 4. Each event loop returns once its closed sockets have finished their handlers.
  work_guards_.clear();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

HttpServer::HttpServer() = default;

HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(const HttpServerOptions& options,
                                                               HttpHandler handler) {
  if (handler == nullptr) return absl::InvalidArgumentError("HTTP handler is empty");
  if (options.num_io_threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP num_io_threads must be at least 1, got ", options.num_io_threads));
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP port out of range: ", options.port));
  }
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP address is not an IP address: \"", options.address, "\""));
  }
  http_internal::SessionConfig config;
  config.max_body_bytes = options.max_body_bytes;
  ASSIGN_OR_RETURN(config.read_timeout, ToTimeout(options.read_timeout, "read_timeout"));
  ASSIGN_OR_RETURN(config.write_timeout, ToTimeout(options.write_timeout, "write_timeout"));

  auto server = absl::WrapUnique(new HttpServer());
  server->runtime_ = std::make_unique<Runtime>(std::move(handler));
  RETURN_IF_ERROR(server->runtime_->Start(
      options, tcp::endpoint(address, static_cast<uint16_t>(options.port)), config));
  server->port_ = server->runtime_->port();
  return server;
}

void HttpServer::StopAccepting() {
  absl::MutexLock lock(&stop_mu_);
  if (stopped_) return;  // the I/O threads are gone
  runtime_->StopAccepting();
}

int HttpServer::in_flight() const { return runtime_->drain().in_flight(); }

bool HttpServer::WaitForInFlight(absl::Duration timeout) const {
  return runtime_->drain().WaitForZero(timeout);
}

void HttpServer::Stop() {
  absl::MutexLock lock(&stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  if (runtime_ != nullptr) runtime_->Stop();
}

}  // namespace serval
