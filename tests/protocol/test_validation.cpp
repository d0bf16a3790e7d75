#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "server/wire_error.hpp"
#include "model/errors.hpp"
#include "server/validation/validator.hpp"

using localorgs::model::api_error;
using localorgs::server::protocol_code;
using localorgs::server::wire_error;
using localorgs::server::validation::is_known_operation;
using localorgs::server::validation::operation_names;
using localorgs::server::validation::validate_input;
using nlohmann::json;
using namespace std::literals;

namespace {

// The error validate_input throws, or nullopt when the input is valid.
std::optional<wire_error> error_of(std::string_view operation, const json& input) {
    try {
        validate_input(operation, input);
        return std::nullopt;
    } catch (const api_error& e) {
        return wire_error(e);
    } catch (const wire_error& e) {
        return e;
    }
}

void check_ok(std::string_view operation, const json& input) {
    const auto error = error_of(operation, input);
    CHECK_MESSAGE(!error, operation << " " << input.dump() << " -> " << (error ? error->message() : ""));
}

// Checks the reason; returns the message so a test can look at it too.
std::string check_invalid(std::string_view operation, const json& input, std::string_view reason) {
    const auto error = error_of(operation, input);
    REQUIRE_MESSAGE(error, operation << " " << input.dump() << " was accepted");
    CHECK_MESSAGE(error->type() == "InvalidInputException", error->message());
    CHECK_MESSAGE(error->reason() == reason, error->message());
    return error->message();
}

std::string check_serialization(std::string_view operation, const json& input) {
    const auto error = error_of(operation, input);
    REQUIRE_MESSAGE(error, operation << " " << input.dump() << " was accepted");
    CHECK_MESSAGE(error->protocol() == protocol_code::SerializationException, error->message());
    CHECK(error->reason().empty());
    return error->message();
}

json invite(json target) {
    return {{"Target", std::move(target)}};
}

json with(json base, const json& extra) {
    base.update(extra);
    return base;
}

json tags(json list) {
    return {{"ResourceId", "111111111111"}, {"Tags", std::move(list)}};
}

}  // namespace

TEST_CASE("validation: the 63 operations of the model are known, nothing else is") {
    const auto names = operation_names();
    CHECK(names.size() == 63);
    CHECK(std::set<std::string_view>(names.begin(), names.end()).size() == names.size());
    CHECK(names.front() == "AcceptHandshake");
    for (const std::string_view name : names) CHECK(is_known_operation(name));
    for (const std::string_view name : {"InviteAccountToOrganization", "AcceptHandshake",
                                        "ListHandshakesForAccount", "DescribeOrganization", "TagResource"}) {
        CHECK(std::find(names.begin(), names.end(), name) != names.end());
    }
    for (const std::string_view name : {"", "describeHandshake", "DescribeHandshake ", "DescribeHandshakes",
                                        "AWSOrganizationsV20161128.DescribeHandshake", "CreateBucket"}) {
        CAPTURE(name);
        CHECK_FALSE(is_known_operation(name));
    }
    const auto error = error_of("CreateBucket", json::object());
    REQUIRE(error);
    CHECK(error->protocol() == protocol_code::UnknownOperationException);
}

TEST_CASE("validation: an empty body is either valid or missing required members, for every operation") {
    // Walks every input shape, and compiles every model pattern on the way.
    for (const std::string_view name : operation_names()) {
        CAPTURE(name);
        const auto error = error_of(name, json::object());
        if (error) CHECK(error->reason() == "INPUT_REQUIRED");
    }
    check_ok("DescribeOrganization", json::object());
    check_ok("ListHandshakesForAccount", json::object());
}

