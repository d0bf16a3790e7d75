#pragma once
// One client connection (HTTP/1.1 keep-alive, one request at a time), and the bookkeeping all
// connections of a server share: the handler, the limits, the connection cap and the drain on stop.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/http_types.hpp"

namespace localorgs::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// What the tracker may ask of a live connection.
class Connection {
public:
    virtual ~Connection() = default;
    // The server is stopping: close now if waiting for a new request, else finish the request in
    // flight, answer it with `Connection: close`, and close. Callable from any thread.
    virtual void wind_down() = 0;
};

class ConnectionTracker {
public:
    // `executor` runs the drained callback.
    ConnectionTracker(net::any_io_executor executor, Handler handler, TransportLimits limits);

    const Handler& handler() const noexcept { return handler_; }
    const TransportLimits& limits() const noexcept { return limits_; }
    bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }
    // Connections being served; these count against limits().max_connections.
    std::size_t serving() const noexcept { return serving_.load(std::memory_order_acquire); }
    // Every open connection, including those being turned away.
    std::size_t live() const;
    bool drained() const;

    // Once: refuse new work, wind down every connection. Call with no new connections arriving.
    void stop();
    // Runs `callback` on the executor once stop() was called and the last connection has ended
    // (at once if that already happened).
    void on_drained(std::function<void()> callback);

    std::uint64_t add(std::weak_ptr<Connection> connection, bool counted);
    void remove(std::uint64_t id, bool counted);

private:
    void notify_if_drained();  // with mutex_ held

    net::any_io_executor executor_;
    const Handler handler_;
    const TransportLimits limits_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> serving_{0};

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;
    std::uint64_t next_id_ = 0;
    bool drained_ = false;
    std::function<void()> on_drained_;
};

// Serves HTTP on an accepted socket. Its executor must be a strand when the io_context has
// several threads.
void serve_connection(tcp::socket socket, std::shared_ptr<ConnectionTracker> tracker);
// Answers 503 (the server is at its connection cap) and closes.
void turn_away_connection(tcp::socket socket, std::shared_ptr<ConnectionTracker> tracker);

}  // namespace localorgs::server
