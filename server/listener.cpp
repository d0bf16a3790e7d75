#include "server/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <chrono>

namespace localorgs::server {

namespace {
// Accept fails mostly when file descriptors run out; retrying at once would spin.
constexpr std::chrono::milliseconds kAcceptRetry{50};
}  // namespace

Listener::Listener(net::io_context& ioc, const tcp::endpoint& endpoint,
                   std::shared_ptr<ConnectionTracker> tracker)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_(acceptor_.get_executor()),
      tracker_(std::move(tracker)) {
    acceptor_.open(endpoint.protocol());
    // A restarted server must not wait for the old socket's TIME_WAIT to end.
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    endpoint_ = acceptor_.local_endpoint();
}

void Listener::start() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        if (self->stopped_) return;
        self->stopped_ = true;
        boost::system::error_code ec;
        self->acceptor_.close(ec);
        self->retry_.cancel();
        // On this strand, after the acceptor is closed: no session can be added after this.
        self->tracker_->stop();
    });
}

void Listener::accept() {
    if (stopped_) return;
    // Each connection gets its own strand, so a multi-threaded io_context is safe.
    acceptor_.async_accept(net::make_strand(ioc_),
                           boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (ec) {
        if (ec == net::error::operation_aborted) return;
        retry_.expires_after(kAcceptRetry);
        retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
            if (!wait_ec) self->accept();
        });
        return;
    }
    // Responses go out in one write each; Nagle would only delay pipelined answers.
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (tracker_->serving() >= tracker_->limits().max_connections) {
        turn_away_connection(std::move(socket), tracker_);
    } else {
        serve_connection(std::move(socket), tracker_);
    }
    accept();
}

}  // namespace localorgs::server
