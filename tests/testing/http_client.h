#ifndef SERVAL_TESTING_HTTP_CLIENT_H_
#define SERVAL_TESTING_HTTP_CLIENT_H_

// A small blocking HTTP/1.1 client for tests, on one keep-alive connection.
//
//   HttpClient client(server->port());
//   absl::StatusOr<HttpResult> result = client.Post("/v1/models/m:predict", R"({"x": [1]})");
//   ASSERT_TRUE(result.ok()) << result.status();
//   EXPECT_EQ(result->status, 200);

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace serval {

struct HttpResult {
  int status = 0;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case

  // The first header named `lowercase_name`, or "" when there is none.
  std::string_view Header(std::string_view lowercase_name) const;
};

// Sends one request at a time and waits for the response. Keeps the connection open between
// requests and reconnects when the server closed it (retrying a request once when it failed on
// a reused connection before any response arrived). A transport failure or a timeout is an
// Unavailable or DeadlineExceeded status; any HTTP status is a successful HttpResult.
//
// Thread safety: not thread-safe; use one client per thread.
class HttpClient {
 public:
  explicit HttpClient(int port, std::string host = "127.0.0.1");
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  absl::StatusOr<HttpResult> Get(std::string_view target);
  absl::StatusOr<HttpResult> Post(std::string_view target, std::string_view body,
                                  std::string_view content_type = "application/json");
  // Any method; `headers` are added as given (Host and Content-Length are set already).
  absl::StatusOr<HttpResult> Send(
      std::string_view method, std::string_view target, std::string_view body,
      const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Limit on connecting, sending and receiving, each; 60 s unless set.
  void set_timeout(absl::Duration timeout) { timeout_ = timeout; }
  // Closes the connection; the next request opens a new one.
  void Close();
  // Whether a connection is open (as far as the client knows).
  bool connected() const;

 private:
  struct Connection;  // Boost stays out of this header

  absl::Status Connect();
  absl::StatusOr<HttpResult> SendOnce(std::string_view method, std::string_view target,
                                      std::string_view body,
                                      const std::vector<std::pair<std::string, std::string>>& headers,
                                      bool& retryable);

  const int port_;
  const std::string host_;
  absl::Duration timeout_ = absl::Seconds(60);
  std::unique_ptr<Connection> connection_;
};

}  // namespace serval

#endif  // SERVAL_TESTING_HTTP_CLIENT_H_
