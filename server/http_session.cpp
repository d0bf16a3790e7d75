#include "server/http_session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>
#include <optional>
#include <vector>

#include "model/errors.hpp"
#include "server/aws_json.hpp"
#include "server/log.hpp"

namespace localorgs::server {

namespace {
// How long a request that had begun arriving when the server was told to stop may still take.
constexpr std::chrono::milliseconds kStopGrace{1000};
}  // namespace

ConnectionTracker::ConnectionTracker(net::any_io_executor executor, Handler handler, TransportLimits limits)
    : executor_(std::move(executor)), handler_(std::move(handler)), limits_(limits) {}

std::size_t ConnectionTracker::live() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
}

bool ConnectionTracker::drained() const {
    std::lock_guard lock(mutex_);
    return drained_;
}

void ConnectionTracker::stop() {
    // Declared before the lock: if one of these is the last owner of its session, the session's
    // destructor calls remove(), which takes the mutex.
    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(mutex_);
        if (stopping_.exchange(true, std::memory_order_acq_rel)) return;
        open.reserve(connections_.size());
        for (auto& [id, weak] : connections_) {
            if (auto c = weak.lock()) open.push_back(std::move(c));
        }
        notify_if_drained();
    }
    for (auto& c : open) c->wind_down();
}

void ConnectionTracker::on_drained(std::function<void()> callback) {
    std::lock_guard lock(mutex_);
    if (drained_) {
        net::post(executor_, std::move(callback));
    } else {
        on_drained_ = std::move(callback);
    }
}

std::uint64_t ConnectionTracker::add(std::weak_ptr<Connection> connection, bool counted) {
    std::lock_guard lock(mutex_);
    const auto id = ++next_id_;
    connections_.emplace(id, std::move(connection));
    if (counted) serving_.fetch_add(1, std::memory_order_acq_rel);
    return id;
}

void ConnectionTracker::remove(std::uint64_t id, bool counted) {
    std::lock_guard lock(mutex_);
    if (connections_.erase(id) == 0) return;
    if (counted) serving_.fetch_sub(1, std::memory_order_acq_rel);
    notify_if_drained();
}

void ConnectionTracker::notify_if_drained() {
    if (drained_ || !stopping() || !connections_.empty()) return;
    drained_ = true;
    // Posted rather than called: remove() runs inside a session's destructor, possibly on a
    // thread that is not the io_context's.
    if (on_drained_) net::post(executor_, std::move(on_drained_));
}

namespace {

namespace beast = boost::beast;
using model::api_error;
using model::error_code;

// After answering with `Connection: close` the server keeps reading (and discarding) for at most
// this long: closing a socket with unread input makes the kernel send RST, which can destroy the
// answer before the client has read it (a 413 sent while the client is still sending the body).
constexpr std::chrono::milliseconds kMaxLinger{2'000};
constexpr std::size_t kDiscardChunk = 16 * 1024;

bool is_http_error(const beast::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

Response too_many_connections() {
    return aws_json::error(wire_error(protocol_code::ServiceUnavailableException), 11, false);
}

class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(tcp::socket&& socket, std::shared_ptr<ConnectionTracker> tracker, bool counted)
        : stream_(std::move(socket)), tracker_(std::move(tracker)), counted_(counted) {}

    ~HttpSession() override { tracker_->remove(id_, counted_); }

    void start() {
        id_ = tracker_->add(weak_from_this(), counted_);
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
    }

    void start_turning_away() {
        id_ = tracker_->add(weak_from_this(), counted_);
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            self->request_keep_alive_ = false;
            self->send(too_many_connections());
        });
    }

    void wind_down() override {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            // Only a connection with no byte of a next request is idle; one that has begun a
            // request gets a short grace to finish it, so a stalled client cannot hold up the
            // shutdown for a whole read timeout.
            if (self->state_ != State::reading) return;
            if (self->buffer_.size() == 0 && self->parser_ && !self->parser_->got_some()) {
                self->close_now();
            } else {
                // tcp_stream ignores a new expiry while a read is pending, hence a timer of our own.
                self->stop_timer_.emplace(self->stream_.get_executor());
                self->stop_timer_->expires_after(
                    std::min<std::chrono::milliseconds>(self->tracker_->limits().read_timeout, kStopGrace));
                self->stop_timer_->async_wait([self](beast::error_code ec) {
                    if (!ec && self->state_ == State::reading) self->close_now();
                });
            }
        });
    }

    // The Respond handed to the handler. A named type rather than a lambda so the member order
    // is fixed: `session` is released before `work`, so the io_context cannot run out of work
    // (and run() return) while this may still destroy the session.
    struct Responder {
        net::any_io_executor work;
        std::shared_ptr<HttpSession> session;
        std::uint64_t seq;

        void operator()(Response res) const {
            if (!session->claim(seq)) return;
            net::post(work, [s = session, res = std::move(res)]() mutable { s->send(std::move(res)); });
        }
    };

