#include "server/transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/system_error.hpp>
#include <optional>

#include "server/http_session.hpp"
#include "server/listener.hpp"

namespace localorgs::server {

Transport::Transport(net::io_context& ioc, const std::string& host, std::uint16_t port, Handler handler,
                     TransportLimits limits)
    : tracker_(std::make_shared<ConnectionTracker>(ioc.get_executor(), std::move(handler), limits)) {
    tcp::resolver resolver(ioc);
    const auto results =
        resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service);
    std::optional<boost::system::system_error> last;
    for (const auto& entry : results) {
        try {
            listener_ = std::make_shared<Listener>(ioc, entry.endpoint(), tracker_);
            return;
        } catch (const boost::system::system_error& e) {
            last = e;
        }
    }
    if (last) throw *last;
    throw boost::system::system_error(net::error::host_not_found, "resolve " + host);
}

Transport::~Transport() {
    if (listener_) listener_->stop();
}

tcp::endpoint Transport::local_endpoint() const {
    return listener_->local_endpoint();
}

std::string Transport::url() const {
    const auto ep = local_endpoint();
    const auto address = ep.address().to_string();
    const auto host = ep.address().is_v6() ? "[" + address + "]" : address;
    return "http://" + host + ":" + std::to_string(ep.port());
}

void Transport::start() {
    listener_->start();
}

void Transport::stop() {
    listener_->stop();
}

void Transport::on_drained(std::function<void()> callback) {
    tracker_->on_drained(std::move(callback));
}

bool Transport::drained() const {
    return tracker_->drained();
}

std::size_t Transport::connections() const {
    return tracker_->live();
}

}  // namespace localorgs::server
