#pragma once
// Accepts TCP connections and hands each to a session, or turns it away at the connection cap.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>

#include "server/http_session.hpp"

namespace localorgs::server {

class Listener : public std::enable_shared_from_this<Listener> {
public:
    // Binds and listens at once, so a bad address fails here; throws boost::system::system_error.
    Listener(net::io_context& ioc, const tcp::endpoint& endpoint, std::shared_ptr<ConnectionTracker> tracker);

    // The bound address (the real port when 0 was asked for). Any thread.
    tcp::endpoint local_endpoint() const { return endpoint_; }

    void start();
    // Stops accepting, then winds down the tracker's connections. Any thread; idempotent.
    void stop();

private:
    void accept();
    void on_accept(boost::system::error_code ec, tcp::socket socket);

    net::io_context& ioc_;
    tcp::acceptor acceptor_;  // on its own strand; every member below is used only there
    net::steady_timer retry_;
    std::shared_ptr<ConnectionTracker> tracker_;
    tcp::endpoint endpoint_;
    bool stopped_ = false;
};

}  // namespace localorgs::server