private:
    enum class State { reading, handling, writing, closing, closed };

    void read_request() {
        if (tracker_->stopping()) return close_gracefully();
        state_ = State::reading;
        request_head_ = false;
        const auto& limits = tracker_->limits();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(limits.header_limit, std::numeric_limits<std::uint32_t>::max())));
        parser_->body_limit(static_cast<std::uint64_t>(limits.body_limit));
        stream_.expires_after(limits.read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (state_ != State::reading) return;  // closed by wind_down
        if (ec) return on_read_error(ec);

        const auto& req = parser_->get();
        request_version_ = req.version();
        request_keep_alive_ = req.keep_alive();
        request_head_ = req.method() == http::verb::head;
        state_ = State::handling;
        // The handler may wait on the database as long as it needs.
        stream_.expires_never();

        const auto seq = ++issued_;
        Responder respond{net::prefer(stream_.get_executor(), net::execution::outstanding_work.tracked),
                          shared_from_this(), seq};
        try {
            tracker_->handler()(parser_->release(), std::move(respond));
        } catch (...) {
            log::error("request handler threw; answering 500 ServiceException");
            // If the handler answered before throwing, that answer stands.
            if (claim(seq)) {
                send(aws_json::error(api_error(error_code::ServiceException), request_version_,
                                     request_keep_alive_));
            }
        }
    }

    void on_read_error(const beast::error_code& ec) {
        if (ec == http::error::body_limit) {
            return refuse(wire_error(protocol_code::RequestEntityTooLargeException), std::nullopt);
        }
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            return refuse(wire_error(protocol_code::RequestEntityTooLargeException,
                                    "The request header is larger than this server accepts."),
                          http::status::request_header_fields_too_large);
        }
        // Client went away (cleanly or mid-request), timed out, or the socket failed.
        if (!is_http_error(ec) || ec == http::error::end_of_stream || ec == http::error::partial_message ||
            ec == http::error::short_read) {
            return close_now();
        }
        refuse(wire_error(protocol_code::SerializationException, "The request is not valid HTTP/1.1."),
               http::status::bad_request);
    }

    // Answers a request that cannot be read to the end, then closes: the rest of the stream
    // can no longer be framed.
    void refuse(const wire_error& e, std::optional<http::status> status) {
        const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
        request_keep_alive_ = false;
        auto res = aws_json::error(e, version, false);
        if (status) res.result(*status);
        send(std::move(res));
    }

    bool claim(std::uint64_t seq) noexcept {
        auto expected = seq - 1;
        return answered_.compare_exchange_strong(expected, seq, std::memory_order_acq_rel);
    }

    void send(Response&& res) {
        const bool keep = res.keep_alive() && request_keep_alive_ && !tracker_->stopping();
        res_ = std::move(res);
        res_.keep_alive(keep);
        if (!res_.has_content_length() && !res_.chunked()) res_.prepare_payload();
        if (request_head_) drop_body_for_head(res_);
        state_ = State::writing;
        // A client that stops reading must not pin the connection.
        stream_.expires_after(tracker_->limits().read_timeout);
        http::async_write(stream_, res_,
                          beast::bind_front_handler(&HttpSession::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return close_now();
        if (res_.need_eof()) return close_gracefully();
        read_request();
    }

    void close_gracefully() {
        state_ = State::closing;
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) return close_now();
        buffer_.consume(buffer_.size());
        stream_.expires_after(
            std::min<std::chrono::milliseconds>(tracker_->limits().read_timeout, kMaxLinger));
        discard();
    }

    void discard() {
        stream_.async_read_some(buffer_.prepare(kDiscardChunk),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->close_now();
                                    self->discard();
                                });
    }

    void close_now() {
        state_ = State::closed;
        if (stop_timer_) stop_timer_->cancel();  // it holds the session alive
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

    beast::tcp_stream stream_;
    // Kept across requests: it may already hold the start of the next one.
    beast::flat_buffer buffer_;
    std::optional<net::steady_timer> stop_timer_;
    // A parser is single-use; emplaced afresh for each request.
    std::optional<http::request_parser<http::string_body>> parser_;
    // Must live until async_write completes.
    Response res_;
    const std::shared_ptr<ConnectionTracker> tracker_;
    const bool counted_;
    std::uint64_t id_ = 0;
    State state_ = State::reading;
    unsigned request_version_ = 11;
    bool request_keep_alive_ = true;
    bool request_head_ = false;
    std::uint64_t issued_ = 0;                // sequence of the request being handled
    std::atomic<std::uint64_t> answered_{0};  // sequence of the last request answered
};

}  // namespace

void serve_connection(tcp::socket socket, std::shared_ptr<ConnectionTracker> tracker) {
    std::make_shared<HttpSession>(std::move(socket), std::move(tracker), true)->start();
}

void turn_away_connection(tcp::socket socket, std::shared_ptr<ConnectionTracker> tracker) {
    std::make_shared<HttpSession>(std::move(socket), std::move(tracker), false)->start_turning_away();
}

}  // namespace localorgs::server
