// The HTTP transport over real sockets on 127.0.0.1: framing, keep-alive, limits, shutdown.
#include <doctest/doctest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "server/aws_json.hpp"
#include "server/transport.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using localorgs::server::Handler;
using localorgs::server::Request;
using localorgs::server::Respond;
using localorgs::server::Response;
using localorgs::server::Transport;
using localorgs::server::TransportLimits;
namespace aws_json = localorgs::server::aws_json;
using nlohmann::json;

// Bound on every wait in this file, so a broken server fails a test instead of hanging it.
constexpr auto kWait = 5s;

Response echo(const Request& req) {
    json body = {{"method", std::string(req.method_string())},
                 {"target", std::string(req.target())},
                 {"body", req.body()}};
    return aws_json::success(body.dump(), req.version(), req.keep_alive(), "test-request");
}

Handler echo_handler() {
    return [](Request&& req, Respond respond) {
        if (req.target() == "/throw") throw std::runtime_error("handler bug");
        respond(echo(req));
    };
}

// Answers from threads of its own after a delay, as the database thread will.
class Deferred {
public:
    ~Deferred() {
        std::lock_guard lock(mutex_);
        for (auto& t : threads_) t.join();
    }

    Handler handler(std::chrono::milliseconds delay) {
        return [this, delay](Request&& req, Respond respond) {
            started.fetch_add(1);
            std::lock_guard lock(mutex_);
            threads_.emplace_back([delay, req = std::move(req), respond = std::move(respond)] {
                std::this_thread::sleep_for(delay);
                respond(echo(req));
            });
        };
    }

    std::atomic<int> started{0};

private:
    std::mutex mutex_;
    std::vector<std::thread> threads_;
};

TransportLimits test_limits() {
    TransportLimits limits;
    limits.read_timeout = 2s;
    return limits;
}

// The transport on a two-thread io_context, so strands are exercised.
class Server {
public:
    explicit Server(Handler handler, TransportLimits limits = test_limits()) {
        transport_.emplace(ioc_, "127.0.0.1", 0, std::move(handler), limits);
        transport_->start();
        for (int i = 0; i < 2; ++i) {
            threads_.emplace_back([this] {
                ioc_.run();
                std::lock_guard lock(mutex_);
                ++finished_;
                done_.notify_all();
            });
        }
    }

    ~Server() {
        const bool returned = stop_and_wait();
        CHECK_MESSAGE(returned, "io_context::run() did not return after stop()");
        if (!returned) ioc_.stop();
        for (auto& t : threads_) t.join();
    }

    Transport& transport() { return *transport_; }
    tcp::endpoint endpoint() const { return transport_->local_endpoint(); }

    // True when run() returned on every thread.
    bool stop_and_wait() {
        transport_->stop();
        std::unique_lock lock(mutex_);
        return done_.wait_for(lock, kWait, [&] { return finished_ == threads_.size(); });
    }

private:
    net::io_context ioc_;
    std::optional<Transport> transport_;
    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable done_;
    std::size_t finished_ = 0;
};

// A client whose every operation is bounded by kWait.
class Client {
public:
    explicit Client(const tcp::endpoint& endpoint) {
        stream_.expires_after(kWait);
        beast::error_code ec;
        stream_.async_connect(endpoint, [&](beast::error_code e) { ec = e; });
        run();
        REQUIRE_MESSAGE(!ec, ec.message());
    }