TEST_CASE("validation: INPUT_REQUIRED names the missing member, nested ones with their path") {
    CHECK(check_invalid("InviteAccountToOrganization", json::object(), "INPUT_REQUIRED") ==
          "You must include a value for all required parameters: Target.");
    // A null member counts as absent.
    check_invalid("InviteAccountToOrganization", {{"Target", nullptr}}, "INPUT_REQUIRED");
    CHECK(check_invalid("InviteAccountToOrganization", invite({{"Id", "111111111111"}}), "INPUT_REQUIRED") ==
          "You must include a value for all required parameters: Target.Type.");
    CHECK(check_invalid("TagResource", tags({{{"Key", "a"}, {"Value", "b"}}, {{"Key", "c"}}}),
                        "INPUT_REQUIRED") ==
          "You must include a value for all required parameters: Tags[1].Value.");
    check_invalid("ListChildren", {{"ParentId", "r-abcd"}}, "INPUT_REQUIRED");
    check_invalid("DescribeHandshake", {{"HandshakeId", nullptr}}, "INPUT_REQUIRED");
}

TEST_CASE("validation: string length bounds, counted in code points") {
    const json target = {{"Id", "111111111111"}, {"Type", "ACCOUNT"}};
    check_ok("InviteAccountToOrganization", {{"Target", target}, {"Notes", std::string(1024, 'n')}});
    const std::string message =
        check_invalid("InviteAccountToOrganization", {{"Target", target}, {"Notes", std::string(1025, 'n')}},
                      "MAX_LENGTH_EXCEEDED");
    CHECK(message ==
          "You provided a string parameter that is longer than allowed for member Notes. The maximum length "
          "is 1024.");
    std::string accents;
    for (int i = 0; i < 1024; ++i) accents += "é";  // é: 2048 bytes, 1024 characters
    check_ok("InviteAccountToOrganization", {{"Target", target}, {"Notes", accents}});
    check_invalid("InviteAccountToOrganization", {{"Target", target}, {"Notes", accents + "x"}},
                  "MAX_LENGTH_EXCEEDED");

    check_invalid("InviteAccountToOrganization", invite({{"Id", ""}, {"Type", "ACCOUNT"}}),
                  "MIN_LENGTH_EXCEEDED");
    check_invalid("TagResource", tags({{{"Key", ""}, {"Value", "v"}}}), "MIN_LENGTH_EXCEEDED");
    check_ok("TagResource", tags({{{"Key", "k"}, {"Value", ""}}}));
    check_invalid("CreateAccount", {{"Email", "a@b.c"}, {"AccountName", "x"}}, "MIN_LENGTH_EXCEEDED");
    // Max before pattern: an over-long id is reported as too long, not as malformed.
    check_invalid("DescribeHandshake", {{"HandshakeId", "h-" + std::string(40, 'a')}}, "MAX_LENGTH_EXCEEDED");
    check_invalid("DescribeAccount", {{"AccountId", "12"}}, "INVALID_PATTERN");
    check_invalid("DescribeAccount", {{"AccountId", "1111111111111"}}, "MAX_LENGTH_EXCEEDED");
}

TEST_CASE("validation: INVALID_PATTERN") {
    check_ok("DescribeHandshake", {{"HandshakeId", "h-0123456789abcdef"}});
    CHECK(check_invalid("DescribeHandshake", {{"HandshakeId", "bogus"}}, "INVALID_PATTERN") ==
          "You provided a value that doesn't match the required pattern for member HandshakeId.");
    check_invalid("DescribeHandshake", {{"HandshakeId", ""}}, "INVALID_PATTERN");
    check_invalid("DescribeHandshake", {{"HandshakeId", "h-ABCDEFGH"}}, "INVALID_PATTERN");
    check_invalid("AcceptHandshake", {{"HandshakeId", "h-1234567"}}, "INVALID_PATTERN");
    check_invalid("ListHandshakesForAccount", {{"Filter", {{"ParentHandshakeId", "x"}}}}, "INVALID_PATTERN");
    check_ok("CreateAccount", {{"Email", "someone@example.com"}, {"AccountName", "Prod"}});
    check_invalid("CreateAccount", {{"Email", "someone@example"}, {"AccountName", "Prod"}},
                  "INVALID_PATTERN");
    // Unanchored patterns only need to match somewhere (Java find()): one printable ASCII
    // character is enough for CreateAccountName's pattern.
    check_ok("CreateAccount", {{"Email", "someone@example.com"}, {"AccountName", "Pröd"}});
    check_invalid("CreateAccount", {{"Email", "someone@example.com"}, {"AccountName", "ö"}},
                  "INVALID_PATTERN");
}

