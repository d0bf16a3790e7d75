#include <doctest/doctest.h>

#include <future>

#include "server/wire_error.hpp"
#include "model/errors.hpp"
#include "protocol/api_fixture.hpp"
#include "server/identity.hpp"
#include "server/sigv4.hpp"

using namespace localorgs;
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

// Found by fuzzing (tests/fuzz/sigv4_header.cpp): the caller's key was read from the first
// "Credential=" anywhere in the header, up to a comma or a space, while the signature check reads
// the Credential parameter; the two could name different keys for one request.
TEST_CASE("the access key id is the Credential parameter the signature check reads") {
    const auto same_key = [](const std::string& auth) {
        Request r = with_auth(auth);
        r.set("X-Amz-Date", "20261128T120000Z");
        std::string storage;
        const auto claim = sigv4::claim_of(r, storage);
        CHECK(access_key_id(r) == claim.access_key_id);
        return access_key_id(r);
    };
    // Another parameter whose name ends in "Credential" is not the Credential.
    CHECK(same_key("AWS4-HMAC-SHA256 XCredential=111111111111/20261128/eu-west-1/organizations/aws4_request, "
                   "Credential=222222222222/20261128/eu-west-1/organizations/aws4_request, "
                   "SignedHeaders=host, Signature=ff") == "222222222222");
    // The value runs to the comma, spaces included, as the finding had it.
    CHECK(same_key("AWS4-HMAC-SHA256 Credential=AKIAn: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261128/eu-west-1/"
                   "organizations/aws4_request, SignedHeaders=host, Signature=ff") ==
          "AKIAn: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE");
    // Unverified requests of any algorithm still name their caller, and nothing here throws.
    CHECK(access_key_id(with_auth("AWS4-ECDSA-P256-SHA256 Credential=333333333333/20261128/organizations/aws4_request, "
                                  "SignedHeaders=host, Signature=ff")) == "333333333333");
    CHECK(access_key_id(with_auth("AWS4-HMAC-SHA256")).empty());
    CHECK(access_key_id(with_auth("Credential=444444444444/x")).empty());  // no algorithm: only a parameter list
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

// --- Verified signatures (--verify-signatures) ------------------------------------------------

namespace {

constexpr std::int64_t kNow = 1795860900;  // 20261128T101500Z
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// Signs `r` in its Authorization header the way botocore does (content-type;host;x-amz-date;
// x-amz-target, payload hashed), with this server's own functions; test_sigv4.cpp checks those
// against botocore's vectors.
void sign(Request& r, const std::string& akid, const std::string& secret, std::int64_t at = kNow,
          const std::string& region = "eu-west-1") {
    const std::string date = sigv4::format_amz_date(at);
    const std::string scope = date.substr(0, 8) + "/" + region + "/organizations/aws4_request";
    r.set("X-Amz-Date", date);
    r.set(http::field::host, "127.0.0.1:4566");
    sigv4::Claim claim;
    claim.amz_date = date;
    claim.scope = scope;
    claim.signed_headers = "content-type;host;x-amz-date;x-amz-target";
    auto hash = sigv4::canonical_request_hash(r, claim, to_hex(sha256(r.body())));
    auto key = sigv4::signing_key(secret, date.substr(0, 8), region, "organizations");
    r.set(http::field::authorization, "AWS4-HMAC-SHA256 Credential=" + akid + "/" + scope +
                                          ", SignedHeaders=" + std::string(claim.signed_headers) +
                                          ", Signature=" + sigv4::signature(key, date, scope, hash));
}

Request signed_request(const std::string& akid, const std::string& secret, std::int64_t at = kNow) {
    Request r = testing::ApiFixture::request("DescribeOrganization", "{}");
    sign(r, akid, secret, at);
    return r;
}

std::string refused(const Identity& id, const Request& r, server::protocol_code code) {
    const server::wire_error expected(code);
    try {
        id.authenticate(r);
    } catch (const server::wire_error& e) {
        CHECK_MESSAGE(e.protocol() == code, "got " << e.type() << ": " << e.message());
        return e.message();
    }
    FAIL("expected " << expected.type());
    return {};
}

std::vector<Credential> credentials() {
    return {{"AKIAEXAMPLE", kSecret, "555555555555"}, {"123456789012", "twelve", "210987654321"}};
}

}  // namespace

TEST_CASE("without verification, authenticate is the access key rule and never refuses") {
    Identity id("000000000000", {{"AKIAEXAMPLE", "111111111111"}});
    CHECK(!id.verifies_signatures());
    CHECK(id.authenticate(with_auth("")) == "000000000000");
    CHECK(id.authenticate(with_auth("garbage")) == "000000000000");
    CHECK(id.authenticate(signed_request("AKIAEXAMPLE", "any secret")) == "111111111111");
    CHECK(id.authenticate(signed_request("222222222222", "any secret", 0)) == "222222222222");
}

TEST_CASE("with verification, the verified key names the account") {
    Identity id("000000000000", {});
    std::int64_t now = kNow;
    id.verify_signatures(credentials(), [&] { return now; });
    CHECK(id.verifies_signatures());

    CHECK(id.authenticate(signed_request("AKIAEXAMPLE", kSecret)) == "555555555555");
    // A configured 12-digit key is a key like any other: its AccountId counts, not its digits.
    CHECK(id.authenticate(signed_request("123456789012", "twelve")) == "210987654321");

    CHECK(refused(id, signed_request("AKIAEXAMPLE", "wrong"), server::protocol_code::InvalidSignatureException) ==
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
          "Access Key and signing method. Consult the service documentation for details.");
    CHECK(refused(id, signed_request("AKIAUNKNOWN", kSecret), server::protocol_code::UnrecognizedClientException) ==
          "The security token included in the request is invalid.");
    // An unconfigured 12-digit key is unknown too: otherwise any caller could pick its account.
    CHECK(refused(id, signed_request("222222222222", "dummy"), server::protocol_code::UnrecognizedClientException) ==
          "The security token included in the request is invalid.");
    CHECK(refused(id, with_auth(""), server::protocol_code::MissingAuthenticationTokenException) ==
          "Missing Authentication Token");
    CHECK(refused(id, with_auth("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE"),
                  server::protocol_code::IncompleteSignatureException)
              .starts_with("Authorization header requires 'Signature' parameter."));

    // The wall clock given, not the request: 16 minutes later the same request is expired.
    auto request = signed_request("AKIAEXAMPLE", kSecret);
    now = kNow + 16 * 60;
    CHECK(refused(id, request, server::protocol_code::InvalidSignatureException).starts_with("Signature expired: "));
    now = kNow - 16 * 60;
    CHECK(refused(id, request, server::protocol_code::InvalidSignatureException)
              .starts_with("Signature not yet current: "));
    now = kNow;
    CHECK(id.authenticate(request) == "555555555555");
}

TEST_CASE("the real clock by default") {
    Identity id("000000000000", {});
    id.verify_signatures(credentials());
    CHECK(id.authenticate(signed_request("AKIAEXAMPLE", kSecret, Identity::system_seconds())) == "555555555555");
    CHECK(refused(id, signed_request("AKIAEXAMPLE", kSecret, Identity::system_seconds() - 3600),
                  server::protocol_code::InvalidSignatureException)
              .starts_with("Signature expired: "));
}

namespace {
bool registered(testing::ApiFixture& f, const std::string& account) {
    // Runs after everything submitted before it: the database thread works in order.
    std::promise<bool> known;
    f.db.submit([&](model::Repository& repo) { known.set_value(repo.accounts.find(account).has_value()); },
                [](std::exception_ptr) {});
    return known.get_future().get();
}
}  // namespace

TEST_CASE_FIXTURE(testing::ApiFixture, "verified signatures on the wire: 403 with the AWS error shape") {
    identity.verify_signatures(credentials(), [] { return kNow; });

    auto create = request("CreateOrganization", "{}");
    sign(create, "AKIAEXAMPLE", kSecret);
    auto ok = call(create);
    REQUIRE(ok.result_int() == 200);
    CHECK(body(ok)["Organization"]["MasterAccountId"] == "555555555555");

    auto check_refused = [&](Request r, const std::string& type) {
        auto res = call(std::move(r));
        CHECK(res.result_int() == (type == "IncompleteSignatureException" ? 400 : 403));
        CHECK(res[http::field::content_type] == "application/x-amz-json-1.1");
        CHECK(res["X-Amzn-ErrorType"] == type);
        CHECK(!res["x-amzn-RequestId"].empty());
        auto b = body(res);
        CHECK(b.size() == 2);
        CHECK(b["__type"] == type);
        CHECK(!b["Message"].get<std::string>().empty());
    };
    auto wrong = request("ListAccounts", "{}");
    sign(wrong, "AKIAEXAMPLE", "not the secret");
    check_refused(wrong, "InvalidSignatureException");
    // The fixture's requests carry a well-formed but fake signature dated 20261128.
    auto fake = [](const std::string& operation, const std::string& account) {
        auto r = request(operation, "{}", account);
        r.set("X-Amz-Date", "20261128T101500Z");
        return r;
    };
    check_refused(fake("ListAccounts", "333333333333"), "UnrecognizedClientException");
    check_refused(fake("ListAccounts", "AKIAEXAMPLE"), "InvalidSignatureException");
    auto bare = request("ListAccounts", "{}");
    bare.erase(http::field::authorization);
    check_refused(bare, "MissingAuthenticationTokenException");
    auto skewed = request("ListAccounts", "{}");
    sign(skewed, "AKIAEXAMPLE", kSecret, kNow - 3600);
    check_refused(skewed, "InvalidSignatureException");
    auto garbled = request("ListAccounts", "{}");
    garbled.set(http::field::authorization, "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/x, Signature=1");
    check_refused(garbled, "IncompleteSignatureException");
    // Authentication comes before anything else: an unknown operation is not even looked at.
    check_refused(fake("NoSuchOperation", "333333333333"), "UnrecognizedClientException");

    // A refused caller is not registered as an account (an unverified one would be).
    CHECK(!registered(*this, "333333333333"));
    auto list = request("ListAccounts", "{}");
    sign(list, "AKIAEXAMPLE", kSecret);
    CHECK(call(list).result_int() == 200);
}
