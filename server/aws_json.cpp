#include "server/aws_json.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <random>

#include "server/wire/json_writer.hpp"

namespace localorgs::server::aws_json {

std::string new_request_id() {
    // UUID-shaped, as AWS request ids are. A counter mixed into a per-process random base keeps
    // ids unique without locking a shared generator on the hot path.
    static const std::array<std::uint64_t, 2> base = [] {
        std::random_device rd;
        return std::array<std::uint64_t, 2>{(std::uint64_t(rd()) << 32) | rd(),
                                            (std::uint64_t(rd()) << 32) | rd()};
    }();
    static std::atomic<std::uint64_t> counter{0};
    std::uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t hi = base[0];
    std::uint64_t lo = base[1] ^ (n * 0x9E3779B97F4A7C15ull);
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", unsigned(hi >> 32),
                  unsigned((hi >> 16) & 0xffff), unsigned(hi & 0x0fff),
                  unsigned(0x8000 | ((lo >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(lo & 0xffffffffffffull));
    return buf;
}

namespace {
Response make(http::status status, std::string body, unsigned version, bool keep_alive,
              const std::string& request_id) {
    Response res{status, version};
    res.set(http::field::content_type, kContentType);
    res.set("x-amzn-RequestId", request_id);
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}
}  // namespace

Response success(std::string body, unsigned version, bool keep_alive, const std::string& request_id) {
    return make(http::status::ok, std::move(body), version, keep_alive, request_id);
}

Response error(const wire_error& e, unsigned version, bool keep_alive, const std::string& request_id) {
    std::string body;
    wire::JsonWriter w(body);
    w.begin_object().member("__type", e.type()).member("Message", e.message());
    if (!e.reason().empty()) w.member("Reason", e.reason());
    w.end_object();
    auto res = make(static_cast<http::status>(e.http_status()), std::move(body), version, keep_alive, request_id);
    res.set("X-Amzn-ErrorType", e.type());
    return res;
}

}  // namespace localorgs::server::aws_json
