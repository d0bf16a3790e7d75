#pragma once
// The HTTP server as main sees it: bind, start, stop, and learn when every connection is gone.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "server/http_types.hpp"

namespace localorgs::server {

class ConnectionTracker;
class Listener;

// The server could not listen on host:port. what() says where and why in plain words (never a
// library's source location); `why` lets the command line add what to change.
struct listen_error : std::runtime_error {
    enum class Why { address_in_use, address_not_local, permission_denied, host_unknown, other };
    listen_error(const std::string& message, Why why) : std::runtime_error(message), why(why) {}
    Why why;
};

class Transport {
public:
    // Binds host:port (port 0 picks a free one); throws listen_error when it cannot. `host` may be a name ("localhost"); the first address that binds is used.
    // Raises the process's soft limit on open files to its hard limit, and lowers
    // `limits.max_connections` to fit below it.
    Transport(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port, Handler handler,
              TransportLimits limits = {});
    // Stops (see stop()); connections still open keep the io_context busy until they end.
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    boost::asio::ip::tcp::endpoint local_endpoint() const;
    // "http://HOST:PORT" of the bound endpoint, IPv6 hosts in brackets.
    std::string url() const;

    void start();
    // Stops accepting, closes idle connections, lets requests in flight be answered (with
    // `Connection: close`) and closes those too. Any thread (a signal handler on the io_context
    // is fine); idempotent. Once every connection is gone the transport holds no work, so
    // io_context::run() returns if nothing else keeps it busy.
    void stop();
    // `callback` runs on the io_context once stop() was called and the last connection ended.
    void on_drained(std::function<void()> callback);
    bool drained() const;
    // Open connections, including those being turned away at the cap.
    std::size_t connections() const;

private:
    std::shared_ptr<ConnectionTracker> tracker_;
    std::shared_ptr<Listener> listener_;
};

}  // namespace localorgs::server