TEST_CASE("validation: tag keys and values accept any letters, numbers and separators") {
    for (const std::string_view text : {"Größe", "日本語", "١٢٣", "cost center", "a.b:c/d=e+f-g@h_i"}) {
        CAPTURE(text);
        check_ok("TagResource", tags({{{"Key", text}, {"Value", text}}}));
    }
    CHECK(check_invalid("TagResource",
                        tags({{{"Key", "a"}, {"Value", "b"}}, {{"Key", "k"}, {"Value", "<script>"}}}),
                        "INVALID_PATTERN") ==
          "You provided a value that doesn't match the required pattern for member Tags[1].Value.");
    check_invalid("TagResource", tags({{{"Key", "<script>"}, {"Value", "v"}}}), "INVALID_PATTERN");
    check_invalid("UntagResource", {{"ResourceId", "111111111111"}, {"TagKeys", {"ok", "nöt;ok"}}},
                  "INVALID_PATTERN");
    // Tag keys are at most 128 characters, counted as characters, not bytes.
    std::string key;
    for (int i = 0; i < 128; ++i) key += "日";
    check_ok("TagResource", tags({{{"Key", key}, {"Value", ""}}}));
    check_invalid("TagResource", tags({{{"Key", key + "x"}, {"Value", ""}}}), "MAX_LENGTH_EXCEEDED");
}

TEST_CASE("validation: ill-formed UTF-8 is rejected, not matched and not a crash") {
    // The JSON parser never produces it; a body built in-process can.
    for (const std::string_view bad : {"\xFF"sv, "ab\xC3"sv, "\xED\xA0\x80"sv, "\xC0\xAF"sv}) {
        CAPTURE(bad);
        check_serialization("TagResource", tags({{{"Key", std::string(bad)}, {"Value", "v"}}}));
        check_serialization("InviteAccountToOrganization",
                            with(invite({{"Id", "111111111111"}, {"Type", "ACCOUNT"}}), {{"Notes", bad}}));
    }
}

TEST_CASE("validation: ungrouped alternations are a full match of one branch") {
    for (const std::string_view id :
         {"r-abcd", "r-0123456789abcdef", "ou-abcd-12345678", "ou-ab12-abcdefgh12"}) {
        CAPTURE(id);
        check_ok("ListChildren", {{"ParentId", id}, {"ChildType", "ACCOUNT"}});
    }
    for (const std::string_view id : {"xr-abcd", "r-abcdX", "r-abc", "r-ABCD", "ou-abcd-12345678-",
                                      "xou-abcd-12345678", "111111111111", "r-abcd\n", ""}) {
        CAPTURE(id);
        check_invalid("ListChildren", {{"ParentId", id}, {"ChildType", "ACCOUNT"}}, "INVALID_PATTERN");
    }
    check_ok("ListParents", {{"ChildId", "111111111111"}});
    check_ok("ListParents", {{"ChildId", "ou-abcd-12345678"}});
    check_invalid("ListParents", {{"ChildId", "r-abcd"}}, "INVALID_PATTERN");
    check_invalid("ListParents", {{"ChildId", "1111111111112"}}, "INVALID_PATTERN");

    // TaggableResourceId: root, account, OU, policy, resource policy, responsibility transfer.
    for (const std::string_view id :
         {"r-abcd", "111111111111", "ou-abcd-12345678", "p-abcdEFGH_1", "rp-ab_C", "rt-abcdefgh"}) {
        CAPTURE(id);
        check_ok("ListTagsForResource", {{"ResourceId", id}});
    }
    for (const std::string_view id : {"x111111111111", "1111111111111", "p-short", "rp-abc", "rt-abcdefg",
                                      "o-abcdefghij", "r-abcd ", " p-abcdefgh"}) {
        CAPTURE(id);
        check_invalid("ListTagsForResource", {{"ResourceId", id}}, "INVALID_PATTERN");
    }
}

