#include "server/transport.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/system_error.hpp>
#include <optional>

#include "server/http_session.hpp"
#include "server/listener.hpp"

namespace localorgs::server {

namespace {

// Descriptors the process needs besides the connections it serves: standard streams, the
// listening socket, the reactor's own, the database files, and connections being turned away.
constexpr rlim_t kSpareDescriptors = 64;

// The connection cap must bind before the descriptor limit does: at the descriptor limit accept()
// fails, and a client waits unanswered in the listen backlog instead of getting the cap's 503. So
// the soft limit is raised as far as the hard one allows (as the Go runtime does at start), and
// the cap lowered to what is left below it.
TransportLimits within_descriptor_limit(TransportLimits limits) {
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0) return limits;
    if (files.rlim_max != RLIM_INFINITY && files.rlim_cur < files.rlim_max) {
        rlimit raised{files.rlim_max, files.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) files = raised;
    }
    if (files.rlim_cur == RLIM_INFINITY) return limits;
    const rlim_t room =
        files.rlim_cur > 2 * kSpareDescriptors ? files.rlim_cur - kSpareDescriptors : files.rlim_cur / 2;
    limits.max_connections = std::min<std::size_t>(limits.max_connections, std::max<rlim_t>(room, 1));
    return limits;
}

}  // namespace

Transport::Transport(net::io_context& ioc, const std::string& host, std::uint16_t port, Handler handler,
                     TransportLimits limits)
    : tracker_(std::make_shared<ConnectionTracker>(ioc.get_executor(), std::move(handler),
                                                   within_descriptor_limit(limits))) {
    const std::string where = host + ":" + std::to_string(port);
    tcp::resolver resolver(ioc);
    boost::system::error_code ec;
    const auto results =
        resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
        throw listen_error("cannot listen on " + where + ": the host name " + host + " cannot be resolved (" +
                               (ec ? ec.message() : std::string("no address")) + ")",
                           listen_error::Why::host_unknown);
    std::optional<boost::system::error_code> last;
    for (const auto& entry : results) {
        try {
            listener_ = std::make_shared<Listener>(ioc, entry.endpoint(), tracker_);
            return;
        } catch (const boost::system::system_error& e) {
            last = e.code();
        }
    }
    // Only the error's own words: what() would add a library source location.
    const auto code = *last;
    if (code == boost::system::errc::address_in_use)
        throw listen_error("cannot listen on " + where + ": the address is already in use (another localorgs, or "
                                                         "another program, listens there)",
                           listen_error::Why::address_in_use);
    if (code == boost::system::errc::address_not_available)
        throw listen_error("cannot listen on " + where + ": " + host + " is not an address of this machine",
                           listen_error::Why::address_not_local);
    if (code == boost::system::errc::permission_denied)
        throw listen_error("cannot listen on " + where + ": permission denied (ports below 1024 need root or the "
                                                         "CAP_NET_BIND_SERVICE capability)",
                           listen_error::Why::permission_denied);
    throw listen_error("cannot listen on " + where + ": " + code.message(), listen_error::Why::other);
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
