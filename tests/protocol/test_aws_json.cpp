#include <doctest/doctest.h>

#include "protocol/api_fixture.hpp"

using namespace localorgs;
using nlohmann::json;
using testing::ApiFixture;
namespace http = server::http;

namespace {
void check_error(const server::Response& r, unsigned status, const std::string& type, const std::string& reason = "") {
    CHECK(r.result_int() == status);
    CHECK(r[http::field::content_type] == "application/x-amz-json-1.1");
    CHECK(r["X-Amzn-ErrorType"] == type);
    CHECK(!r["x-amzn-RequestId"].empty());
    auto b = json::parse(r.body());
    CHECK(b["__type"] == type);
    CHECK(b["Message"].is_string());
    CHECK(!b["Message"].get<std::string>().empty());
    if (reason.empty())
        CHECK(!b.contains("Reason"));
    else
        CHECK(b["Reason"] == reason);
}
}  // namespace

TEST_CASE_FIXTURE(ApiFixture, "golden: CreateOrganization result on the wire") {
    auto r = call("CreateOrganization", "{}");
    REQUIRE(r.result_int() == 200);
    CHECK(r[http::field::content_type] == "application/x-amz-json-1.1");
    CHECK(r["x-amzn-RequestId"].size() == 36);
    auto b = body(r);
    const std::string org = b["Organization"]["Id"];
    json expected = {{"Organization",
                      {{"Id", org},
                       {"Arn", "arn:aws:organizations::111111111111:organization/" + org},
                       {"FeatureSet", "ALL"},
                       {"MasterAccountArn", "arn:aws:organizations::111111111111:account/" + org + "/111111111111"},
                       {"MasterAccountId", "111111111111"},
                       {"MasterAccountEmail", "account-111111111111@example.com"},
                       {"AvailablePolicyTypes", {{{"Type", "SERVICE_CONTROL_POLICY"}, {"Status", "ENABLED"}}}}}}};
    CHECK(b == expected);

    auto accounts = body(call("ListAccounts", ""));  // an empty body is {}
    REQUIRE(accounts["Accounts"].size() == 1);
    CHECK(!accounts.contains("NextToken"));  // omitted, never null, on the last page
    // Epoch seconds with the millisecond fraction, as a JSON number.
    CHECK(accounts["Accounts"][0]["JoinedTimestamp"].is_number_float());
    CHECK(accounts["Accounts"][0]["JoinedTimestamp"].get<double>() == doctest::Approx(1481656459.257).epsilon(1e-12));
    CHECK(call("ListAccounts", "{}").body().find("1481656459.257") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "golden: errors carry __type, Message and Reason only where the model has it") {
    auto r = call("DescribeOrganization");
    check_error(r, 400, "AWSOrganizationsNotInUseException");
    CHECK(body(r) == json{{"__type", "AWSOrganizationsNotInUseException"},
                          {"Message", "Your account is not a member of an organization."}});

    check_error(call("ListAccounts", R"({"MaxResults": 21})"), 400, "InvalidInputException", "MAX_VALUE_EXCEEDED");
    check_error(call("DescribeAccount", R"({"AccountId": "12"})"), 400, "InvalidInputException", "INVALID_PATTERN");
    check_error(call("DescribeAccount", R"({})"), 400, "InvalidInputException", "INPUT_REQUIRED");
    check_error(call("ListAccounts", R"({"NextToken": "bogus"})"), 400, "AWSOrganizationsNotInUseException");
    call("CreateOrganization");
    check_error(call("ListAccounts", R"({"NextToken": "bogus"})"), 400, "InvalidInputException",
                "INVALID_NEXT_TOKEN");
    check_error(call("TagResource", R"({"ResourceId": "111111111111", "Tags": [{"Key": "aws:x", "Value": ""}]})"),
                400, "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER");
}

TEST_CASE_FIXTURE(ApiFixture, "protocol errors: target, body, types") {
    auto no_target = request("ListAccounts", "{}");
    no_target.erase("X-Amz-Target");
    check_error(call(std::move(no_target)), 400, "UnknownOperationException");

    auto wrong_prefix = request("ListAccounts", "{}");
    wrong_prefix.set("X-Amz-Target", "AmazonSSM.ListAccounts");
    check_error(call(std::move(wrong_prefix)), 400, "UnknownOperationException");

    check_error(call("FlyToTheMoon"), 400, "UnknownOperationException");

    auto get = request("ListAccounts", "");
    get.method(http::verb::get);
    check_error(call(std::move(get)), 400, "UnknownOperationException");

    check_error(call("ListAccounts", "not json"), 400, "SerializationException");
    check_error(call("ListAccounts", "[]"), 400, "SerializationException");
    check_error(call("ListAccounts", "\"text\""), 400, "SerializationException");
    check_error(call("ListAccounts", R"({"MaxResults": "5"})"), 400, "SerializationException");
    check_error(call("ListAccounts", std::string(100000, '[')), 400, "SerializationException");
    check_error(call("TagResource", R"({"ResourceId": "111111111111", "Tags": {"Key": "a"}})"), 400,
                "SerializationException");
}

TEST_CASE_FIXTURE(ApiFixture, "operations of the model that are not implemented answer 501, naming themselves") {
    // Every operation is implemented today; the fixture withholds one, as a newer service model
    // would bring one before localorgs implements it.
    auto r = call("ListDelegatedAdministrators", "{}");
    check_error(r, 501, "NotImplementedException");
    CHECK(body(r)["Message"].get<std::string>().find("ListDelegatedAdministrators") != std::string::npos);
    CHECK(call("ListAWSServiceAccessForOrganization", "{}").result_int() != 501);
}

TEST_CASE_FIXTURE(ApiFixture, "unknown members are ignored and the caller comes from the credential") {
    auto created = body(call("CreateOrganization", R"({"FeatureSet": "CONSOLIDATED_BILLING", "Extra": [1, 2]})",
                             "222222222222"));
    CHECK(created["Organization"]["MasterAccountId"] == "222222222222");
    CHECK(created["Organization"]["FeatureSet"] == "CONSOLIDATED_BILLING");
    CHECK(created["Organization"]["AvailablePolicyTypes"] == json::array());

    // A configured access key names its account.
    auto req = request("DescribeOrganization", "{}");
    req.set(http::field::authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261128/us-east-1/organizations/aws4_request, "
            "SignedHeaders=host, Signature=abc");
    check_error(call(std::move(req)), 400, "AWSOrganizationsNotInUseException");
    check_error(call("CreateOrganization", R"({"FeatureSet": "BOGUS"})", "555555555555"), 400,
                "InvalidInputException", "INVALID_ENUM");
    CHECK(body(call("CreateOrganization", "{}", "555555555555"))["Organization"]["MasterAccountId"] ==
          "555555555555");
}

TEST_CASE("request ids are unique and UUID-shaped") {
    auto a = server::aws_json::new_request_id();
    auto b = server::aws_json::new_request_id();
    CHECK(a != b);
    CHECK(a.size() == 36);
    CHECK(a[8] == '-');
    CHECK(a[14] == '4');
}
