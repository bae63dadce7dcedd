// The rendezvous store (see tcp_store.h). Wire format, both ways:
//   request:  [u8 command][u32 key length][key][u32 value length][value]
//   response: [u8 status][u32 payload length][payload]
// Commands: H hello (key: the rank), S set, G get (status 0: not set), L leave (value: the
// reason), D departures. Waiting for a key is the client polling G: the server never
// holds a request, so a client that gives up leaves no answer behind in its stream.
#include "tcp_store.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace tgdist {
namespace {

using Clock = std::chrono::steady_clock;

std::string errnoText() { return std::strerror(errno); }

struct AddrInfo {
  addrinfo* list = nullptr;
  AddrInfo(const std::string& host, int port, bool passive) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    std::string service = std::to_string(port);
    int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
    if (rc != 0) throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  ~AddrInfo() {
    if (list) freeaddrinfo(list);
  }
};

std::string addressText(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  return buf;
}

void putU32(std::vector<char>& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.insert(out.end(), b, b + 4);
}

uint32_t getU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

std::vector<char> message(char head, const std::string& key, const std::vector<char>* value) {
  std::vector<char> out;
  out.push_back(head);
  putU32(out, static_cast<uint32_t>(key.size()));
  out.insert(out.end(), key.begin(), key.end());
  putU32(out, value ? static_cast<uint32_t>(value->size()) : 0);
  if (value) out.insert(out.end(), value->begin(), value->end());
  return out;
}

// Writes all of `data`; false when the peer is gone.
bool sendAll(int fd, const std::vector<char>& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly n bytes before `deadline`; throws naming what happened.
void recvAll(int fd, char* out, size_t n, Clock::time_point deadline, const std::string& where) {
  size_t done = 0;
  while (done < n) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) throw std::runtime_error("no answer from the store at " + where + " in time");
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) throw std::runtime_error("poll on the store connection failed: " + errnoText());
    if (rc == 0) continue;
    ssize_t got = ::recv(fd, out + done, n - done, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw std::runtime_error("the store at " + where + " closed the connection (rank 0, which hosts it, has gone)");
    done += static_cast<size_t>(got);
  }
}

}  // namespace

// ---- server ------------------------------------------------------------------------------

StoreServer::StoreServer(const std::string& host, int port) {
  AddrInfo ai(host, port, true);
  std::string lastError = "no address";
  for (addrinfo* a = ai.list; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
      listenFd_ = fd;
      break;
    }
    lastError = errnoText();
    ::close(fd);
  }
  if (listenFd_ < 0) throw std::runtime_error("the store cannot listen on " + host + ":" + std::to_string(port) + ": " + lastError);
  if (::pipe2(wakeFds_, O_CLOEXEC) != 0) {
    ::close(listenFd_);
    throw std::runtime_error("the store cannot create its wake-up pipe: " + errnoText());
  }
  thread_ = std::thread([this] { serve(); });
}

StoreServer::~StoreServer() {
  char b = 0;
  (void)!::write(wakeFds_[1], &b, 1);
  if (thread_.joinable()) thread_.join();
  ::close(wakeFds_[0]);
  ::close(wakeFds_[1]);
  ::close(listenFd_);
}

