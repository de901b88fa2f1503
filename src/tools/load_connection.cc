#include "tools/load_connection.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "boost/asio/connect.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core/error.hpp"
#include "boost/beast/http/error.hpp"
#include "boost/beast/http/read.hpp"
#include "common/str_cat.h"

namespace serval {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr size_t kErrorBodyChars = 200;

// What a server's close of an idle keep-alive connection looks like to the next request.
bool IsStaleConnectionError(boost::system::error_code ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

// The start of an error body, on one line.
std::string ErrorBodyExcerpt(std::string_view body) {
  std::string excerpt(body.substr(0, kErrorBodyChars));
  for (char& c : excerpt) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (body.size() > kErrorBodyChars) excerpt += "...";
  return excerpt;
}

}  // namespace

LoadConnection::LoadConnection(asio::io_context& io, TcpEndpoints endpoints, absl::Duration timeout)
    : endpoints_(std::move(endpoints)), timeout_(timeout), stream_(io) {}

void LoadConnection::Send(const std::string& request, Done done) {
  request_ = &request;
  done_ = std::move(done);
  resent_ = false;
  reused_ = open_;
  if (open_) {
    Write();
  } else {
    Connect();
  }
}

void LoadConnection::Connect() {
  stream_.expires_after(absl::ToChronoNanoseconds(timeout_));
  stream_.async_connect(endpoints_, [this](beast::error_code ec, const tcp::endpoint&) {
    if (ec) return OnFailure("connect", ec, false);
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    open_ = true;
    Write();
  });
}

void LoadConnection::Write() {
  stream_.expires_after(absl::ToChronoNanoseconds(timeout_));
  asio::async_write(stream_, asio::buffer(*request_), [this](beast::error_code ec, size_t) {
    if (ec) return OnFailure("write", ec, false);
    Read();
  });
}

void LoadConnection::Read() {
  parser_.emplace();
  // Not boost::none: Beast 1.74 treats an absent limit as zero for sized bodies.
  parser_->body_limit(std::numeric_limits<uint64_t>::max());
  stream_.expires_after(absl::ToChronoNanoseconds(timeout_));
  http::async_read(stream_, buffer_, *parser_, [this](beast::error_code ec, size_t) {
    if (ec) return OnFailure("read", ec, parser_->got_some());
    OnResponse();
  });
}

void LoadConnection::OnResponse() {
  auto& response = parser_->get();
  ExchangeResult result;
  result.status = static_cast<int>(response.result_int());
  if (!result.ok()) {
    result.error = StrCat("HTTP ", result.status, ": ", ErrorBodyExcerpt(response.body()));
  }
  if (!response.keep_alive()) CloseSocket();
  Finish(std::move(result));
}

void LoadConnection::OnFailure(std::string_view step, boost::system::error_code ec,
                               bool answer_started) {
  CloseSocket();
  if (reused_ && !resent_ && !answer_started && IsStaleConnectionError(ec)) {
    resent_ = true;
    reused_ = false;
    return Connect();
  }
  ExchangeResult result;
  if (ec == beast::error::timeout) {
    result.error = StrCat(step, ": no progress for ", absl::FormatDuration(timeout_));
  } else {
    result.error = StrCat(step, ": ", ec.message());
  }
  Finish(std::move(result));
}

void LoadConnection::CloseSocket() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  buffer_.clear();
  open_ = false;
}

void LoadConnection::Finish(ExchangeResult result) {
  Done done = std::move(done_);
  done_ = nullptr;
  done(std::move(result));
}

}  // namespace serval
