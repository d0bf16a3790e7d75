// Fuzz target: the whole request path, from raw HTTP bytes to the response. The bytes go through
// Beast's request parser with the server's limits, then through the server's own handler (router,
// AWS API, control plane, database thread, reads on the handling thread) on an empty database
// file. An input may hold several requests, as a keep-alive connection does, so stateful
// sequences (create an organization, invite, accept) are reachable; "$h0"-style placeholders in a
// request's target and body name the ids earlier answers held (known_ids.hpp). LOCALORGS_FUZZ_TRACE=1 in the environment
// prints each request's answer status, to check that a seed replays the way it was recorded.
//
// A finding is a crash, a sanitizer report, a hang, an exception out of the handler, or an answer
// that breaks the protocol: a 5xx nobody asked for with an injected fault, a body that is not a
// JSON object, an AWS answer without its request id or with an error type that does not match its
// body, or one that does not survive being written and read back (a HEAD answer included).
#include <pthread.h>
#include <stdlib.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "known_ids.hpp"
#include "server/app.hpp"
#include "server/aws_json.hpp"
#include "server/control/control_plane.hpp"
#include "server/http_types.hpp"
#include "server/log.hpp"
#include "server/url.hpp"
#include "storage/sqlite_store.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace localorgs;
using nlohmann::json;

// More requests than any seed has (the longest is a whole recorded session); bounds the work one
// input can ask for.
constexpr int kMaxRequests = 100;
constexpr std::uint64_t kIdSeed = 20161128;
// Each input is handled on a thread with this much stack. Recursion that grows with the input
// (copying or printing a deeply nested JSON value) overflows here at inputs of a fuzzer's size;
// the server's 8 MiB stacks would need a body of megabytes.
constexpr std::size_t kStackSize = 256 * 1024;

// A SyncReadStream over the input: what the session's socket would deliver.
class InputStream {
public:
    InputStream(const std::uint8_t* data, std::size_t size)
        : rest_(reinterpret_cast<const char*>(data), size) {}

    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
        if (rest_.empty()) {
            ec = net::error::eof;
            return 0;
        }
        ec = {};
        const auto n = net::buffer_copy(buffers, net::buffer(rest_.data(), rest_.size()));
        rest_.remove_prefix(n);
        return n;
    }

    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers) {
        beast::error_code ec;
        const auto n = read_some(buffers, ec);
        if (ec) throw beast::system_error(ec);
        return n;
    }

private:
    std::string_view rest_;
};

server::Config fuzz_config() {
    server::Config config;
    config.db = ":memory:";
    auto owner = model::default_account("111111111111");
    owner.email = "owner@example.com";
    owner.name = "Management";
    config.accounts = {owner};
    config.credentials = {{"AKIAEXAMPLE", "secret", "555555555555"}};
    return config;
}

[[noreturn]] void fail(const char* what, const server::Response& res) {
    std::ostringstream out;
    out << res;
    std::fprintf(stderr, "http_request: %s\n--- response ---\n%s\n", what, out.str().c_str());
    std::abort();
}

struct RequestFacts {
    bool head;
    bool control;
    bool console_file;  // a GET or HEAD of the web console's files, which are not JSON
};

void check(const server::Response& res, const RequestFacts& request, bool fault_injected) {
    const unsigned status = res.result_int();
    if (status < 200 || status > 599) fail("status out of range", res);
    // An API 500 is ServiceException: an exception the operation did not expect, unless a fault
    // asked for exactly that. The control plane's 500 is always one.
    if (status >= 500 && (request.control || !fault_injected)) fail("internal error", res);

    if (!request.head) {
        if (res[http::field::content_length] != std::to_string(res.body().size()))
            fail("Content-Length does not match the body", res);
        const bool file = request.console_file && status < 400 &&
                          res[http::field::content_type] != "application/json";
        const json body = file ? json::object() : json::parse(res.body(), nullptr, false);
        if (body.is_discarded() || !body.is_object()) fail("body is not a JSON object", res);
        if (file) {
            if (res["Content-Security-Policy"].empty()) fail("a console file without Content-Security-Policy", res);
        } else if (request.control) {
            if (status >= 400 && (!body.contains("Error") || !body["Error"].is_string() ||
                                  !body.contains("Message") || !body["Message"].is_string()))
                fail("control-plane error without Error and Message", res);
        } else if (status != 200) {
            const auto type = body.find("__type");
            if (type == body.end() || !type->is_string()) fail("AWS error without __type", res);
            if (res["X-Amzn-ErrorType"] != type->get<std::string>())
                fail("X-Amzn-ErrorType differs from __type", res);
            const auto message = body.find("Message");
            if (message == body.end() || !message->is_string()) fail("AWS error without Message", res);
        }
    }
    if (!request.control) {
        if (res[http::field::content_type] != server::aws_json::kContentType) fail("wrong Content-Type", res);
        if (res["x-amzn-RequestId"].empty()) fail("no x-amzn-RequestId", res);
    }

    // What the client reads back is what was meant: nothing in a header breaks the framing.
    std::ostringstream wire;
    wire << res;
    const std::string bytes = wire.str();
    http::response_parser<http::string_body> parser;
    parser.skip(request.head);
    parser.eager(true);
    beast::error_code ec;
    parser.put(net::buffer(bytes), ec);
    if (ec || !parser.is_done()) fail("answer does not parse back", res);
    const auto& back = parser.get();
    if (back.result_int() != status || back.body() != (request.head ? std::string() : res.body()) ||
        std::distance(back.begin(), back.end()) != std::distance(res.begin(), res.end()))
        fail("answer changes through serialisation", res);
}

