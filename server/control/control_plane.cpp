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

bool ControlPlane::owns(std::string_view target) {
    auto path = url::path(target);
    return path.starts_with("/_localorgs/") || path == "/_localorgs" || path.starts_with("/_localstack/");
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

}  // namespace

void ControlPlane::on_db(Request&& req, Respond respond, std::function<json(model::Repository&)> work) {
    auto request = std::make_shared<Request>(std::move(req));
    auto body = std::make_shared<json>();
    db_.submit([body, work = std::move(work)](model::Repository& repo) { *body = work(repo); },
               [request, body, respond = std::move(respond)](std::exception_ptr error) {
                   respond(error ? failure_reply(error, *request) : reply(http::status::ok, *body, *request));
               });
}

void ControlPlane::handle(Request&& req, Respond respond) {
    const std::string path(url::path(req.target()));
    const control::Route* route = nullptr;
    control::Captures captures;
    std::string allow;  // the methods the path's routes take, for a 405
    bool open = false;  // a route of this path needs no token
    for (const auto& r : control::routes()) {
        if (!control::match(r.pattern, path, captures)) continue;
        open = open || r.access == control::Access::open;
        if (r.method == req.method()) {
            route = &r;
            break;
        }
        if (!allow.empty()) allow += ", ";
        allow += http::to_string(r.method);
    }
    try {
        // Everything past the health checks needs the admin token, when one is set; unknown
        // routes and wrong methods too, so that nothing about the control plane shows without it.
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
        // The captures point into `path`, which outlives the call.
        control::Outcome outcome = route->run({req, captures, context_});
        switch (outcome.kind) {
            case control::Outcome::Kind::body:
                return respond(reply(outcome.status, outcome.body, req));
            case control::Outcome::Kind::response:
                return respond(std::move(outcome.response));
            case control::Outcome::Kind::write:
                return on_db(std::move(req), std::move(respond), std::move(outcome.work));
        }
    } catch (const Refusal& e) {
        respond(reply(e, req));
    }
}

}  // namespace localorgs::server
