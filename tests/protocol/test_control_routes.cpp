// The control plane's route table (server/control/route_table.hpp): pattern matching, and what
// the table itself answers — 404, 405 with Allow, 401 — before any route function runs.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "protocol/app_fixture.hpp"
#include "server/control/route_table.hpp"

using namespace localorgs;
using nlohmann::json;
namespace http = server::http;
using server::control::Captures;
using server::control::match;

namespace {

using RoutesFixture = testing::AppFixture;

server::Config with_token(const std::string& token) {
    server::Config c;
    c.admin_token = token;
    return c;
}

}  // namespace

TEST_CASE("control routes: a pattern matches its segments and captures {Name} segments") {
    Captures c;
    CHECK(match("/_localorgs/clock", "/_localorgs/clock", c));
    CHECK(c.size() == 0);
    CHECK_FALSE(match("/_localorgs/clock", "/_localorgs/clock/", c));
    CHECK_FALSE(match("/_localorgs/clock", "/_localorgs/clocks", c));
    CHECK_FALSE(match("/_localorgs/clock", "/_localorgs", c));

    REQUIRE(match("/_localorgs/accounts/{AccountId}", "/_localorgs/accounts/111111111111", c));
    CHECK(c.size() == 1);
    CHECK(c[0] == "111111111111");
    // A capture is one whole, non-empty segment.
    CHECK_FALSE(match("/_localorgs/accounts/{AccountId}", "/_localorgs/accounts/", c));
    CHECK_FALSE(match("/_localorgs/accounts/{AccountId}", "/_localorgs/accounts/1/2", c));
    CHECK_FALSE(match("/_localorgs/accounts/{AccountId}", "/_localorgs/accounts", c));

    REQUIRE(match("/_localorgs/organizations/{OrganizationId}/quotas",
                  "/_localorgs/organizations/o-abc/quotas", c));
    CHECK(c[0] == "o-abc");
    CHECK_FALSE(
        match("/_localorgs/organizations/{OrganizationId}/quotas", "/_localorgs/organizations/o-abc", c));
    CHECK(c[1].empty());  // past the last capture: empty, not out of bounds
}

TEST_CASE("control routes: every route of the table is reachable and answers JSON") {
    // No two routes share a method and a pattern, and every pattern is well formed: each route
    // is matched by a path made from its own pattern.
    std::set<std::pair<int, std::string>> seen;
    for (const auto& r : server::control::routes()) {
        CHECK(seen.insert({int(r.method), std::string(r.pattern)}).second);
        std::string path;
        for (std::string_view rest = r.pattern; !rest.empty();) {
            auto open = rest.find('{');
            path.append(rest.substr(0, open));
            if (open == std::string_view::npos) break;
            path.push_back('x');
            rest.remove_prefix(rest.find('}', open) + 1);
        }
        Captures c;
        CHECK_MESSAGE(match(r.pattern, path, c), r.pattern);
    }
}

TEST_CASE_FIXTURE(RoutesFixture,
                  "control routes: unknown paths are 404, known paths with another method 405 with Allow") {
    auto missing = call(http::verb::get, "/_localorgs/nothing-here");
    CHECK(missing.result() == http::status::not_found);
    CHECK(json::parse(missing.body())["Error"] == "NotFound");
    CHECK(json::parse(missing.body())["Message"] == "No control-plane route /_localorgs/nothing-here");
    CHECK(missing[http::field::allow].empty());

    struct Case {
        http::verb method;
        const char* target;
        const char* allow;
    };
    for (const auto& c : {Case{http::verb::post, "/_localorgs/health", "GET, HEAD"},
                          Case{http::verb::put, "/_localorgs/clock", "GET, POST"},
                          Case{http::verb::get, "/_localorgs/reset", "POST"},
                          Case{http::verb::put, "/_localorgs/faults?x=1", "GET, POST, DELETE"},
                          Case{http::verb::delete_, "/_localorgs/accounts/123456789012", "GET, PUT"},
                          Case{http::verb::post, "/_localorgs/organizations/o-x/quotas", "GET, PUT"}}) {
        const std::string target = c.target;
        CAPTURE(target);
        auto res = call(c.method, c.target);
        CHECK(res.result() == http::status::method_not_allowed);
        CHECK(res[http::field::allow] == c.allow);
        auto body = json::parse(res.body());
        CHECK(body["Error"] == "MethodNotAllowed");
        CHECK(body["Message"].get<std::string>().find(" is not supported on ") != std::string::npos);
    }
}

TEST_CASE_FIXTURE(RoutesFixture, "control routes: route functions answer through the table") {
    auto health = call(http::verb::get, "/_localorgs/health");
    CHECK(health.result() == http::status::ok);
    CHECK(json::parse(health.body())["status"] == "running");

    // A capture that the route refuses is its 400, not the table's 404.
    auto bad_id = call(http::verb::get, "/_localorgs/accounts/12");
    CHECK(bad_id.result() == http::status::bad_request);
    CHECK(json::parse(bad_id.body())["Message"] == "'12' is not a 12-digit account id");

    // Work on the database: a write and what reads it back.
    auto put = call(http::verb::put, "/_localorgs/accounts/111111111111", R"({"Name": "Prod"})");
    REQUIRE(put.result() == http::status::ok);
    auto got = call(http::verb::get, "/_localorgs/accounts/111111111111");
    CHECK(json::parse(got.body())["Name"] == "Prod");
    auto unknown = call(http::verb::get, "/_localorgs/accounts/999999999999");
    CHECK(unknown.result() == http::status::not_found);
    CHECK(json::parse(unknown.body()) ==
          json{{"Error", "NotFound"}, {"Message", "No account 999999999999 is known"}});
}

TEST_CASE("control routes: with a token, the table asks for it before answering 404 or 405") {
    RoutesFixture f(with_token("s3cret"));
    for (const std::string target : {"/_localorgs/nothing-here", "/_localorgs/reset", "/_localorgs/clock"}) {
        CAPTURE(target);
        auto res = f.call(http::verb::get, target);
        CHECK(res.result() == http::status::unauthorized);
        CHECK(res[http::field::allow].empty());
    }
    CHECK(f.call(http::verb::get, "/_localorgs/nothing-here", "", {{"Authorization", "Bearer s3cret"}})
              .result() == http::status::not_found);
    CHECK(f.call(http::verb::get, "/_localorgs/reset", "", {{"Authorization", "Bearer s3cret"}}).result() ==
          http::status::method_not_allowed);
    CHECK(f.call(http::verb::get, "/_localorgs/clock", "", {{"Authorization", "Bearer s3cret"}}).result() ==
          http::status::ok);
    // The health checks are open, wrong methods on them included.
    CHECK(f.call(http::verb::get, "/_localorgs/health").result() == http::status::ok);
    CHECK(f.call(http::verb::post, "/_localorgs/health").result() == http::status::method_not_allowed);
}
