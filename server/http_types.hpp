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

struct TransportLimits {
    std::size_t header_limit = 16 * 1024;
    std::size_t body_limit = 1024 * 1024;
    std::chrono::milliseconds read_timeout{30'000};
    std::size_t max_connections = 1024;
};

}  // namespace localorgs::server
