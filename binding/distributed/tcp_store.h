// The rendezvous store of tg.distributed, as PyTorch's TCPStore: rank 0 hosts a small
// key-value server on MASTER_ADDR:MASTER_PORT (only that address: nothing listens on other
// interfaces unless MASTER_ADDR is one), every rank (rank 0 too) is a client. Gloo meets
// through it (StoreClient is a gloo::rendezvous::Store), and it keeps a record of which
// ranks left and why, so that a rank whose collective fails can name the rank that went.
#pragma once

#include <gloo/rendezvous/store.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tgdist {

using Millis = std::chrono::milliseconds;

// The server: one thread polling the listening socket and its clients. A GET waits on the
// server until the key is set. A client that says HELLO is known by its rank from then on;
// when its connection closes without a LEAVE, the server records that it went away.
class StoreServer {
 public:
  // Binds host:port (a numeric address or a name resolving to one of this machine's
  // addresses). Throws std::runtime_error naming the address when it cannot.
  StoreServer(const std::string& host, int port);
  ~StoreServer();
  StoreServer(const StoreServer&) = delete;
  StoreServer& operator=(const StoreServer&) = delete;

 private:
  void serve();
  int listenFd_ = -1;
  int wakeFds_[2] = {-1, -1};  // a pipe: the destructor writes to it to stop serve()
  std::thread thread_;
};

// A connection to the server. Calls are serialised (Gloo's rendezvous runs on the caller's
// thread, failure reports on the collective thread).
class StoreClient : public gloo::rendezvous::Store {
 public:
  // Connects to host:port, retrying until `timeout` (rank 0 may not listen yet), then says
  // HELLO with this rank.
  StoreClient(const std::string& host, int port, int rank, Millis timeout);
  ~StoreClient() override;

  void set(const std::string& key, const std::vector<char>& data) override;
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, const Millis& timeout) override;

  // Whether `key` is set, without waiting.
  bool check(const std::string& key);
  // Tells the server this rank leaves, and why (kept for the other ranks' errors).
  void leave(const std::string& reason);
  // The ranks that left so far, one "rank R: reason" line each ("" when none).
  std::string departures();
  // The local address of the connection: the interface that reaches MASTER_ADDR, where
  // this rank's Gloo transport listens.
  std::string localAddress() const { return localAddress_; }

 private:
  std::vector<char> request(char cmd, const std::string& key, const std::vector<char>* value, Millis timeout);
  int fd_ = -1;
  Millis timeout_;
  std::string where_;  // "host:port", for messages
  std::string localAddress_;
  std::mutex mu_;
};

}  // namespace tgdist
