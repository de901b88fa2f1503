#include "server/http/http_session.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <iterator>
#include <exception>
#include <string_view>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/write.hpp"
#include "boost/beast/core/string.hpp"
#include "boost/beast/http/error.hpp"
#include "boost/beast/http/read.hpp"
#include "boost/beast/http/status.hpp"
#include "common/logging.h"

namespace serval {

void HttpResponder::operator()(HttpResponse response) const {
  if (callback_) {
    callback_(std::move(response));
    return;
  }
  if (shard_ == nullptr) return;
  // The session is locked on its own thread only, so it never dies on this one.
  shard_->Dispatch(
      [session = session_, sequence = sequence_, response = std::move(response)]() mutable {
        if (auto live = session.lock()) live->Respond(sequence, std::move(response));
      });
}

namespace http_internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr size_t kReadBufferBytes = 64 * 1024;
// How long an error response waits for the client to stop sending before the socket closes.
constexpr std::chrono::steady_clock::duration kMaxLinger = std::chrono::seconds(2);

const beast::error_category& HttpErrorCategory() {
  static const beast::error_category& category =
      http::make_error_code(http::error::end_of_stream).category();
  return category;
}

std::string JsonError(std::string_view message) {
  std::string json = R"({"error": ")";
  for (char c : message) {
    if (c == '"' || c == '\\') json.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) json.push_back(c);
  }
  json += "\"}";
  return json;
}

HttpResponse InternalError() {
  HttpResponse response;
  response.status = 500;
  response.body = JsonError("internal error");
  return response;
}

// Appends "Name: value\r\n".
void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

void AppendNumber(std::string& out, uint64_t number) {
  char digits[20];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), number);
  out.append(digits, end);
}

}  // namespace

void DrainState::RequestEnded() {
  if (in_flight_.fetch_sub(1) == 1) {
    std::lock_guard<std::mutex> lock(idle_mu_);
    idle_.notify_all();
  }
}

bool DrainState::WaitForZero(absl::Duration timeout) {
  // Far enough to mean "never" without overflowing the clock's arithmetic.
  const absl::Duration bounded =
      std::clamp(timeout, absl::ZeroDuration(), absl::Hours(24 * 365));
  std::unique_lock<std::mutex> lock(idle_mu_);
  return idle_.wait_for(lock, absl::ToChronoNanoseconds(bounded),
                        [this] { return in_flight_.load() == 0; });
}

void IoShard::CloseDispatch() {
  dispatch_closed_.store(true);
  // Dispatch only enqueues or runs a short function, so this wait is brief.
  while (dispatchers_.load() != 0) std::this_thread::yield();
}

void IoShard::StartSession(TcpSocket socket) {
  if (stopping_) return;  // the socket closes as it goes out of scope
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<HttpSession>(*this, std::move(socket));
  session->set_registry_index(sessions_.size());
  sessions_.push_back(session);
  session->Start();
}

std::shared_ptr<HttpSession> IoShard::RemoveSession(HttpSession& session) {
  const size_t index = session.registry_index();
  if (index >= sessions_.size() || sessions_[index].get() != &session) return nullptr;
  std::shared_ptr<HttpSession> removed = std::move(sessions_[index]);
  if (index + 1 != sessions_.size()) {
    sessions_[index] = std::move(sessions_.back());
    sessions_[index]->set_registry_index(index);
  }
  sessions_.pop_back();
  session.set_registry_index(HttpSession::kNotRegistered);
  return removed;
}

void IoShard::CloseAllSessions() {
  stopping_ = true;
  std::vector<std::shared_ptr<HttpSession>> sessions;
  sessions.swap(sessions_);
  for (const auto& session : sessions) session->Abort();
}

HttpSession::HttpSession(IoShard& shard, TcpSocket socket)
    : shard_(shard), stream_(std::move(socket)) {
  buffer_.reserve(kReadBufferBytes);
}

void HttpSession::Respond(uint64_t sequence, HttpResponse response) {
  if (state_ != State::kAwaitingResponse || sequence != sequence_) return;
  Write(response.status, response.content_type, response.extra_headers,
        std::move(response.body));
}

