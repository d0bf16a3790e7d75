#pragma once
// The control plane as a table, like the AWS operation table (server/operations/): a route is a
// method, a path pattern with {Name} captures, who may call it, and a small function. The table,
// not the functions, answers a path no route has (404), a method the path's routes lack (405 with
// Allow), a caller without the admin token (401), and turns what a function returns or throws
// into the answer.
#include <array>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "model/clock.hpp"
#include "model/repository.hpp"
#include "model/service.hpp"
#include "server/faults.hpp"
#include "server/http_types.hpp"

namespace localorgs::server {
class RequestRing;
}

namespace localorgs::server::control {

using nlohmann::json;

// A refusal: {"Error", "Message"} with a 4xx status. Route functions throw it.
struct Refusal {
    http::status status;
    std::string error;
    std::string message;
};
[[noreturn]] void bad_request(std::string message);  // 400 InvalidRequest
[[noreturn]] void not_found(std::string message);    // 404 NotFound

// The values of a path's {Name} segments, in the pattern's order. They point into the path.
class Captures {
public:
    static constexpr std::size_t kMax = 4;
    std::string_view operator[](std::size_t i) const { return i < size_ ? values_[i] : std::string_view(); }
    std::size_t size() const { return size_; }
    void clear() { size_ = 0; }
    bool push(std::string_view v) {
        if (size_ == kMax) return false;
        values_[size_++] = v;
        return true;
    }

private:
    std::array<std::string_view, kMax> values_{};
    std::size_t size_ = 0;
};

// Whether `path` has the shape of `pattern` ("/_localorgs/accounts/{AccountId}"): the same
// segments, where a {Name} segment matches any one non-empty segment and is captured.
bool match(std::string_view pattern, std::string_view path, Captures& captures);

// What a route function decided: an answer now, or work on the repository whose result is the
// answer's body.
struct Outcome {
    enum class Kind {
        body,      // answer `body` with `status` now
        response,  // answer `response` as it is (static files, redirects)
        write,     // run `work` on the database thread, in order with the API's writes
        read,      // run `work` on a snapshot beside the writer when the store can, else as a write
    };
    Kind kind = Kind::body;
    http::status status = http::status::ok;
    json body;
    Response response;
    std::function<json(model::Repository&)> work;

    static Outcome answer(json body, http::status status = http::status::ok) {
        Outcome o;
        o.body = std::move(body);
        o.status = status;
        return o;
    }
    static Outcome full(Response response) {
        Outcome o;
        o.kind = Kind::response;
        o.response = std::move(response);
        return o;
    }
    static Outcome write(std::function<json(model::Repository&)> work) {
        Outcome o;
        o.kind = Kind::write;
        o.work = std::move(work);
        return o;
    }
    static Outcome read(std::function<json(model::Repository&)> work) {
        Outcome o;
        o.kind = Kind::read;
        o.work = std::move(work);
        return o;
    }
};

// What route functions work with: the emulator's parts the control plane drives.
struct Context {
    model::Service& service;
    model::SystemClock& clock;
    FaultRegistry& faults;
    // The latest API calls, and the count of changes the console polls (server/request_ring.hpp).
    RequestRing& requests;
    // Re-creates the configured state after a reset (inside the reset's transaction).
    std::function<void(model::Repository&)> reseed;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// One request on its way through a route.
struct Call {
    const Request& request;
    const Captures& captures;
    Context& context;
};

enum class Access {
    open,   // anyone: the health checks, which container health checks call without credentials
    admin,  // the admin token when one is set
};

struct Route {
    http::verb method;
    std::string_view pattern;
    Access access;
    Outcome (*run)(const Call&);
};

// The routes, by family: the control plane's own (routes.cpp) and the console's
// (console_routes.cpp).
std::span<const Route> routes() noexcept;
std::span<const Route> console_routes() noexcept;

// --- helpers for route functions ----------------------------------------------------------------

// The body as a flat JSON object whose members are all in `allowed` (empty: the route checks the
// names) and all scalars (an empty body is {}); anything else is a 400. Nesting is refused while
// parsing, never built.
json body_object(const Request& req, std::initializer_list<std::string_view> allowed);
// body[key] as an integer within [lo, hi], else a 400 naming the member.
long long integer_member(const json& body, const char* key, long long lo, long long hi);
// The decoded query parameter, "" when absent.
std::string query(const Request& req, std::string_view name);
// The query parameter as an integer within [lo, hi], `fallback` when absent, else a 400.
long long query_integer(const Request& req, std::string_view name, long long lo, long long hi,
                        long long fallback);

// The JSON answer every control-plane route gives.
Response reply(http::status status, const json& body, const Request& req);
Response reply(const Refusal& refusal, const Request& req);

}  // namespace localorgs::server::control
