#pragma once
// Drives the AWS API handler in-process: a request in, the exact HTTP response out.
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <optional>

#include "model/clock.hpp"
#include "model/ids.hpp"
#include "model/service.hpp"
#include "server/api.hpp"
#include "server/aws_json.hpp"
#include "storage/sqlite_store.hpp"

namespace localorgs::testing {

struct ApiFixture {
    // Operations the API answers as not implemented (the 501 of an operation the service model
    // has before localorgs implements it).
    static constexpr std::string_view kWithheld[] = {"ListDelegatedAdministrators"};

    model::FakeClock clock{1'481'656'459'257};
    model::IdGenerator ids{7};
    model::Service service{clock, ids, {}};
    storage::SqliteStore store{":memory:"};
    boost::asio::io_context io;
    server::DbThread db{store};
    server::Identity identity{"000000000000", {{"AKIAEXAMPLE", "555555555555"}}};
    server::FaultRegistry faults;
    server::AwsApi api{io, db, store, service, identity, faults, kWithheld};

    server::Response call(server::Request req) {
        std::optional<server::Response> out;
        api.handle(std::move(req), [&](server::Response r) { out = std::move(r); });
        while (!out) {
            io.restart();
            io.run_one_for(std::chrono::milliseconds(50));
        }
        return *out;
    }

    static server::Request request(const std::string& operation, const std::string& body,
                                   const std::string& account = "111111111111") {
        server::Request req{server::http::verb::post, "/", 11};
        req.set("X-Amz-Target", "AWSOrganizationsV20161128." + operation);
        req.set(server::http::field::content_type, "application/x-amz-json-1.1");
        req.set(server::http::field::authorization,
                "AWS4-HMAC-SHA256 Credential=" + account +
                    "/20261128/eu-west-1/organizations/aws4_request, SignedHeaders=host, Signature=abc");
        req.body() = body;
        req.prepare_payload();
        return req;
    }

    server::Response call(const std::string& operation, const std::string& body = "{}",
                          const std::string& account = "111111111111") {
        return call(request(operation, body, account));
    }

    static nlohmann::json body(const server::Response& r) { return nlohmann::json::parse(r.body()); }
};

}  // namespace localorgs::testing
