#include "server/admin/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace localorgs::admin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kAnswerLimit = 64 * 1024 * 1024;  // an outbox of many invitations is still far below

}  // namespace

Endpoint parse_endpoint(std::string_view url) {
    auto refuse = [&](const std::string& why) {
        return std::invalid_argument("endpoint '" + std::string(url) + "': " + why);
    };
    constexpr std::string_view kScheme = "http://";
    if (url.starts_with("https://"))
        throw refuse("only http:// is supported (the server does not speak TLS)");
    if (!url.starts_with(kScheme)) throw refuse("expected http://HOST[:PORT], e.g. http://127.0.0.1:4566");
    std::string_view rest = url.substr(kScheme.size());
    std::string_view authority = rest.substr(0, rest.find('/'));
    std::string_view path =
        authority.size() < rest.size() ? rest.substr(authority.size()) : std::string_view();
    if (path.find_first_of("?#") != std::string_view::npos)
        throw refuse("a query or fragment has no place here");
    if (authority.find('@') != std::string_view::npos)
        throw refuse("credentials go in --admin-token, not the URL");

    Endpoint e;
    e.url = std::string(url);
    e.origin = std::string(kScheme) + std::string(authority);
    std::string_view port;
    if (authority.starts_with('[')) {  // IPv6 literal: [::1]:4566
        auto close = authority.find(']');
        if (close == std::string_view::npos) throw refuse("unclosed '[' in the host");
        e.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) throw refuse("expected ':' after ']'");
        if (!after.empty()) port = after.substr(1);
        if (!after.empty() && port.empty()) throw refuse("the port is empty");
    } else {
        auto colon = authority.find(':');
        e.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) throw refuse("the port is empty");
        }
    }
    if (e.host.empty()) throw refuse("the host is missing");
    if (!port.empty()) {
        bool digits = port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos;
        if (!digits || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535)
            throw refuse("the port must be a number from 1 to 65535");
    }
    e.port = port.empty() ? "80" : std::string(port);
    e.base_path = std::string(path);
    while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
    return e;
}

// Beast's blocking calls have no deadline, and an admin command must never hang on a server that
// accepted the connection but does not answer: each step is therefore started asynchronously on a
// private io_context and run to completion before the next, under one overall deadline.
HttpAnswer exchange(const Endpoint& endpoint, const HttpRequest& request, std::chrono::milliseconds timeout) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    auto complete = [&](const char* step) {
        ioc.restart();
        ioc.run();
        if (!ec) return;
        std::string what = ec != beast::error::timeout ? ec.message()
                           : timeout.count() % 1000 == 0
                               ? "no answer within " + std::to_string(timeout.count() / 1000) + " s"
                               : "no answer within " + std::to_string(timeout.count()) + " ms";
        throw connection_error(std::string(step) + " " + endpoint.url + " failed: " + what);
    };

    tcp::resolver resolver(ioc);
    tcp::resolver::results_type addresses;
    resolver.async_resolve(endpoint.host, endpoint.port,
                           [&](beast::error_code e, tcp::resolver::results_type r) {
                               ec = e;
                               addresses = std::move(r);
                           });
    complete("looking up");

    stream.expires_after(timeout);
    stream.async_connect(addresses, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    complete("connecting to");

    auto verb = http::string_to_verb(request.method);
    http::request<http::string_body> req{verb, endpoint.base_path + request.target, 11};
    req.set(http::field::host, endpoint.host.find(':') == std::string::npos
                                   ? endpoint.host + ":" + endpoint.port
                                   : "[" + endpoint.host + "]:" + endpoint.port);
    req.set(http::field::user_agent, "localorgs/" LOCALORGS_VERSION);
    req.set(http::field::accept, "application/json");
    req.keep_alive(false);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (!request.body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = request.body;
    }
    req.prepare_payload();
    http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    complete("sending to");

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kAnswerLimit);
    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    complete("reading the answer of");

    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    auto& res = parser.get();
    return {res.result_int(), std::string(res.reason()), std::move(res.body())};
}

}  // namespace localorgs::admin