// A database file in a temporary folder, removed at exit: with a file, as in the server, Describe*
// and List* calls run on the handling thread on a read-only connection and writes on the database
// thread (an in-memory database would send everything to the database thread).
storage::SqliteStore& fuzz_store() {
    // Never destroyed, so the handler below can still read it at exit.
    static const std::string* const folder = [] {
        const char* tmp = std::getenv("TMPDIR");
        auto* path = new std::string(std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                                     "/localorgs-fuzz-XXXXXX");
        if (mkdtemp(path->data()) == nullptr) {
            std::perror("http_request: cannot make a temporary folder");
            std::abort();
        }
        // Registered before the store exists, so it runs after the store is closed.
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(*folder, ignored);
        });
        return path;
    }();
    static storage::SqliteStore store(*folder + "/fuzz.db");
    return store;
}

// One connection's worth of requests against a fresh server on an empty database. The database is
// emptied rather than opened anew: opening and migrating it would cost more than most inputs.
void serve(const std::uint8_t* data, std::size_t size) {
    auto& store = fuzz_store();
    static const server::Config config = fuzz_config();
    store.transact([](model::Repository& repo) { repo.wipe(); });
    net::io_context io;
    server::App app(io, store, config, kIdSeed);
    const server::TransportLimits limits;

    static const bool trace = [] {
        const char* v = std::getenv("LOCALORGS_FUZZ_TRACE");
        return v != nullptr && std::strcmp(v, "1") == 0;
    }();

    InputStream stream(data, size);
    beast::flat_buffer buffer;  // kept across requests, as the session keeps it
    bool fault_injected = false;
    fuzz::KnownIds known;
    for (int i = 0; i < kMaxRequests; ++i) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
        parser.body_limit(static_cast<std::uint64_t>(limits.body_limit));
        beast::error_code ec;
        http::read(stream, buffer, parser, ec);
        // The session refuses or closes; nothing more reaches the handler.
        if (ec) return;

        server::Request request = parser.release();
        if (request.target().find('$') != std::string_view::npos)
            request.target(known.substitute(request.target()));
        if (request.body().find('$') != std::string::npos) {
            request.body() = known.substitute(request.body());
            request.prepare_payload();
        }
        const std::string operation(request["X-Amz-Target"]);
        const std::string target(request.target());
        const bool get_or_head = request.method() == http::verb::get || request.method() == http::verb::head;
        const RequestFacts facts{request.method() == http::verb::head, server::ControlPlane::owns(request),
                                 get_or_head && (server::url::path(request.target()).starts_with("/_localorgs/console/") ||
                                                 request.target() == "/favicon.ico")};
        const bool fault_request = facts.control && request.method() == http::verb::post &&
                                   server::url::path(request.target()) == "/_localorgs/faults";
        const bool keep_alive = request.keep_alive();

        // The session posts the answer to its strand; here the one thread running `io` is it.
        std::optional<server::Response> answer;
        io.restart();  // the last request's work ran out, which stopped it
        auto work = net::make_work_guard(io);
        app.handler()(std::move(request), [&io, &answer](server::Response res) {
            net::post(io, [&answer, res = std::move(res)]() mutable { answer = std::move(res); });
        });
        while (!answer) io.run_one();
        work.reset();

        // What the session does to every answer before writing it.
        if (facts.head) server::drop_body_for_head(*answer);
        check(*answer, facts, fault_injected);
        if (trace)
            std::fprintf(stderr, "%u %s %s\n", answer->result_int(), target.c_str(), operation.c_str());
        if (fault_request && answer->result() == http::status::ok) fault_injected = true;
        if (answer->result() == http::status::ok && !facts.head) known.learn(json::parse(answer->body()));
        if (!keep_alive || !answer->keep_alive()) return;
    }
}

void serve_on_small_stack(const std::uint8_t* data, std::size_t size) {
    struct Input {
        const std::uint8_t* data;
        std::size_t size;
    } input{data, size};
    pthread_attr_t attributes;
    pthread_t thread;
    if (pthread_attr_init(&attributes) != 0 || pthread_attr_setstacksize(&attributes, kStackSize) != 0 ||
        pthread_create(
            &thread, &attributes,
            [](void* arg) -> void* {
                const auto* in = static_cast<const Input*>(arg);
                serve(in->data, in->size);
                return nullptr;
            },
            &input) != 0) {
        std::perror("http_request: cannot start the thread that handles the input");
        std::abort();
    }
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attributes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool quiet = [] {
        server::log::set_level("error");
        return true;
    }();
    (void)quiet;
    serve_on_small_stack(data, size);
    return 0;
}
