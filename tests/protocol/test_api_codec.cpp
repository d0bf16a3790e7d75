// The generated codecs (tools/gen_api.py -> server/wire/api_codec.cpp): every operation of the
// service model has one, in name order; inputs decode from the JSON the validator accepted into
// the typed requests the model receives; outputs encode with the member names, optionality and
// timestamp format of the service model.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "model/clock.hpp"
#include "model/ids.hpp"
#include "model/service.hpp"
#include "server/operations.hpp"
#include "server/validation/validator.hpp"
#include "storage/sqlite_store.hpp"

using namespace localorgs;
namespace api = model::api;
using nlohmann::json;

namespace {

struct CodecFixture {
    model::FakeClock clock;
    model::IdGenerator ids{1};
    model::Service service{clock, ids, {}};
    storage::SqliteStore store{":memory:"};
    model::Caller caller{"111111111111"};

    const server::wire::OperationCodec& codec(std::string_view name) {
        for (const auto& c : server::wire::operation_codecs())
            if (c.name == name) return c;
        FAIL("no codec for " << name);
        throw;
    }
    // Runs `name`'s codec with a stand-in for the model's operation.
    json run(std::string_view name, const model::Binding& stand_in, const json& input = json::object()) {
        return json::parse(codec(name).run(stand_in, service, store.repository(), caller, input)());
    }
};

// What the stand-ins below saw and give.
api::InviteAccountToOrganizationRequest seen_invite;
api::InviteOrganizationToTransferResponsibilityRequest seen_transfer;
api::Handshake given_handshake;

}  // namespace

TEST_CASE("every operation of the service model has a codec, in name order") {
    const auto codecs = server::wire::operation_codecs();
    const auto names = server::validation::operation_names();
    REQUIRE(codecs.size() == names.size());
    CHECK(codecs.size() == 63);
    for (std::size_t i = 1; i < codecs.size(); ++i) CHECK(codecs[i - 1].name < codecs[i].name);
    for (const auto name : names) {
        bool found = false;
        for (const auto& c : codecs) found = found || c.name == name;
        CHECK_MESSAGE(found, name);
    }
}

TEST_CASE("every operation of the service model has one access rule (model/access.cpp)") {
    const auto names = server::validation::operation_names();
    const auto rules = model::access_rules();
    REQUIRE(rules.size() == names.size());
    for (const auto name : names) {
        bool found = false;
        for (const auto& r : rules) found = found || r.operation == name;
        CHECK_MESSAGE(found, name);
    }
}

TEST_CASE_FIXTURE(CodecFixture,
                  "inputs decode into typed requests: enums, optional members, lists, nesting") {
    model::Binding stand_in{
        "InviteAccountToOrganization",
        [](model::Service&, model::Repository&, const model::Caller&, const void* in, void* out) {
            seen_invite = *static_cast<const api::InviteAccountToOrganizationRequest*>(in);
            static_cast<api::InviteAccountToOrganizationResponse*>(out)->handshake.id = "h-1";
        }};
    auto answer = run("InviteAccountToOrganization", stand_in,
                      {{"Target", {{"Id", "a@example.com"}, {"Type", "EMAIL"}}},
                       {"Tags", {{{"Key", "k1"}, {"Value", "v1"}}, {{"Key", "k2"}, {"Value", ""}}}},
                       {"Unknown", 1}});
    CHECK(seen_invite.target.id == "a@example.com");
    CHECK(seen_invite.target.type == api::HandshakePartyType::EMAIL);
    CHECK(!seen_invite.notes);
    REQUIRE(seen_invite.tags.size() == 2);
    CHECK(seen_invite.tags[1] == api::Tag{"k2", ""});
    CHECK(answer["Handshake"]["Id"] == "h-1");

    run("InviteAccountToOrganization", stand_in,
        {{"Target", {{"Id", "222222222222"}, {"Type", "ACCOUNT"}}}, {"Notes", ""}});
    REQUIRE(seen_invite.notes);  // present, though empty
    CHECK(seen_invite.notes->empty());
    CHECK(seen_invite.tags.empty());
}

TEST_CASE_FIXTURE(CodecFixture, "input timestamps are epoch seconds with a fraction") {
    model::Binding stand_in{
        "InviteOrganizationToTransferResponsibility",
        [](model::Service&, model::Repository&, const model::Caller&, const void* in, void*) {
            seen_transfer = *static_cast<const api::InviteOrganizationToTransferResponsibilityRequest*>(in);
        }};
    run("InviteOrganizationToTransferResponsibility", stand_in,
        {{"Type", "BILLING"},
         {"Target", {{"Id", "222222222222"}, {"Type", "ACCOUNT"}}},
         {"StartTimestamp", 1767225600.25},
         {"SourceName", "x"}});
    CHECK(seen_transfer.start_ms == 1'767'225'600'250);
    CHECK(seen_transfer.type == api::ResponsibilityTransferType::BILLING);
}

