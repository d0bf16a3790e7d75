#pragma once
// Drives the whole request handler in-process (server::App: the control plane, the console's
// files and the AWS API behind one router): a request in, the exact HTTP response out.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/app.hpp"
#include "storage/sqlite_store.hpp"

namespace localorgs::testing {

struct AppFixture {
    using Headers = std::vector<std::pair<std::string, std::string>>;

    explicit AppFixture(server::Config config = {}) : app{io, store, std::move(config)} {}

    boost::asio::io_context io;
    storage::SqliteStore store{":memory:"};
    server::App app;

    // Answers may come from the database thread; they are handed to this thread through `io`.
    server::Response call(server::http::verb method, const std::string& target, std::string body = "",
                          const Headers& headers = {}) {
        server::Request req{method, target, 11};
        for (const auto& [name, value] : headers) req.set(name, value);
        req.body() = std::move(body);
        req.prepare_payload();
        std::optional<server::Response> out;
        io.restart();
        auto work = boost::asio::make_work_guard(io);
        app.handler()(std::move(req), [this, &out](server::Response res) {
            boost::asio::post(io, [&out, res = std::move(res)]() mutable { out = std::move(res); });
        });
        while (!out) io.run_one();
        return *out;
    }
};

}  // namespace localorgs::testing
