#include "testing/http_client.h"

#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/address.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/error.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/error.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/read.hpp"
#include "boost/beast/http/string_body.hpp"
#include "boost/beast/http/write.hpp"

namespace serval {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// Blocking calls are asynchronous operations run to completion on a private io_context, so
// that each one can time out.
struct HttpClient::Connection {
  asio::io_context context{1};
  beast::tcp_stream stream{context};
  beast::flat_buffer buffer;

  // Starts `op` (which takes a completion handler) and runs it to completion.
  template <typename Op>
  beast::error_code Run(absl::Duration timeout, Op op) {
    beast::error_code result = asio::error::would_block;
    stream.expires_after(absl::ToChronoNanoseconds(timeout));
    op([&result](beast::error_code ec, auto&&...) { result = ec; });
    context.restart();
    context.run();
    return result;
  }
};

std::string_view HttpResult::Header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lowercase_name) return value;
  }
  return {};
}

HttpClient::HttpClient(int port, std::string host) : port_(port), host_(std::move(host)) {}

HttpClient::~HttpClient() = default;

void HttpClient::Close() { connection_.reset(); }

bool HttpClient::connected() const { return connection_ != nullptr; }

absl::Status HttpClient::Connect() {
  connection_.reset();
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host_, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad host address: ", host_));
  auto connection = std::make_unique<Connection>();
  const tcp::endpoint endpoint(address, static_cast<uint16_t>(port_));
  ec = connection->Run(timeout_, [&](auto handler) {
    connection->stream.async_connect(endpoint, std::move(handler));
  });
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", host_, ":", port_, ": ", ec.message()));
  }
  connection->stream.socket().set_option(tcp::no_delay(true), ec);
  connection_ = std::move(connection);
  return absl::OkStatus();
}

absl::StatusOr<HttpResult> HttpClient::Get(std::string_view target) {
  return Send("GET", target, "");
}

absl::StatusOr<HttpResult> HttpClient::Post(std::string_view target, std::string_view body,
                                            std::string_view content_type) {
  return Send("POST", target, body, {{"Content-Type", std::string(content_type)}});
}

absl::StatusOr<HttpResult> HttpClient::Send(
    std::string_view method, std::string_view target, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  bool retryable = false;
  absl::StatusOr<HttpResult> result = SendOnce(method, target, body, headers, retryable);
  // A kept-alive connection the server has meanwhile closed fails before any response.
  if (!result.ok() && retryable) result = SendOnce(method, target, body, headers, retryable);
  return result;
}

absl::StatusOr<HttpResult> HttpClient::SendOnce(
    std::string_view method, std::string_view target, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers, bool& retryable) {
  retryable = false;
  const bool reused = connection_ != nullptr;
  if (!reused) {
    absl::Status connected = Connect();
    if (!connected.ok()) return connected;
  }
  Connection& connection = *connection_;

  http::request<http::string_body> request;
  request.method_string(beast::string_view(method.data(), method.size()));
  request.target(beast::string_view(target.data(), target.size()));
  request.version(11);
  request.set(http::field::host, absl::StrCat(host_, ":", port_));
  for (const auto& [name, value] : headers) request.insert(name, value);
  request.body().assign(body);
  if (!body.empty() || method == "POST" || method == "PUT") request.prepare_payload();

  beast::error_code ec = connection.Run(timeout_, [&](auto handler) {
    http::async_write(connection.stream, request, std::move(handler));
  });
  if (!ec) {
    http::response_parser<http::string_body> parser;
    // Not boost::none: Beast 1.74 treats an absent limit as zero for sized bodies.
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    if (method == "HEAD") parser.skip(true);
    ec = connection.Run(timeout_, [&](auto handler) {
      http::async_read(connection.stream, connection.buffer, parser, std::move(handler));
    });
    if (!ec) {
      HttpResult result;
      auto& response = parser.get();
      result.status = response.result_int();
      result.body = std::move(response.body());
      for (const auto& field : response) {
        const beast::string_view name = field.name_string();
        const beast::string_view value = field.value();
        auto& header = result.headers.emplace_back(std::string(name.data(), name.size()),
                                                   std::string(value.data(), value.size()));
        absl::AsciiStrToLower(&header.first);
      }
      result.content_type = std::string(result.Header("content-type"));
      if (!response.keep_alive()) Close();
      return result;
    }
    retryable = reused && parser.got_some() == false &&
                (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                 ec == asio::error::eof);
  } else {
    retryable = reused && ec != beast::error::timeout;
  }
  Close();
  const std::string what = absl::StrCat(std::string(method), " ", std::string(target));
  if (ec == beast::error::timeout) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, " timed out after ", absl::FormatDuration(timeout_)));
  }
  return absl::UnavailableError(absl::StrCat(what, " failed: ", ec.message()));
}

}  // namespace serval
