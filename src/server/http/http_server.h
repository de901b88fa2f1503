#ifndef SERVAL_SERVER_HTTP_HTTP_SERVER_H_
#define SERVAL_SERVER_HTTP_HTTP_SERVER_H_

// An HTTP/1.1 server (Boost.Beast) that hands each request to one HttpHandler.
//
//   HttpServerOptions options;
//   options.port = 0;  // any free port
//   ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server,
//                    HttpServer::Create(options, [](HttpRequest request, HttpResponder respond) {
//                      HttpResponse response;
//                      response.body = R"({"ok": true})";
//                      respond(std::move(response));
//                    }));
//   LogInfo("listening on port ", server->port());
//   ...
//   // Graceful shutdown: refuse new connections, let the requests in flight finish.
//   server->StopAccepting();
//   if (!server->WaitForInFlight(absl::Seconds(30))) LogWarning(server->in_flight(), " cut off");
//   server->Stop();  // or destroy it

#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/http/http_message.h"

namespace serval {

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  int port = 8501;  // 0: pick a free port; read it back with HttpServer::port()
  int num_io_threads = 2;
  size_t max_body_bytes = size_t{64} << 20;  // larger bodies get 413 and the connection closes
  // Longest wait for the next request on an idle keep-alive connection, and for a slow client
  // to finish sending one. Does not run while the handler works.
  absl::Duration read_timeout = absl::Seconds(30);
  // Longest time a client may take to accept a response.
  absl::Duration write_timeout = absl::Seconds(30);
};

// Serves HTTP/1.1 (keep-alive) and HTTP/1.0 on one listening socket.
//
// Each of the num_io_threads threads runs its own event loop; accepted connections are dealt
// round-robin to them, and a connection stays on its thread. The handler runs on that I/O
// thread and must not block: it answers through the HttpResponder, at once or later from any
// thread. One request per connection is in flight; the next is read after the response is
// written. Malformed requests get 400, oversized bodies 413, each closing the connection; a
// request with "Expect: 100-continue" gets "100 Continue" before its body is read.
//
// Draining: after StopAccepting() new connections are refused while open ones go on being
// served; each of those closes after its next response ("Connection: close"), so keep-alive
// clients reconnect elsewhere. An idle keep-alive connection stays open until its read timeout
// or Stop(). in_flight() counts the requests handed to the handler whose response has not been
// written yet.
//
// Thread safety: every method may be called from any thread; StopAccepting() and Stop() not from
// the server's own I/O threads (so not from the handler). Responders stay safe to call after Stop() and after the
// server is destroyed; they then do nothing.
class HttpServer {
 public:
  // Binds, listens and starts the I/O threads. Fails with InvalidArgument for bad options and
  // Unavailable when the address cannot be bound (for instance, the port is in use).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Create(const HttpServerOptions& options,
                                                            HttpHandler handler);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // Stop()s

  // The bound port; differs from options.port when that was 0.
  int port() const { return port_; }

  // Closes the listening socket and returns once it is closed: connecting then fails. Open
  // connections keep working and close after their next response. Idempotent; a no-op after
  // Stop().
  void StopAccepting();

  // Requests whose header has been read and whose response has not been written yet (nor their
  // connection closed): bodies still uploading, requests at the handler, responses being sent.
  int in_flight() const;

  // Blocks until in_flight() is 0 (true) or `timeout` passes (false). Does not stop new
  // requests arriving on open connections; call StopAccepting() first to drain.
  bool WaitForInFlight(absl::Duration timeout) const;

  // Closes the listener and every connection, and joins the I/O threads. Requests whose
  // handler has not answered yet get no response. Idempotent.
  void Stop();

 private:
  class Runtime;  // the listener, event loops and threads; Boost stays out of this header

  HttpServer();

  int port_ = 0;
  std::unique_ptr<Runtime> runtime_;
  absl::Mutex stop_mu_;
  bool stopped_ ABSL_GUARDED_BY(stop_mu_) = false;
};

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_HTTP_SERVER_H_
