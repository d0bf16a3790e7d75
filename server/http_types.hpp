#pragma once
// What the transport hands to request handling, and gets back.
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <functional>

namespace localorgs::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Called exactly once with the answer; may be called from any thread.
using Respond = std::function<void(Response)>;
// A plain function from request to response (asynchronous, so database work can run elsewhere).
using Handler = std::function<void(Request&&, Respond)>;

// The answer to a HEAD request is the header a GET would get, without the body (RFC 9110 9.3.2):
// the Content-Length stays, the bytes go, or the client would read them as the start of the next
// answer. The session applies this to every answer, so handlers need not care.
inline void drop_body_for_head(Response& res) {
    if (res.body().empty()) return;
    res.content_length(res.body().size());
    res.body().clear();
}

struct TransportLimits {
    std::size_t header_limit = 16 * 1024;
    std::size_t body_limit = 1024 * 1024;
    std::chrono::milliseconds read_timeout{30'000};
    std::size_t max_connections = 1024;
};

}  // namespace localorgs::server
