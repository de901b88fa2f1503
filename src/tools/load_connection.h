#ifndef SERVAL_TOOLS_LOAD_CONNECTION_H_
#define SERVAL_TOOLS_LOAD_CONNECTION_H_

// LoadConnection: one keep-alive HTTP/1.1 client connection of the load generator, driven by
// Asio callbacks on its worker's event loop (Boost.Beast parses the responses).
//
// Send() connects first when the connection is not open (on first use, or after the server
// closed it or a request failed), writes a request that is already serialized, and reads the
// response. Each step may take at most `timeout`. A request that fails on a reused connection
// before any byte of the answer arrived (the server closed an idle keep-alive connection) is sent
// once more on a new connection, so that such closes are not counted as errors.
//
// Thread safety: not thread-safe; every call and callback runs on the thread that runs the
// io_context. One request at a time: call Send() again only after `done` was called.
//
//   LoadConnection connection(io, endpoints, absl::Seconds(30));
//   connection.Send(request, [](ExchangeResult result) { ... });
//   io.run();

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/string_body.hpp"

namespace serval {

using TcpEndpoints = boost::asio::ip::tcp::resolver::results_type;

struct ExchangeResult {
  int status = 0;     // the HTTP status; 0 when the request failed before an answer
  std::string error;  // for a failure: "HTTP 500: <start of the body>" or "connect: <reason>"

  bool ok() const { return status >= 200 && status < 300; }
};

class LoadConnection {
 public:
  using Done = std::function<void(ExchangeResult)>;

  // `endpoints` are tried in order when connecting.
  LoadConnection(boost::asio::io_context& io, TcpEndpoints endpoints, absl::Duration timeout);
  LoadConnection(const LoadConnection&) = delete;
  LoadConnection& operator=(const LoadConnection&) = delete;

  // Sends `request` (a whole HTTP/1.1 request; it must stay alive until `done` runs) and calls
  // `done` once, on the event loop, with the answer or the failure. `done` may call Send() again.
  void Send(const std::string& request, Done done);

 private:
  void Connect();
  void Write();
  void Read();
  void OnResponse();
  void OnFailure(std::string_view step, boost::system::error_code ec, bool answer_started);
  void CloseSocket();
  void Finish(ExchangeResult result);

  const TcpEndpoints endpoints_;
  const absl::Duration timeout_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  const std::string* request_ = nullptr;
  Done done_;
  bool open_ = false;
  bool reused_ = false;  // the request went out on a connection that had answered before
  bool resent_ = false;  // the request has been sent a second time already
};

}  // namespace serval

#endif  // SERVAL_TOOLS_LOAD_CONNECTION_H_