void StoreServer::serve() {
  struct Client {
    std::vector<char> in;
    int rank = -1;
    bool left = false;
  };
  std::unordered_map<int, Client> clients;
  std::unordered_map<std::string, std::vector<char>> data;
  std::map<int, std::string> departures;

  auto reply = [](int fd, char status, const std::string& payload) {
    std::vector<char> out;
    out.push_back(status);
    putU32(out, static_cast<uint32_t>(payload.size()));
    out.insert(out.end(), payload.begin(), payload.end());
    sendAll(fd, out);  // a client gone meanwhile is seen by the next poll
  };
  auto handle = [&](int fd, Client& c, char cmd, const std::string& key, std::string value) {
    switch (cmd) {
      case 'H':
        c.rank = std::atoi(key.c_str());
        departures.erase(c.rank);
        return reply(fd, 1, "");
      case 'S':
        data[key].assign(value.begin(), value.end());
        return reply(fd, 1, "");
      case 'G': {
        auto it = data.find(key);
        if (it == data.end()) return reply(fd, 0, "");
        return reply(fd, 1, std::string(it->second.begin(), it->second.end()));
      }
      case 'L':
        c.left = true;
        if (c.rank >= 0) departures[c.rank] = value;
        return reply(fd, 1, "");
      case 'D': {
        std::string text;
        for (auto& [rank, why] : departures) text += "rank " + std::to_string(rank) + ": " + why + "\n";
        return reply(fd, 1, text);
      }
      default:
        return reply(fd, 2, "unknown command");
    }
  };
  auto drop = [&](int fd) {
    Client& c = clients[fd];
    if (c.rank >= 0 && !c.left) {
      departures[c.rank] = "its process ended without destroyProcessGroup (exited or crashed; its connection to the store closed)";
    }
    ::close(fd);
    clients.erase(fd);
  };

  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wakeFds_[0], POLLIN, 0});
    fds.push_back({listenFd_, POLLIN, 0});
    for (auto& [fd, c] : clients) fds.push_back({fd, POLLIN, 0});
    int rc = ::poll(fds.data(), fds.size(), -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) break;
    if (fds[1].revents & POLLIN) {
      int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        clients[fd];
      }
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      int fd = fds[i].fd;
      char buf[65536];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        drop(fd);
        continue;
      }
      Client& c = clients[fd];
      c.in.insert(c.in.end(), buf, buf + n);
      // Handle every complete request in the buffer.
      size_t pos = 0;
      for (;;) {
        if (c.in.size() - pos < 5) break;
        uint32_t klen = getU32(&c.in[pos + 1]);
        if (c.in.size() - pos < 9 + size_t(klen)) break;
        uint32_t vlen = getU32(&c.in[pos + 5 + klen]);
        size_t total = 9 + size_t(klen) + vlen;
        if (c.in.size() - pos < total) break;
        char cmd = c.in[pos];
        std::string key(&c.in[pos + 5], klen);
        std::string value(c.in.begin() + pos + 9 + klen, c.in.begin() + pos + total);
        handle(fd, c, cmd, key, std::move(value));
        pos += total;
      }
      c.in.erase(c.in.begin(), c.in.begin() + pos);
    }
  }
  for (auto& [fd, c] : clients) ::close(fd);
}

// ---- client ------------------------------------------------------------------------------

StoreClient::StoreClient(const std::string& host, int port, int rank, Millis timeout)
    : timeout_(timeout), where_(host + ":" + std::to_string(port)) {
  auto deadline = Clock::now() + timeout;
  std::string lastError;
  while (fd_ < 0) {
    AddrInfo ai(host, port, false);
    for (addrinfo* a = ai.list; a != nullptr && fd_ < 0; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        fd_ = fd;
      } else {
        lastError = errnoText();
        ::close(fd);
      }
    }
    if (fd_ >= 0) break;
    if (Clock::now() >= deadline) {
      throw std::runtime_error("cannot reach the store at " + where_ + " (hosted by rank 0) within " +
                               std::to_string(timeout.count()) + " ms: " + lastError);
    }
    std::this_thread::sleep_for(Millis(50));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len) == 0) localAddress_ = addressText(reinterpret_cast<sockaddr*>(&local));
  request('H', std::to_string(rank), nullptr, timeout_);
}

StoreClient::~StoreClient() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<char> StoreClient::request(char cmd, const std::string& key, const std::vector<char>* value, Millis timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!sendAll(fd_, message(cmd, key, value))) {
    throw std::runtime_error("the store at " + where_ + " closed the connection (rank 0, which hosts it, has gone)");
  }
  auto deadline = Clock::now() + timeout;
  char head[5];
  recvAll(fd_, head, 5, deadline, where_);
  std::vector<char> payload(getU32(head + 1));
  if (!payload.empty()) recvAll(fd_, payload.data(), payload.size(), deadline, where_);
  if (head[0] == 0) throw std::out_of_range(key);  // G of a key not set
  if (head[0] != 1) throw std::runtime_error("the store at " + where_ + " refused a request: " + std::string(payload.begin(), payload.end()));
  return payload;
}

void StoreClient::set(const std::string& key, const std::vector<char>& data) { request('S', key, &data, timeout_); }

bool StoreClient::check(const std::string& key) {
  try {
    request('G', key, nullptr, timeout_);
    return true;
  } catch (const std::out_of_range&) {
    return false;
  }
}

std::vector<char> StoreClient::get(const std::string& key) {
  wait({key}, timeout_);
  return request('G', key, nullptr, timeout_);
}

void StoreClient::wait(const std::vector<std::string>& keys) { wait(keys, timeout_); }

void StoreClient::wait(const std::vector<std::string>& keys, const Millis& timeout) {
  auto deadline = Clock::now() + timeout;
  for (const auto& key : keys) {
    while (!check(key)) {
      if (Clock::now() >= deadline) {
        throw std::runtime_error("timed out after " + std::to_string(timeout.count()) + " ms waiting for key \"" + key +
                                 "\" in the store at " + where_);
      }
      std::this_thread::sleep_for(Millis(5));
    }
  }
}

void StoreClient::leave(const std::string& reason) {
  std::vector<char> why(reason.begin(), reason.end());
  request('L', "", &why, Millis(2000));
}

std::string StoreClient::departures() {
  auto text = request('D', "", nullptr, Millis(2000));
  return std::string(text.begin(), text.end());
}

}  // namespace tgdist