TEST_CASE("validation: INVALID_ENUM") {
    const std::string message = check_invalid(
        "InviteAccountToOrganization", invite({{"Id", "111111111111"}, {"Type", "FOO"}}), "INVALID_ENUM");
    CHECK(
        message ==
        "You specified an invalid value for member Target.Type. Valid values: ACCOUNT, ORGANIZATION, EMAIL.");
    check_invalid("InviteAccountToOrganization", invite({{"Id", "111111111111"}, {"Type", "account"}}),
                  "INVALID_ENUM");
    check_ok("ListChildren", {{"ParentId", "r-abcd"}, {"ChildType", "ORGANIZATIONAL_UNIT"}});
    check_invalid("ListChildren", {{"ParentId", "r-abcd"}, {"ChildType", "ROOT"}}, "INVALID_ENUM");
    check_invalid("ListHandshakesForOrganization", {{"Filter", {{"ActionType", "INVITES"}}}}, "INVALID_ENUM");
    check_invalid("ListCreateAccountStatus", {{"States", {"SUCCEEDED", "DONE"}}}, "INVALID_ENUM");
}

TEST_CASE("validation: MaxResults range and type") {
    check_ok("ListHandshakesForAccount", {{"MaxResults", 1}});
    check_ok("ListHandshakesForAccount", {{"MaxResults", 20}});
    CHECK(check_invalid("ListHandshakesForAccount", {{"MaxResults", 0}}, "MIN_VALUE_EXCEEDED") ==
          "You provided a numeric parameter that has a smaller value than allowed for member MaxResults. "
          "The minimum value is 1.");
    check_invalid("ListHandshakesForAccount", {{"MaxResults", -5}}, "MIN_VALUE_EXCEEDED");
    check_invalid("ListHandshakesForAccount", {{"MaxResults", 21}}, "MAX_VALUE_EXCEEDED");
    check_invalid("ListAccounts", {{"MaxResults", 50}}, "MAX_VALUE_EXCEEDED");
    CHECK(check_serialization("ListHandshakesForAccount", {{"MaxResults", "5"}}) ==
          "STRING_VALUE can not be converted to an Integer (member MaxResults).");
    check_serialization("ListHandshakesForAccount", {{"MaxResults", 1.5}});
    check_serialization("ListHandshakesForAccount", {{"MaxResults", 5.0}});
    check_serialization("ListHandshakesForAccount", {{"MaxResults", true}});
    // Beyond a Java int is a type error, not a range violation.
    check_serialization("ListHandshakesForAccount", {{"MaxResults", 4'294'967'296LL}});
    check_serialization("ListHandshakesForAccount", {{"MaxResults", 18'446'744'073'709'551'615ULL}});
}

TEST_CASE("validation: wrong JSON types are SerializationException, before any constraint") {
    CHECK(check_serialization("DescribeHandshake", json::array()) ==
          "Start of list found where not expected.");
    check_serialization("DescribeHandshake", "h-12345678");
    check_serialization("DescribeHandshake", nullptr);
    check_serialization("DescribeOrganization", json::array());
    check_serialization("DescribeOrganization", 1);
    CHECK(check_serialization("DescribeHandshake", {{"HandshakeId", 12345678}}) ==
          "NUMBER_VALUE can not be converted to a String (member HandshakeId).");
    check_serialization("DescribeHandshake", {{"HandshakeId", {{"Id", "h-12345678"}}}});
    check_serialization("DescribeHandshake", {{"HandshakeId", false}});
    CHECK(check_serialization("InviteAccountToOrganization",
                              invite({{"Id", {"111111111111"}}, {"Type", "ACCOUNT"}})) ==
          "Start of list found where not expected (member Target.Id).");
    CHECK(check_serialization("InviteAccountToOrganization", invite(json::array())) ==
          "Start of list found where not expected (member Target).");
    check_serialization("InviteAccountToOrganization", invite("111111111111"));
    CHECK(check_serialization("TagResource", tags({{"Key", "k"}, {"Value", "v"}})) ==
          "Start of structure or map found where not expected (member Tags).");
    check_serialization("TagResource", tags({"k"}));
    check_serialization("TagResource", tags({nullptr}));
    CHECK(check_serialization("TagResource",
                              tags({{{"Key", "a"}, {"Value", "b"}}, {{"Key", "c"}, {"Value", 3}}})) ==
          "NUMBER_VALUE can not be converted to a String (member Tags[1].Value).");
    check_serialization("UntagResource", {{"ResourceId", "111111111111"}, {"TagKeys", "k"}});
    // A type error wins over a constraint violation found earlier in member order.
    check_serialization("InviteAccountToOrganization",
                        {{"Target", {{"Id", "111111111111"}, {"Type", "FOO"}}}, {"Notes", 5}});
    check_serialization("ListChildren", {{"ChildType", 1}});
    // Timestamps are epoch seconds.
    const json transfer = {{"Type", "BILLING"},
                           {"Target", {{"Id", "111111111111"}, {"Type", "ACCOUNT"}}},
                           {"SourceName", "Billing"}};
    check_ok("InviteOrganizationToTransferResponsibility",
             with(transfer, {{"StartTimestamp", 1735689600.5}}));
    check_serialization("InviteOrganizationToTransferResponsibility",
                        with(transfer, {{"StartTimestamp", "2025-01-01T00:00:00Z"}}));
}

TEST_CASE("validation: the first violation in member order is the one reported") {
    // Target comes before Notes in the model.
    check_invalid("InviteAccountToOrganization",
                  {{"Notes", std::string(2000, 'n')}, {"Target", {{"Id", "111111111111"}, {"Type", "FOO"}}}},
                  "INVALID_ENUM");
    // ParentId comes before ChildType, and before MaxResults.
    check_invalid("ListChildren", {{"ParentId", "bad"}, {"ChildType", "BAD"}, {"MaxResults", 0}},
                  "INVALID_PATTERN");
    check_invalid("ListChildren", {{"ParentId", "r-abcd"}, {"MaxResults", 0}}, "INPUT_REQUIRED");
}

TEST_CASE("validation: unknown members are ignored, null optional members are absent") {
    check_ok("DescribeHandshake",
             {{"HandshakeId", "h-12345678"}, {"Unknown", {{"x", {1, 2}}}}, {"handshakeid", 5}});
    check_ok("DescribeOrganization", {{"Anything", "goes"}});
    check_ok("ListHandshakesForAccount",
             {{"Filter", nullptr}, {"NextToken", nullptr}, {"MaxResults", nullptr}});
    check_ok("ListHandshakesForAccount", {{"Filter", {{"ActionType", "INVITE"}, {"Other", json::array()}}}});
}

TEST_CASE("validation: NextToken up to 100,000 characters") {
    std::string token(100'000, 'x');
    token[1234] = '\n';
    check_ok("ListHandshakesForAccount", {{"NextToken", token}});
    check_ok("ListChildren", {{"ParentId", "r-abcd"}, {"ChildType", "ACCOUNT"}, {"NextToken", token}});
    check_invalid("ListHandshakesForAccount", {{"NextToken", token + "y"}}, "MAX_LENGTH_EXCEEDED");
    // Well over the limit (a 1 MB body) is rejected by length, before any pattern runs.
    check_invalid("ListHandshakesForAccount", {{"NextToken", std::string(1'000'000, 'z')}},
                  "MAX_LENGTH_EXCEEDED");
}