TEST_CASE_FIXTURE(CodecFixture, "outputs carry the model's member names; absent members are left out") {
    model::Binding stand_in{
        "DescribeHandshake",
        [](model::Service&, model::Repository&, const model::Caller&, const void*, void* out) {
            static_cast<api::DescribeHandshakeResponse*>(out)->handshake = given_handshake;
        }};
    given_handshake = {};
    given_handshake.id = "h-1";
    given_handshake.arn = "arn:aws:organizations::111111111111:handshake/o-1/invite/h-1";
    given_handshake.state = api::HandshakeState::OPEN;
    given_handshake.action = api::ActionType::INVITE;
    given_handshake.requested_ms = 1000;
    given_handshake.expiration_ms = 2500;
    given_handshake.parties = {{"o-1", api::HandshakePartyType::ORGANIZATION},
                               {"222222222222", api::HandshakePartyType::ACCOUNT}};
    given_handshake.resources = {{{{{}, api::HandshakeResourceType::MASTER_EMAIL, "m@example.com"}},
                                  api::HandshakeResourceType::ORGANIZATION,
                                  "o-1"},
                                 {{}, api::HandshakeResourceType::NOTES, ""}};
    auto j = run("DescribeHandshake", stand_in, {{"HandshakeId", "h-1"}})["Handshake"];
    CHECK(j["Id"] == "h-1");
    CHECK(j["Arn"] == given_handshake.arn);
    CHECK(j["State"] == "OPEN");
    CHECK(j["Action"] == "INVITE");
    CHECK(j["RequestedTimestamp"] == 1.0);
    CHECK(j["ExpirationTimestamp"] == 2.5);
    CHECK(j["Parties"][1] == json{{"Id", "222222222222"}, {"Type", "ACCOUNT"}});
    CHECK(j["Resources"][0]["Resources"][0] == json{{"Type", "MASTER_EMAIL"}, {"Value", "m@example.com"}});
    // A leaf resource has no Resources; its value is written even when empty (notes of "").
    CHECK(j["Resources"][1] == json{{"Type", "NOTES"}, {"Value", ""}});

    // An unset state and timestamps: left out.
    given_handshake = {};
    given_handshake.id = "h-2";
    j = run("DescribeHandshake", stand_in, {{"HandshakeId", "h-2"}})["Handshake"];
    CHECK(j == json{{"Id", "h-2"}, {"Parties", json::array()}, {"Resources", json::array()}});
}

TEST_CASE_FIXTURE(CodecFixture, "lists are written even when empty; an empty NextToken is left out") {
    model::Binding stand_in{
        "ListRoots", [](model::Service&, model::Repository&, const model::Caller&, const void*, void* out) {
            auto& o = *static_cast<api::ListRootsResponse*>(out);
            o.roots.push_back({"arn:r", "r-1", "Root", {}});
        }};
    auto j = run("ListRoots", stand_in);
    CHECK(j == json{{"Roots",
                     {{{"Arn", "arn:r"}, {"Id", "r-1"}, {"Name", "Root"}, {"PolicyTypes", json::array()}}}}});
}

TEST_CASE_FIXTURE(CodecFixture, "operations without output answer {}; booleans are always written") {
    model::Binding none{"DeleteOrganization",
                        [](model::Service&, model::Repository&, const model::Caller&, const void*, void*) {}};
    CHECK(run("DeleteOrganization", none) == json::object());

    model::Binding policy{"DescribePolicy", [](model::Service&, model::Repository&, const model::Caller&,
                                               const void*, void* out) {
                              auto& p = static_cast<api::DescribePolicyResponse*>(out)->policy;
                              p.content = "{}";
                              p.policy_summary.id = "p-1";
                              p.policy_summary.type = api::PolicyType::TAG_POLICY;
                          }};
    auto j = run("DescribePolicy", policy, {{"PolicyId", "p-12345678"}})["Policy"];
    CHECK(j["PolicySummary"]["AwsManaged"] == false);
    CHECK(j["PolicySummary"]["Description"] == "");  // AWS sends it even when empty
    CHECK(!j["PolicySummary"].contains("Name"));
    CHECK(j["PolicySummary"]["Type"] == "TAG_POLICY");
}
