// The control plane driven in-process through server::App, the handler the server runs.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "protocol/app_fixture.hpp"

using namespace localorgs;
using nlohmann::json;
namespace http = server::http;

namespace {

using ControlFixture = testing::AppFixture;

std::string nested(const std::string& member, int depth) {
    return "{\"" + member + "\": " + std::string(std::size_t(depth), '[') + std::string(std::size_t(depth), ']') +
           "}";
}

}  // namespace

// Found by review while writing the request-path fuzz target (which now handles each input on a
// small stack, so that such recursion shows at the sizes it tries): the body, once accepted, was
// copied into the database job one recursive call per level, and a body of brackets within the
// 1 MiB limit crashed the server with a stack overflow.
TEST_CASE_FIXTURE(ControlFixture, "control plane: a deeply nested body is refused without harm") {
    const auto deep = call(http::verb::put, "/_localorgs/accounts/111111111111", nested("Name", 500'000));
    CHECK(deep.result() == http::status::bad_request);
    const auto error = json::parse(deep.body());
    CHECK(error["Error"] == "InvalidRequest");
    CHECK(error["Message"] == "The body is nested too deeply");

    for (const auto* target : {"/_localorgs/clock", "/_localorgs/faults"}) {
        const auto refused = call(http::verb::post, target, nested("Now", 100));
        CHECK(refused.result() == http::status::bad_request);
        CHECK(json::parse(refused.body())["Message"] == "The body is nested too deeply");
    }

    // Flat bodies are what the control plane takes, and still do what they did.
    const auto ok = call(http::verb::put, "/_localorgs/accounts/111111111111", R"({"Name": "Prod"})");
    REQUIRE(ok.result() == http::status::ok);
    CHECK(json::parse(ok.body())["Name"] == "Prod");
    const auto wrong = call(http::verb::put, "/_localorgs/accounts/111111111111", nested("Name", 2));
    CHECK(wrong.result() == http::status::bad_request);
    CHECK(json::parse(wrong.body())["Message"] != "The body is nested too deeply");
}
