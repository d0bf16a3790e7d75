#include <doctest/doctest.h>

#include "server/identity.hpp"

using namespace localorgs::server;

namespace {
Request with_auth(const std::string& auth) {
    Request r{http::verb::post, "/", 11};
    if (!auth.empty()) r.set(http::field::authorization, auth);
    return r;
}
}  // namespace

TEST_CASE("the access key id comes from the SigV4 header or the presigned query") {
    CHECK(access_key_id(with_auth("AWS4-HMAC-SHA256 Credential=123456789012/20261128/eu-west-1/organizations/"
                                  "aws4_request, SignedHeaders=host;x-amz-date, Signature=ff")) == "123456789012");
    CHECK(access_key_id(with_auth("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/organizations/"
                                  "aws4_request,SignedHeaders=host,Signature=ff")) == "AKIDEXAMPLE");
    CHECK(access_key_id(with_auth("")).empty());
    Request presigned{http::verb::post, "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=210987654321%2F20261128%2Fus-east-1%2Forganizations%2Faws4_request&X-Amz-Date=20261128T000000Z", 11};
    CHECK(access_key_id(presigned) == "210987654321");
}

TEST_CASE("identity rules: 12 digits, then configured keys, then the default account") {
    Identity id("000000000000", {{"AKIAEXAMPLE", "111111111111"}});
    CHECK(id.account_for_key("222222222222") == "222222222222");
    CHECK(id.account_for_key("AKIAEXAMPLE") == "111111111111");
    CHECK(id.account_for_key("AKIAUNKNOWN") == "000000000000");
    CHECK(id.account_for_key("") == "000000000000");
    CHECK(id.account_for_key("12345678901") == "000000000000");   // 11 digits
    CHECK(id.account_for_key("1234567890123") == "000000000000"); // 13 digits
    CHECK(id.account_for(with_auth("")) == "000000000000");
}
