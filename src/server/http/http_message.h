#ifndef SERVAL_SERVER_HTTP_HTTP_MESSAGE_H_
#define SERVAL_SERVER_HTTP_HTTP_MESSAGE_H_

// The request and response types that HttpServer hands to, and takes from, a handler.
// Nothing here depends on Boost, so routers and their tests can use these types directly.
//
//   void Handle(HttpRequest request, HttpResponder responder) {
//     pool.Schedule([request = std::move(request), responder] {
//       HttpResponse response;
//       response.body = Compute(request.body);
//       responder(std::move(response));
//     });
//   }

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/cancellation.h"

namespace serval {

namespace http_internal {
class HttpSession;
class IoShard;
}  // namespace http_internal

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// One parsed HTTP request, owned by the handler once delivered.
struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // the raw path and query, e.g. "/v1/models/m:predict?x=1"
  std::string body;
  HttpHeaders headers;  // names lower-case, values as sent, in arrival order
  // Raised by the server when the client closes its connection before the response is sent.
  Cancellation cancellation;

  // The value of the first header named `lowercase_name`, or "" when there is none.
  std::string_view Header(std::string_view lowercase_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lowercase_name) return value;
    }
    return {};
  }
};

// What a handler answers. The server adds Server, Content-Length and Connection itself.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";  // empty: no Content-Type header
  std::string body;
  HttpHeaders extra_headers;  // names and values must not contain CR or LF
};

// Completes one request. Cheap to copy (a few pointers) and callable from any thread.
//
// Contract: the first call on any copy sends the response; later calls are no-ops. A call after
// the connection closed or the server stopped or was destroyed is a safe no-op. Every request
// must be answered: if all copies are dropped uncalled, the connection stays open (idle) until
// the client closes it or the server stops.
//
// A responder can also wrap any callable taking HttpResponse, which lets a router be tested
// without a server:
//
//   HttpResponse got;
//   router.Handle(request, [&](HttpResponse r) { got = std::move(r); });
class HttpResponder {
 public:
  // A responder that drops its response.
  HttpResponder() = default;

  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, HttpResponder> &&
                                        std::is_invocable_v<F&, HttpResponse>>>
  HttpResponder(F&& callback)  // NOLINT(google-explicit-constructor): stands in for a lambda
      : callback_(std::forward<F>(callback)) {}

  void operator()(HttpResponse response) const;

  // False for a default-constructed responder.
  explicit operator bool() const { return shard_ != nullptr || callback_ != nullptr; }

 private:
  friend class http_internal::HttpSession;
  HttpResponder(std::shared_ptr<http_internal::IoShard> shard,
                std::weak_ptr<http_internal::HttpSession> session, uint64_t sequence)
      : shard_(std::move(shard)), session_(std::move(session)), sequence_(sequence) {}

  // Server path: the session's I/O shard and the request's sequence number on that session.
  std::shared_ptr<http_internal::IoShard> shard_;
  std::weak_ptr<http_internal::HttpSession> session_;
  uint64_t sequence_ = 0;
  // Test path.
  std::function<void(HttpResponse)> callback_;
};

// Called on an I/O thread for each request. Must not block: long work goes to another thread,
// which calls the responder when done.
using HttpHandler = std::function<void(HttpRequest, HttpResponder)>;

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_HTTP_MESSAGE_H_
