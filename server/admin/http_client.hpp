#pragma once
// The admin CLI's side of the control plane's HTTP contract: one blocking request, one answer.
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace localorgs::admin {

// Where the server is: only plain http, since the server speaks nothing else.
struct Endpoint {
    std::string host;       // without the brackets of an IPv6 literal
    std::string port;       // "80" when the URL names none
    std::string base_path;  // a prefix before /_localorgs (a reverse proxy's), no trailing '/'
    std::string url;        // as given, for messages
    std::string origin;     // http://HOST[:PORT] as given, without the base path
};

// Throws std::invalid_argument saying what is wrong with `url`.
Endpoint parse_endpoint(std::string_view url);

struct HttpAnswer {
    unsigned status = 0;
    std::string reason;
    std::string body;
};

// The server could not be reached, or did not answer in time.
struct connection_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct HttpRequest {
    std::string method;  // GET, PUT, POST, DELETE
    std::string target;  // path and query, appended to the endpoint's base path
    std::string body;    // sent as application/json when not empty
    std::vector<std::pair<std::string, std::string>> headers;
};

HttpAnswer exchange(const Endpoint& endpoint, const HttpRequest& request,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace localorgs::admin
