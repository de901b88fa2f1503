#ifndef SERVAL_SERVER_HTTP_HTTP_SESSION_H_
#define SERVAL_SERVER_HTTP_HTTP_SESSION_H_

// Internals of HttpServer: one I/O thread's shard and the HTTP/1.1 connections it serves.
// Only http_server.cc and http_session.cc include this header.
//
// Lifetime rules, which make a responder called at any time safe:
//  - A session is owned by its shard's registry and by its own pending I/O handlers, all on the
//    shard's thread; responders hold only a weak_ptr to it, and lock it on that thread. So a
//    session is destroyed on its shard's thread, or after that thread has been joined.
//  - A shard (and so its io_context) is shared by the server and every responder; a responder
//    reaches the session only through IoShard::Dispatch, which refuses once the shard closed.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"

// GCC 12 reports -Wmaybe-uninitialized inside Beast's parser (a false positive on a
// boost::optional) at some optimisation levels, despite these being system headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/string_body.hpp"
#pragma GCC diagnostic pop
#include "common/cancellation.h"
#include "server/http/http_message.h"

namespace serval::http_internal {

// Sockets bound to the concrete io_context executor: beast::tcp_stream's type-erased executor
// costs a measurable share of CPU per request.
using TcpSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                  boost::asio::io_context::executor_type>;
using TcpStream = boost::beast::basic_stream<boost::asio::ip::tcp,
                                             boost::asio::io_context::executor_type,
                                             boost::beast::unlimited_rate_policy>;

// What HttpServer::StopAccepting, in_flight and WaitForInFlight read and write: the number of
// requests handed to the handler whose response has not been written yet, and whether the server
// is draining (each connection closes after its next response).
//
// Thread safety: every method may be called from any thread. The count is an atomic; the mutex
// is taken only when it drops to zero, to wake WaitForZero. (std::mutex rather than absl::Mutex:
// Debian's Abseil carries no ThreadSanitizer annotations, and the HTTP server stays TSan-clean.)
class DrainState {
 public:
  void StartDraining() { draining_.store(true); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void RequestEnded();
  int in_flight() const { return in_flight_.load(); }

  // True once in_flight() is 0, false when `timeout` passes first.
  bool WaitForZero(absl::Duration timeout);

 private:
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
  std::mutex idle_mu_;  // orders the last RequestEnded against a waiter going to sleep
  std::condition_variable idle_;
};

struct SessionConfig {
  // Owned by HttpServer; called only on I/O threads, which HttpServer joins before it dies.
  const HttpHandler* handler = nullptr;
  // Owned by HttpServer, like the handler.
  DrainState* drain = nullptr;
  uint64_t max_body_bytes = 0;
  std::chrono::steady_clock::duration read_timeout{};
  std::chrono::steady_clock::duration write_timeout{};
};

// One I/O thread's io_context and the sessions it serves.
//
// Thread safety: Dispatch and CloseDispatch may be called from any thread; everything else only
// on the shard's own thread (the one running context()).
class IoShard : public std::enable_shared_from_this<IoShard> {
 public:
  explicit IoShard(const SessionConfig& config) : config_(config) {}
  IoShard(const IoShard&) = delete;
  IoShard& operator=(const IoShard&) = delete;

  boost::asio::io_context& context() { return context_; }
  const SessionConfig& config() const { return config_; }

  // Runs `fn` on the shard's thread (inline when already on it) and returns true, or drops it
  // and returns false once CloseDispatch was called.
  template <typename F>
  bool Dispatch(F&& fn) {
    // Paired with CloseDispatch (seq_cst on both sides): either CloseDispatch sees this call in
    // flight and waits for it, or this call sees the shard closed. No lock on the request path.
    dispatchers_.fetch_add(1);
    const bool open = !dispatch_closed_.load();
    if (open) boost::asio::dispatch(context_, std::forward<F>(fn));
    dispatchers_.fetch_sub(1);
    return open;
  }

  // Makes later Dispatch calls drop their function, and waits for those in flight to return.
  void CloseDispatch();

  // Shard thread only. Starts serving `socket` unless the shard is stopping.
  void StartSession(TcpSocket socket);
  // Shard thread only. Forgets a finished session; returns the registry's reference so the
  // caller decides where the session dies.
  std::shared_ptr<HttpSession> RemoveSession(HttpSession& session);
  // Shard thread only. Closes every connection and refuses new ones.
  void CloseAllSessions();

 private:
  // First member, so the sessions below are destroyed before the context their sockets use.
  boost::asio::io_context context_{1};
  const SessionConfig config_;
  std::atomic<int> dispatchers_{0};
  std::atomic<bool> dispatch_closed_{false};
  bool stopping_ = false;                               // shard thread only
  std::vector<std::shared_ptr<HttpSession>> sessions_;  // shard thread only
};

// One HTTP/1.1 connection: reads a request, hands it to the handler, writes the response the
// responder delivers, and repeats while keep-alive holds.
//
// Thread safety: shard thread only. Other threads reach a session through HttpResponder.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  static constexpr size_t kNotRegistered = static_cast<size_t>(-1);

  HttpSession(IoShard& shard, TcpSocket socket);
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void Start() { ReadHeader(); }
  // Sends `response` if `sequence` names the request now awaiting one; otherwise does nothing.
  void Respond(uint64_t sequence, HttpResponse response);
  // Closes the socket now; the caller takes care of the registry.
  void Abort();

  size_t registry_index() const { return registry_index_; }
  void set_registry_index(size_t index) { registry_index_ = index; }

 private:
  enum class State { kReading, kAwaitingResponse, kWriting, kLingering, kClosed };

  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnReadError(boost::beast::error_code ec);
  void DeliverRequest();
  // While a request awaits its response, waits for the socket to turn readable: a client that
  // closes its connection then has its request's cancellation raised and the connection ends.
  void WatchForDisconnect();
  void OnReadable(uint64_t sequence, boost::beast::error_code ec);
  // Stops the wait WatchForDisconnect started, if one is pending.
  void StopWatching();
  // A cancellation flag for the next request; the previous one is reused when nothing holds it.
  Cancellation NextCancellation();
  // Writes a response; the connection ends after it unless keep_alive_.
  void Write(int status, std::string_view content_type, const HttpHeaders& extra_headers,
             std::string body);
  void OnWrite(boost::beast::error_code ec);
  // Answers with a JSON error body and closes the connection.
  void Fail(int status, std::string_view message);
  // After an error response: stop sending, then discard what the client still sends for a
  // short while before closing, so the client reads the response rather than a reset.
  void Linger();
  void DiscardInput();
  // Closes the connection and leaves the registry; idempotent.
  void Finish();
  // A request's header has been read: it counts as in flight until EndInFlight; idempotent.
  void StartInFlight();
  // The request has been answered, or never will be; idempotent.
  void EndInFlight();

  IoShard& shard_;
  TcpStream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  State state_ = State::kReading;
  uint64_t sequence_ = 0;  // of the request being served
  bool keep_alive_ = false;
  bool http10_ = false;
  bool head_request_ = false;
  bool fail_after_write_ = false;  // the response in flight is an error: linger, then close
  bool in_flight_ = false;  // counted in DrainState: delivered to the handler, not yet written
  bool watching_ = false;   // a WatchForDisconnect wait is pending
  std::shared_ptr<CancellationFlag> cancellation_;  // of the request being served
  std::string response_header_;  // reused across requests to avoid an allocation per response
  std::string response_body_;
  size_t registry_index_ = kNotRegistered;
};

}  // namespace serval::http_internal

#endif  // SERVAL_SERVER_HTTP_HTTP_SESSION_H_
