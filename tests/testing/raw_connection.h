#ifndef SERVAL_TESTING_RAW_CONNECTION_H_
#define SERVAL_TESTING_RAW_CONNECTION_H_

// RawConnection: a plain TCP connection to 127.0.0.1 for what HttpClient cannot do: malformed
// requests, partial sends, pipelining, watching for "100 Continue" and for the server closing,
// and a client that closes its end without waiting. Every read gives up after 10 s, so a broken
// server fails the test instead of hanging it.
//
//   RawConnection connection(port);
//   ASSERT_TRUE(connection.Send("GET / HTTP/1.1\r\n\r\n"));
//   std::string response = connection.ReadResponse();
//
// Thread safety: none; one thread uses a connection.

#include <string>
#include <string_view>

namespace serval {

class RawConnection {
 public:
  explicit RawConnection(int port);
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { Close(); }

  bool connected() const { return connected_; }

  // Sends all of `data`; false on error.
  bool Send(std::string_view data);

  // Reads until what was received contains `marker`; returns everything up to and including it,
  // and keeps the rest. Returns "" on timeout, end of stream or error.
  std::string ReadUntil(std::string_view marker);

  // Reads one response with a Content-Length body; returns its head and body, or "".
  std::string ReadResponse();

  // Whether the server closes the connection (end of stream or reset) within 10 s; data that
  // arrives meanwhile is kept.
  bool WaitForClose();

  // Closes this end now; idempotent.
  void Close();

  const std::string& pending() const { return received_; }

 private:
  // Appends what arrives within 10 s; false on timeout, end of stream or error.
  bool ReadSome();

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

}  // namespace serval

#endif  // SERVAL_TESTING_RAW_CONNECTION_H_
