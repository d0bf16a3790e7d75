// The transport ceiling of this machine: the least an HTTP/1.1 server on Boost.Beast does per
// request (read with limits and a timeout, keep-alive, write a fixed answer), with none of the
// work localorgs does (JSON, identity, validation, SQLite). bench/run measures it beside
// localorgs with the same load, so "share of the ceiling" says how much of the machine's
// capacity localorgs leaves on the table.
//
//   localorgs_ceiling [--host 127.0.0.1] [--port 0] [--threads 2]
//
// Prints `localorgs_ceiling listening on http://HOST:PORT` once bound; SIGINT/SIGTERM stop it.
#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Shaped and sized like localorgs' DescribeOrganization answer, so both put the same bytes on
// the wire.
constexpr std::string_view kBody =
    R"({"Organization":{"Arn":"arn:aws:organizations::111111111111:organization/o-aaaaaaaaaa",)"
    R"("AvailablePolicyTypes":[{"Status":"ENABLED","Type":"SERVICE_CONTROL_POLICY"}],"FeatureSet":"ALL",)"
    R"("Id":"o-aaaaaaaaaa","MasterAccountArn":"arn:aws:organizations::111111111111:account/o-aaaaaaaaaa/)"
    R"(111111111111","MasterAccountEmail":"account-111111111111@example.com","MasterAccountId":"111111111111"}})";

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 1024 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);

class Session : public std::enable_shared_from_this<Session> {
public:
    explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {}

    void start() {
        // Run on the connection's strand from the first operation on.
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
    }

private:
    void read() {
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(kBodyLimit);
        stream_.expires_after(kIdleTimeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec) return close();
        const auto& req = parser_->get();
        response_ = {};
        response_.version(req.version());
        response_.keep_alive(req.keep_alive());
        if (req.method() == http::verb::post) {
            response_.result(http::status::ok);
            response_.set(http::field::content_type, "application/x-amz-json-1.1");
            response_.set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
            response_.body() = kBody;
        } else {
            response_.result(http::status::method_not_allowed);
        }
        response_.prepare_payload();
        http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec || !self->response_.keep_alive()) return self->close();
            self->read();
        });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(asio::io_context& ioc, const tcp::endpoint& endpoint) : ioc_(ioc), acceptor_(ioc) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }

    tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void accept() {
        acceptor_.async_accept(asio::make_strand(ioc_),
                               [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                                   if (ec == asio::error::operation_aborted) return;
                                   if (!ec) {
                                       socket.set_option(tcp::no_delay(true), ec);
                                       std::make_shared<Session>(std::move(socket))->start();
                                   }
                                   self->accept();
                               });
    }
    void stop() {
        beast::error_code ignored;
        acceptor_.close(ignored);
    }

private:
    asio::io_context& ioc_;
    tcp::acceptor acceptor_;
};

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: localorgs_ceiling [--host 127.0.0.1] [--port 0] [--threads 2]\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    int threads = 2;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (i + 1 >= argc) usage();
        if (arg == "--host")
            host = argv[++i];
        else if (arg == "--port")
            port = static_cast<unsigned short>(std::atoi(argv[++i]));
        else if (arg == "--threads")
            threads = std::max(1, std::atoi(argv[++i]));
        else
            usage();
    }

    try {
        asio::io_context ioc(threads);
        auto listener = std::make_shared<Listener>(ioc, tcp::endpoint(asio::ip::make_address(host), port));
        listener->accept();
        const auto bound = listener->local_endpoint();
        std::printf("localorgs_ceiling listening on http://%s:%u\n", bound.address().to_string().c_str(),
                    unsigned(bound.port()));
        std::fflush(stdout);

        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](beast::error_code, int) {
            listener->stop();
            ioc.stop();  // a benchmark baseline: no need to drain
        });

        std::vector<std::thread> pool;
        for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
        ioc.run();
        for (auto& t : pool) t.join();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "localorgs_ceiling: %s\n", e.what());
        return 1;
    }
    return 0;
}
