#include "testing/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/numbers.h"

namespace serval {

RawConnection::RawConnection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
}

void RawConnection::Close() {
  if (fd_ < 0) return;
  close(fd_);
  fd_ = -1;
}

bool RawConnection::Send(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawConnection::ReadUntil(std::string_view marker) {
  while (true) {
    const size_t at = received_.find(marker);
    if (at != std::string::npos) {
      std::string head = received_.substr(0, at + marker.size());
      received_.erase(0, at + marker.size());
      return head;
    }
    if (!ReadSome()) return "";
  }
}

std::string RawConnection::ReadResponse() {
  std::string head = ReadUntil("\r\n\r\n");
  if (head.empty()) return "";
  size_t length = 0;
  const size_t at = head.find("Content-Length: ");
  if (at != std::string::npos) {
    const size_t end = head.find("\r\n", at);
    const size_t start = at + 16;
    if (!absl::SimpleAtoi(head.substr(start, end - start), &length)) return "";
  }
  while (received_.size() < length) {
    if (!ReadSome()) return "";
  }
  std::string response = head + received_.substr(0, length);
  received_.erase(0, length);
  return response;
}

bool RawConnection::WaitForClose() {
  while (ReadSome()) {
  }
  return closed_;
}

bool RawConnection::ReadSome() {
  pollfd poll_fd{fd_, POLLIN, 0};
  if (poll(&poll_fd, 1, 10'000) <= 0) return false;
  char buffer[4096];
  const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  received_.append(buffer, static_cast<size_t>(n));
  return true;
}

}  // namespace serval
