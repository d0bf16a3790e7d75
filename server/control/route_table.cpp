#include "server/control/route_table.hpp"

#include <algorithm>
#include <charconv>

#include "server/url.hpp"

namespace localorgs::server::control {

void bad_request(std::string message) {
    throw Refusal{http::status::bad_request, "InvalidRequest", std::move(message)};
}

void not_found(std::string message) {
    throw Refusal{http::status::not_found, "NotFound", std::move(message)};
}

bool match(std::string_view pattern, std::string_view path, Captures& captures) {
    captures.clear();
    // Both start with '/'; compare one segment at a time.
    while (!pattern.empty() && !path.empty()) {
        if (pattern.front() != '/' || path.front() != '/') return false;
        pattern.remove_prefix(1);
        path.remove_prefix(1);
        auto p_end = std::min(pattern.find('/'), pattern.size());
        auto s_end = std::min(path.find('/'), path.size());
        std::string_view p = pattern.substr(0, p_end), s = path.substr(0, s_end);
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            if (s.empty() || !captures.push(s)) return false;
        } else if (p != s) {
            return false;
        }
        pattern.remove_prefix(p_end);
        path.remove_prefix(s_end);
    }
    return pattern.empty() && path.empty();
}

// Control-plane bodies are flat objects. Deeper nesting is refused while the body is parsed, so a
// deeply nested value never exists: copying it into a database job or printing it would recurse
// once per level, and a body of a megabyte of brackets overflowed the stack.
constexpr int kMaxBodyDepth = 8;

json body_object(const Request& req, std::initializer_list<std::string_view> allowed) {
    bool too_deep = false;
    const auto within_depth = [&too_deep](int depth, json::parse_event_t, json&) {
        too_deep = too_deep || depth > kMaxBodyDepth;
        return !too_deep;
    };
    json body = req.body().empty() ? json::object() : json::parse(req.body(), within_depth, false);
    if (too_deep) bad_request("The body is nested too deeply");
    if (body.is_discarded() || !body.is_object()) bad_request("The body must be a JSON object");
    for (const auto& [key, value] : body.items()) {
        if (allowed.size() && std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            bad_request("Unknown member '" + key + "'");
        // Every member of every control-plane body is a scalar.
        if (value.is_structured()) bad_request("Member '" + key + "' must not be an object or a list");
    }
    return body;
}

long long integer_member(const json& body, const char* key, long long lo, long long hi) {
    const auto& v = body.at(key);
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
        bad_request(std::string(key) + " must be an integer from " + std::to_string(lo) + " to " +
                    std::to_string(hi));
    return v.get<long long>();
}

std::string query(const Request& req, std::string_view name) {
    return url::query_param(req.target(), name).value_or("");
}

long long query_integer(const Request& req, std::string_view name, long long lo, long long hi,
                        long long fallback) {
    auto text = url::query_param(req.target(), name);
    if (!text) return fallback;
    long long v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size() || v < lo || v > hi)
        bad_request("The query parameter " + std::string(name) + " must be an integer from " +
                    std::to_string(lo) + " to " + std::to_string(hi));
    return v;
}

Response reply(http::status status, const json& body, const Request& req) {
    Response res{status, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    // A HEAD answer loses its body in the session (drop_body_for_head), as every answer does.
    res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
    res.prepare_payload();
    return res;
}

Response reply(const Refusal& e, const Request& req) {
    return reply(e.status, {{"Error", e.error}, {"Message", e.message}}, req);
}

}  // namespace localorgs::server::control
