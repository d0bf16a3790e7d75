#include "server/control/control_plane.hpp"

#include <algorithm>
#include <string>

#include "model/errors.hpp"
#include "server/config.hpp"
#include "server/url.hpp"

namespace localorgs::server {

using control::Refusal;
using control::reply;
using nlohmann::json;

std::string_view ControlPlane::error_of(const Response& response) {
    // reply() dumps {"Error","Message"} with its keys in order, so the name opens the body.
    constexpr std::string_view kOpening = R"({"Error":")";
    std::string_view body = response.body();
    if (response.result_int() < 400 || !body.starts_with(kOpening)) return {};
    body.remove_prefix(kOpening.size());
    return body.substr(0, body.find('"'));
}

std::optional<Response> ControlPlane::refuse_unauthorized(const Request& req) const {
    if (!token_digest_) return std::nullopt;
    std::string_view header = req[http::field::authorization];
    // "Bearer <token>"; the scheme is case-insensitive (RFC 7235).
    bool bearer = header.size() > 7 && header[6] == ' ' &&
                  std::equal(header.begin(), header.begin() + 6, "bearer",
                             [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b; });
    if (bearer) {
        Digest presented = sha256(header.substr(7));
        auto as_view = [](const Digest& d) {
            return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
        };
        if (constant_time_equal(as_view(presented), as_view(*token_digest_))) return std::nullopt;
    }
    Refusal e{http::status::unauthorized, "Unauthorized",
              header.empty() ? "The control plane needs the admin token: send Authorization: Bearer <token>."
                             : "The admin token is not valid."};
    Response res = reply(e, req);
    res.set(http::field::www_authenticate, header.empty()
                                               ? R"(Bearer realm="localorgs")"
                                               : R"(Bearer realm="localorgs", error="invalid_token")");
    return res;
}

bool ControlPlane::owns(const Request& request) {
    const auto target = request.target();
    const auto path = url::path(target);
    if (path.starts_with("/_localorgs/") || path == "/_localorgs" || path.starts_with("/_localstack/"))
        return true;
    // A person opening the server's address: a GET or HEAD of / itself (or of the icon a browser
    // asks every site for), with nothing an AWS client would send.
    return (target == "/" || target == "/favicon.ico") &&
           (request.method() == http::verb::get || request.method() == http::verb::head) &&
           request.find("X-Amz-Target") == request.end() &&
           request.find(http::field::authorization) == request.end();
}

namespace {

Response failure_reply(std::exception_ptr error, const Request& request) {
    try {
        std::rethrow_exception(error);
    } catch (const Refusal& e) {
        return reply(e, request);
    } catch (const model::api_error& e) {
        return reply({http::status::conflict, std::string(model::info(e.code()).type), e.message()}, request);
    } catch (const config_error& e) {
        return reply({http::status::bad_request, "InvalidRequest", e.what()}, request);
    } catch (const std::exception& e) {
        return reply({http::status::internal_server_error, "InternalError", e.what()}, request);
    }
}

bool changes_state(http::verb method) {
    return method != http::verb::get && method != http::verb::head && method != http::verb::options;
}

}  // namespace

// As browsers tell it (Sec-Fetch-Site, else Origin against Host), the way Go's net/http
// CrossOriginProtection decides: a change is refused when a page of another site sent it, so a
// form or a script elsewhere cannot drive the emulator through a visitor's browser. Clients
// that are not browsers (curl, the admin command line, SDKs) send neither header and pass.
std::optional<Response> ControlPlane::refuse_cross_site(const Request& req) {
    if (!changes_state(req.method())) return std::nullopt;
    const std::string_view site = req["Sec-Fetch-Site"];
    bool allowed;
    if (!site.empty()) {
        allowed = site == "same-origin" || site == "none";
    } else {
        const std::string_view origin = req[http::field::origin];
        const auto scheme_end = origin.find("://");
        allowed = origin.empty() || (scheme_end != std::string_view::npos &&
                                     origin.substr(scheme_end + 3) == req[http::field::host]);
    }
    if (allowed) return std::nullopt;
    return reply({http::status::forbidden, "CrossSiteRequest",
                  "The control plane refuses changes that a browser sends from a page of another site."},
                 req);
}

void ControlPlane::on_db(Request&& req, Respond respond, std::function<json(model::Repository&)> work) {
    auto request = std::make_shared<Request>(std::move(req));
    auto body = std::make_shared<json>();
    db_.submit([body, work = std::move(work)](model::Repository& repo) { *body = work(repo); },
               [request, body, respond = std::move(respond)](std::exception_ptr error) {
                   respond(error ? failure_reply(error, *request) : reply(http::status::ok, *body, *request));
               });
}

void ControlPlane::on_snapshot(Request&& req, Respond respond, std::function<json(model::Repository&)> work) {
    json body;
    bool done = false;
    try {
        done = store_.read([&](model::Repository& repo) { body = work(repo); });
    } catch (...) {
        return respond(failure_reply(std::current_exception(), req));
    }
    if (done) return respond(reply(http::status::ok, body, req));
    // The store cannot read beside the writer (an in-memory database), or the work wanted to
    // write after all (a model call that registers an account seen for the first time).
    on_db(std::move(req), std::move(respond), std::move(work));
}

void ControlPlane::handle(Request&& req, Respond respond) {
    const std::string path(url::path(req.target()));
    const control::Route* route = nullptr;
    control::Captures captures;
    std::string allow;  // the methods the path's routes take, for a 405
    bool open = false;  // a route of this path needs no token
    for (auto family : {control::routes(), control::console_routes()}) {
        for (const auto& r : family) {
            if (!control::match(r.pattern, path, captures)) continue;
            open = open || r.access == control::Access::open;
            if (r.method == req.method()) {
                route = &r;
                break;
            }
            if (!allow.empty()) allow += ", ";
            allow += http::to_string(r.method);
        }
        if (route) break;
    }
    try {
        // Everything past the health checks and the console's files needs the admin token, when
        // one is set; unknown routes and wrong methods too, so that nothing shows without it.
        if (!open || (route && route->access != control::Access::open))
            if (auto refusal = refuse_unauthorized(req)) return respond(std::move(*refusal));
        if (!route && allow.empty()) control::not_found("No control-plane route " + path);
        if (!route) {
            Response res = reply({http::status::method_not_allowed, "MethodNotAllowed",
                                  std::string(req.method_string()) + " is not supported on " + path},
                                 req);
            res.set(http::field::allow, allow);
            return respond(std::move(res));
        }
        if (auto refusal = refuse_cross_site(req)) return respond(std::move(*refusal));
        if (changes_state(req.method())) {
            // A change that stands moves the generation the console polls.
            respond = [respond = std::move(respond), &requests = context_.requests](Response res) {
                if (res.result_int() < 400) requests.changed();
                respond(std::move(res));
            };
        }
        // The captures point into `path`, which outlives the call.
        control::Outcome outcome = route->run({req, captures, context_});
        switch (outcome.kind) {
            case control::Outcome::Kind::body:
                return respond(reply(outcome.status, outcome.body, req));
            case control::Outcome::Kind::response:
                return respond(std::move(outcome.response));
            case control::Outcome::Kind::write:
                return on_db(std::move(req), std::move(respond), std::move(outcome.work));
            case control::Outcome::Kind::read:
                return on_snapshot(std::move(req), std::move(respond), std::move(outcome.work));
        }
    } catch (const Refusal& e) {
        respond(reply(e, req));
    }
}

}  // namespace localorgs::server