    bool send(std::string_view raw) {
        stream_.expires_after(kWait);
        beast::error_code ec;
        net::async_write(stream_, net::buffer(raw), [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        return !ec;
    }

    // Nothing when the connection ended or failed instead. The answer to a HEAD request has a
    // Content-Length but no body, which the parser must be told.
    std::optional<http::response<http::string_body>> receive(bool to_head = false) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(boost::none);
        parser.skip(to_head);
        stream_.expires_after(kWait);
        beast::error_code ec;
        http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        if (ec) return std::nullopt;
        return parser.release();
    }

    // True when the server closed the connection (EOF or reset) with no further bytes.
    bool closed_by_server() {
        if (buffer_.size() != 0) return false;
        char byte;
        stream_.expires_after(kWait);
        beast::error_code ec;
        stream_.async_read_some(net::buffer(&byte, 1), [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        return ec == net::error::eof || ec == net::error::connection_reset;
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

private:
    void run() {
        ioc_.restart();
        ioc_.run();
    }

    net::io_context ioc_;
    beast::tcp_stream stream_{ioc_};
    beast::flat_buffer buffer_;
};

std::string post(std::string_view target, std::string_view body, std::string_view extra = "") {
    std::string raw = "POST " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n";
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    raw += extra;
    raw += "\r\n";
    raw += body;
    return raw;
}

// Not `"/" + std::to_string(i)`: GCC 12 warns falsely (-Wrestrict) on that at -O3.
std::string numbered(std::string prefix, int i) {
    prefix += std::to_string(i);
    return prefix;
}

json body_of(const http::response<http::string_body>& res) {
    return json::parse(res.body());
}

// One request on a fresh connection; the body of the answer, or null when there was none.
json round_trip(const tcp::endpoint& endpoint, std::string_view target) {
    Client client(endpoint);
    if (!client.send(post(target, "{}"))) return nullptr;
    auto res = client.receive();
    if (!res || res->result() != http::status::ok) return nullptr;
    return body_of(*res);
}

}  // namespace

TEST_CASE("transport: binds port 0 and reports the real endpoint") {
    Server server(echo_handler());
    CHECK(server.endpoint().port() != 0);
    CHECK(server.transport().url() == "http://127.0.0.1:" + std::to_string(server.endpoint().port()));
}

TEST_CASE("transport: keep-alive serves several requests on one connection") {
    Server server(echo_handler());
    Client client(server.endpoint());
    for (int i = 0; i < 3; ++i) {
        const auto target = numbered("/req", i);
        const auto payload = R"({"n":)" + std::to_string(i) + "}";
        REQUIRE(client.send(post(target, payload)));
        auto res = client.receive();
        REQUIRE(res);
        CHECK(res->result() == http::status::ok);
        CHECK(res->keep_alive());
        CHECK((*res)[http::field::content_type] == aws_json::kContentType);
        const auto body = body_of(*res);
        CHECK(body["method"] == "POST");
        CHECK(body["target"] == target);
        CHECK(body["body"] == payload);
    }
}

TEST_CASE("transport: pipelined requests are answered in order") {
    Deferred deferred;
    Server server(deferred.handler(5ms));
    Client client(server.endpoint());
    std::string burst;
    for (int i = 0; i < 10; ++i) burst += post(numbered("/", i), numbered("body", i));
    REQUIRE(client.send(burst));
    for (int i = 0; i < 10; ++i) {
        auto res = client.receive();
        REQUIRE(res);
        const auto body = body_of(*res);
        CHECK(body["target"] == numbered("/", i));
        CHECK(body["body"] == numbered("body", i));
    }
}

// Found by fuzzing (tests/fuzz/http_request): the AWS API answered `HEAD /` with an error body, and
// the client read that body as the start of the next answer on the connection.
TEST_CASE("transport: a HEAD answer has the GET's Content-Length and no body; the next answer is intact") {
    Server server(echo_handler());
    Client client(server.endpoint());
    REQUIRE(client.send("HEAD /head HTTP/1.1\r\nHost: localhost\r\n\r\n" + post("/after", "{}")));
    auto head = client.receive(true);
    REQUIRE(head);
    CHECK(head->result() == http::status::ok);
    CHECK(head->keep_alive());
    const auto full = echo(Request{http::verb::head, "/head", 11});
    CHECK((*head)[http::field::content_length] == std::to_string(full.body().size()));
    CHECK(head->body().empty());
    auto next = client.receive();
    REQUIRE(next);
    CHECK(next->result() == http::status::ok);
    CHECK(body_of(*next)["target"] == "/after");
}

TEST_CASE("transport: a chunked request body arrives whole") {
    Server server(echo_handler());
    Client client(server.endpoint());
    REQUIRE(
        client.send("POST /chunked HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n"
                    "6\r\n world\r\n"
                    "0\r\n\r\n"));
    auto res = client.receive();
    REQUIRE(res);
    CHECK(body_of(*res)["body"] == "hello world");
}

TEST_CASE("transport: a body over the limit is refused with 413 and the connection closed") {
    auto limits = test_limits();
    limits.body_limit = 1024;
    Server server(echo_handler(), limits);

    SUBCASE("declared by Content-Length") {
        Client client(server.endpoint());
        // The whole body is sent, as clients do before reading: the server must read past it
        // rather than reset the connection under the 413.
        REQUIRE(client.send(post("/big", std::string(256 * 1024, 'x'))));
        auto res = client.receive();
        REQUIRE(res);
        CHECK(res->result() == http::status::payload_too_large);
        CHECK_FALSE(res->keep_alive());
        CHECK(body_of(*res)["__type"] == "RequestEntityTooLargeException");
        CHECK((*res)["X-Amzn-ErrorType"] == "RequestEntityTooLargeException");
        CHECK(client.closed_by_server());
    }
    SUBCASE("chunked, exceeding the limit mid-way") {
        Client client(server.endpoint());
        std::string raw = "POST /big HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 8; ++i) raw += "200\r\n" + std::string(512, 'y') + "\r\n";
        raw += "0\r\n\r\n";
        REQUIRE(client.send(raw));
        auto res = client.receive();
        REQUIRE(res);
        CHECK(res->result() == http::status::payload_too_large);
        CHECK(body_of(*res)["__type"] == "RequestEntityTooLargeException");
        CHECK(client.closed_by_server());
    }
    // The server is unharmed.
    CHECK(round_trip(server.endpoint(), "/after")["target"] == "/after");
}

TEST_CASE("transport: a header over the limit is refused and the connection closed") {
    auto limits = test_limits();
    limits.header_limit = 1024;
    Server server(echo_handler(), limits);
    Client client(server.endpoint());
    REQUIRE(client.send(post("/flood", "{}", "X-Flood: " + std::string(64 * 1024, 'h') + "\r\n")));
    auto res = client.receive();
    REQUIRE(res);
    CHECK(res->result() == http::status::request_header_fields_too_large);
    CHECK(body_of(*res)["__type"] == "RequestEntityTooLargeException");
    CHECK(client.closed_by_server());
    CHECK(round_trip(server.endpoint(), "/after")["target"] == "/after");
}

TEST_CASE("transport: malformed HTTP gets 400 and the connection closed") {
    Server server(echo_handler());
    Client client(server.endpoint());
    REQUIRE(client.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: nope\r\n\r\n"));
    auto res = client.receive();
    REQUIRE(res);
    CHECK(res->result() == http::status::bad_request);
    CHECK(client.closed_by_server());
    CHECK(round_trip(server.endpoint(), "/after")["target"] == "/after");
}

TEST_CASE("transport: the read timeout closes a silent client") {
    auto limits = test_limits();
    limits.read_timeout = 200ms;
    Server server(echo_handler(), limits);

    SUBCASE("silent from the start") {
        Client client(server.endpoint());
        CHECK(client.closed_by_server());
    }
    SUBCASE("idle after a request") {
        Client client(server.endpoint());
        REQUIRE(client.send(post("/one", "{}")));
        REQUIRE(client.receive());
        CHECK(client.closed_by_server());
    }
    SUBCASE("stalled mid-header") {
        Client client(server.endpoint());
        REQUIRE(client.send("POST / HTTP/1.1\r\nHost: loc"));
        CHECK(client.closed_by_server());
    }
    SUBCASE("stalled mid-body") {
        Client client(server.endpoint());
        REQUIRE(client.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"Max"));
        CHECK(client.closed_by_server());
    }
    SUBCASE("dripping a byte at a time does not extend the deadline") {
        // A client that keeps sending, slowly, never completes a header of this length within
        // kWait; the server must cut it off at the read timeout rather than wait for every byte.
        Client client(server.endpoint());
        const std::string header = "POST / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(1000, 's');
        bool cut_off = false;
        for (char byte : header) {
            if (!client.send(std::string_view(&byte, 1))) {
                cut_off = true;
                break;
            }
            std::this_thread::sleep_for(10ms);
        }
        CHECK(cut_off);
    }
    CHECK(server.transport().connections() <= 1);
}

TEST_CASE("transport: connections over the cap get 503") {
    auto limits = test_limits();
    limits.max_connections = 2;
    Server server(echo_handler(), limits);

    std::optional<Client> first(server.endpoint());
    Client second(server.endpoint());
    // A round trip on each proves both were accepted and counted.
    REQUIRE(first->send(post("/1", "{}")));
    REQUIRE(first->receive());
    REQUIRE(second.send(post("/2", "{}")));
    REQUIRE(second.receive());

    Client third(server.endpoint());
    REQUIRE(third.send(post("/3", "{}")));
    auto res = third.receive();
    REQUIRE(res);
    CHECK(res->result() == http::status::service_unavailable);
    CHECK(body_of(*res)["__type"] == "ServiceUnavailableException");
    CHECK((*res)["X-Amzn-ErrorType"] == "ServiceUnavailableException");
    CHECK(third.closed_by_server());

    // A slot frees once the server has seen the first client go; until then, still 503.
    first->close();
    first.reset();
    json answer;
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (answer.is_null() && std::chrono::steady_clock::now() < deadline) {
        answer = round_trip(server.endpoint(), "/4");
        if (answer.is_null()) std::this_thread::sleep_for(10ms);
    }
    CHECK(answer["target"] == "/4");
}

TEST_CASE("transport: stop() answers the request in flight, closes idle ones, and run() returns") {
    Deferred deferred;
    Server server(deferred.handler(300ms));
    std::atomic<bool> drained{false};
    server.transport().on_drained([&] { drained = true; });

    Client idle(server.endpoint());
    Client busy(server.endpoint());
    REQUIRE(busy.send(post("/slow", "{}")));
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (deferred.started == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    REQUIRE(deferred.started == 1);

    server.transport().stop();
    auto res = busy.receive();
    REQUIRE(res);
    CHECK(res->result() == http::status::ok);
    CHECK_FALSE(res->keep_alive());
    CHECK(body_of(*res)["target"] == "/slow");
    CHECK(busy.closed_by_server());
    CHECK(idle.closed_by_server());

    // Clients close on `Connection: close`; until they do, the server lingers (bounded).
    busy.close();
    idle.close();
    CHECK(server.stop_and_wait());
    CHECK(drained);
    CHECK(server.transport().drained());
}

TEST_CASE("transport: stop() with no connections lets run() return") {
    Server server(echo_handler());
    CHECK(server.stop_and_wait());
    CHECK(server.transport().drained());
}

TEST_CASE("transport: HTTP/1.0 requests are answered and closed") {
    Server server(echo_handler());
    Client client(server.endpoint());
    REQUIRE(client.send("GET /ten HTTP/1.0\r\n\r\n"));
    auto res = client.receive();
    REQUIRE(res);
    CHECK(res->version() == 10);
    CHECK(res->result() == http::status::ok);
    CHECK(body_of(*res)["method"] == "GET");
    CHECK(body_of(*res)["target"] == "/ten");
    CHECK(client.closed_by_server());
}

TEST_CASE("transport: a throwing handler yields 500 ServiceException and the server carries on") {
    Server server(echo_handler());
    Client client(server.endpoint());
    REQUIRE(client.send(post("/throw", "{}")));
    auto res = client.receive();
    REQUIRE(res);
    CHECK(res->result() == http::status::internal_server_error);
    CHECK(body_of(*res)["__type"] == "ServiceException");
    CHECK((*res)["X-Amzn-ErrorType"] == "ServiceException");
    // Same connection, next request.
    REQUIRE(client.send(post("/fine", "{}")));
    auto next = client.receive();
    REQUIRE(next);
    CHECK(body_of(*next)["target"] == "/fine");
}