void HttpSession::Abort() {
  EndInFlight();
  state_ = State::kClosed;
  stream_.close();
  registry_index_ = kNotRegistered;
}

void HttpSession::ReadHeader() {
  state_ = State::kReading;
  parser_.emplace();
  parser_->body_limit(shard_.config().max_body_bytes);
  stream_.expires_after(shard_.config().read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            self->OnHeader(ec);
                          });
}

void HttpSession::OnHeader(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  if (ec) return OnReadError(ec);
  // In flight from its header on, so that a drain waits for a body still being uploaded.
  StartInFlight();
  const auto& request = parser_->get();
  keep_alive_ = request.keep_alive();
  http10_ = request.version() < 11;
  head_request_ = request.method() == http::verb::head;
  if (parser_->is_done()) return DeliverRequest();

  // A client that sent "Expect: 100-continue" waits (curl: one second) for this before it
  // sends the body; one whose body already arrived did not wait.
  if (!http10_ && buffer_.size() == 0 &&
      beast::iequals(request[http::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(shard_.config().write_timeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (self->state_ == State::kClosed) return;
                        if (ec) return self->Finish();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void HttpSession::ReadBody() {
  stream_.expires_after(shard_.config().read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     if (self->state_ == State::kClosed) return;
                     if (ec) return self->OnReadError(ec);
                     self->DeliverRequest();
                   });
}

void HttpSession::OnReadError(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return Fail(413, absl::StrCat("request body exceeds the limit of ",
                                  shard_.config().max_body_bytes, " bytes"));
  }
  if (ec == http::error::header_limit) return Fail(431, "request header too large");
  // end_of_stream and partial_message mean the client closed the connection; a timeout or a
  // socket error leaves nobody to answer.
  if (&ec.category() == &HttpErrorCategory() && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return Fail(400, absl::StrCat("malformed HTTP request: ", ec.message()));
  }
  Finish();
}

void HttpSession::DeliverRequest() {
  state_ = State::kAwaitingResponse;
  StartInFlight();
  const uint64_t sequence = ++sequence_;
  auto message = parser_->release();
  HttpRequest request;
  request.cancellation = NextCancellation();
  const beast::string_view method = message.method_string();
  const beast::string_view target = message.target();
  request.method.assign(method.data(), method.size());
  request.target.assign(target.data(), target.size());
  request.body = std::move(message.body());
  request.headers.reserve(std::distance(message.begin(), message.end()));
  for (const auto& field : message) {
    const beast::string_view name = field.name_string();
    const beast::string_view value = field.value();
    auto& header = request.headers.emplace_back(std::string(name.data(), name.size()),
                                                std::string(value.data(), value.size()));
    absl::AsciiStrToLower(&header.first);
  }
  HttpResponder responder(shard_.shared_from_this(), weak_from_this(), sequence);
  // The handler may respond (and so start the write) before it returns; nothing after the
  // call may assume the session is still awaiting a response.
  try {
    (*shard_.config().handler)(std::move(request), std::move(responder));
  } catch (const std::exception& e) {
    LogError("HTTP handler threw: ", e.what());
    Respond(sequence, InternalError());
  } catch (...) {
    LogError("HTTP handler threw a non-standard exception");
    Respond(sequence, InternalError());
  }
  if (state_ == State::kAwaitingResponse && sequence_ == sequence) WatchForDisconnect();
}

Cancellation HttpSession::NextCancellation() {
  // use_count() is 1 only when no earlier request's work still holds the flag.
  if (cancellation_ == nullptr || cancellation_.use_count() != 1 || cancellation_->cancelled()) {
    cancellation_ = std::make_shared<CancellationFlag>();
  }
  return cancellation_;
}

void HttpSession::WatchForDisconnect() {
  watching_ = true;
  // A wait, not a read: bytes the client sends meanwhile (a pipelined request) stay in the
  // socket for the parser. No timeout: the request's own deadline bounds the wait.
  stream_.socket().async_wait(
      tcp::socket::wait_read,
      [self = shared_from_this(), sequence = sequence_](beast::error_code ec) {
        self->OnReadable(sequence, ec);
      });
}

void HttpSession::OnReadable(uint64_t sequence, beast::error_code ec) {
  if (state_ != State::kAwaitingResponse || sequence != sequence_) return;  // answered meanwhile
  watching_ = false;
  if (ec == asio::error::operation_aborted) return;
  if (!ec) {
    char byte;
    const ssize_t peeked = ::recv(stream_.socket().native_handle(), &byte, 1,
                                  MSG_PEEK | MSG_DONTWAIT);
    // More bytes: a pipelined request, so the client is still there. Stop watching, since the
    // socket stays readable until the parser takes them.
    if (peeked > 0) return;
    if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      return WatchForDisconnect();
    }
  }
  // End of stream or a broken connection: nobody is left to answer.
  cancellation_->Cancel();
  Finish();
}

void HttpSession::StopWatching() {
  if (!watching_) return;
  watching_ = false;
  beast::error_code ignored;
  stream_.socket().cancel(ignored);  // the wait is the socket's only pending operation here
}

void HttpSession::Write(int status, std::string_view content_type,
                        const HttpHeaders& extra_headers, std::string body) {
  if (status < 200 || status > 999) {
    LogError("HTTP handler answered with invalid status ", status, "; sending 500");
    status = 500;
  }
  // Built by hand into a reused string: no allocation once it has grown to size.
  std::string& out = response_header_;
  out.clear();
  out.append("HTTP/1.1 ");
  AppendNumber(out, static_cast<uint64_t>(status));
  const beast::string_view reason = http::obsolete_reason(static_cast<http::status>(status));
  out.append(" ").append(reason.data(), reason.size()).append("\r\nServer: serval\r\n");
  if (!content_type.empty()) AppendHeader(out, "Content-Type", content_type);
  if (status != 204 && status != 304) {
    out.append("Content-Length: ");
    AppendNumber(out, body.size());
    out.append("\r\n");
  }
  for (const auto& [name, value] : extra_headers) {
    if (name.find_first_of("\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      LogError("dropping HTTP response header with CR or LF: ", name);
      continue;
    }
    AppendHeader(out, name, value);
  }
  // A draining server sends clients elsewhere: the connection ends after this response.
  if (shard_.config().drain->draining()) keep_alive_ = false;
  if (!keep_alive_) {
    response_header_.append("Connection: close\r\n");
  } else if (http10_) {
    response_header_.append("Connection: keep-alive\r\n");
  }
  response_header_.append("\r\n");

  StopWatching();
  state_ = State::kWriting;
  response_body_ = std::move(body);
  const std::array<asio::const_buffer, 2> buffers = {
      asio::buffer(response_header_),
      head_request_ ? asio::const_buffer() : asio::buffer(response_body_)};
  stream_.expires_after(shard_.config().write_timeout);
  asio::async_write(stream_, buffers,
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->OnWrite(ec);
                    });
}

void HttpSession::OnWrite(beast::error_code ec) {
  EndInFlight();
  if (state_ == State::kClosed) return;
  if (ec) return Finish();
  if (fail_after_write_) return Linger();
  if (!keep_alive_) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return Finish();
  }
  // Frees the body now rather than when the next response replaces it.
  std::string().swap(response_body_);
  ReadHeader();
}

void HttpSession::Fail(int status, std::string_view message) {
  keep_alive_ = false;
  head_request_ = false;
  fail_after_write_ = true;
  Write(status, "application/json", {}, JsonError(message));
}

void HttpSession::Linger() {
  state_ = State::kLingering;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::min(shard_.config().read_timeout, kMaxLinger));
  DiscardInput();
}

void HttpSession::DiscardInput() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kReadBufferBytes),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (self->state_ == State::kClosed) return;
                            if (ec) return self->Finish();
                            self->DiscardInput();
                          });
}

void HttpSession::Finish() {
  EndInFlight();
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  stream_.close();
  // Held to the end of this function: the registry's reference may be the last one.
  std::shared_ptr<HttpSession> self = shard_.RemoveSession(*this);
}

void HttpSession::StartInFlight() {
  if (in_flight_) return;
  in_flight_ = true;
  shard_.config().drain->RequestStarted();
}

void HttpSession::EndInFlight() {
  if (!in_flight_) return;
  in_flight_ = false;
  shard_.config().drain->RequestEnded();
}

}  // namespace http_internal
}  // namespace serval
