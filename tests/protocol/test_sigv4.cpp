// AWS Signature Version 4 on the server side: parsing, canonical request, signature, time.
//
// The expected values were produced once with botocore 1.43 (the signer of the AWS CLI and
// boto3): an AWSRequest with the method, URL, headers and body shown in each test was signed by
// botocore.auth.SigV4Auth (header), SigV4QueryAuth (presigned) or S3SigV4QueryAuth (presigned over
// UNSIGNED-PAYLOAD), with botocore.auth.get_current_datetime patched to the request time and the
// canonical request captured from SigV4Auth.canonical_request. "get-vanilla" and the signing key
// are the examples of AWS's own SigV4 documentation and test suite.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/wire_error.hpp"
#include "model/errors.hpp"
#include "server/sigv4.hpp"

using namespace localorgs;
using namespace localorgs::server;
using model::error_code;

namespace {

constexpr const char* kAkid = "AKIAIOSFODNN7EXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* kAmzDate = "20261128T101500Z";
constexpr std::int64_t kNow = 1795860900;  // kAmzDate
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details.";

using Headers = std::vector<std::pair<std::string, std::string>>;

Request make(const std::string& target, const Headers& headers, const std::string& body = "",
             http::verb method = http::verb::post) {
    Request r{method, target, 11};
    for (const auto& [name, value] : headers) r.insert(name, value);
    r.body() = body;
    return r;
}

// The claim of `r`, checked at kNow and against kSecret.
void verify(const Request& r, std::string_view secret = kSecret, std::int64_t now = kNow) {
    std::string storage;
    auto claim = sigv4::claim_of(r, storage);
    sigv4::check_time(claim, now);
    sigv4::verify_signature(r, claim, secret);
}

template <class F>
std::string refusal(F&& f, server::protocol_code code) {
    const server::wire_error expected(code);
    try {
        f();
    } catch (const server::wire_error& e) {
        CHECK_MESSAGE(e.protocol() == code, "got " << e.type() << ": " << e.message());
        return e.message();
    }
    FAIL("expected " << expected.type());
    return {};
}

// AcceptHandshake as botocore signs it for eu-west-1 (SigV4Auth, header).
Request accept_handshake() {
    return make("/",
                {{"Content-Type", "application/x-amz-json-1.1"},
                 {"Host", "127.0.0.1:4566"},
                 {"X-Amz-Date", kAmzDate},
                 {"X-Amz-Target", "AWSOrganizationsV20161128.AcceptHandshake"},
                 {"Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/eu-west-1/organizations/aws4_request, "
                  "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                  "Signature=bd93ec7a06ef47847411cc528b578612aa126e053719023c3d53cb7843ff8d21"}},
                R"({"HandshakeId": "h-0123456789abcdef"})");
}

// DescribeOrganization presigned by SigV4QueryAuth (expires=300) for us-east-1; empty body.
constexpr const char* kPresignedTarget =
    "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261128%2Fus-east-1%2Forganizations%"
    "2Faws4_request&X-Amz-Date=20261128T101500Z&X-Amz-Expires=300&X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-"
    "target&X-Amz-Signature=a93b37812c27c76e6cf53e2ae349310b3699a9102c460ac1a4c19574d84a9d3d";

Request presigned(const std::string& target = kPresignedTarget, const std::string& body = "") {
    return make(target,
                {{"Content-Type", "application/x-amz-json-1.1"},
                 {"Host", "127.0.0.1:4566"},
                 {"X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization"}},
                body);
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

}  // namespace

// --- Signing primitives ------------------------------------------------------------------------

TEST_CASE("sigv4: the signing key of AWS's documentation example") {
    auto key = sigv4::signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
    CHECK(to_hex(key) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST_CASE("sigv4: get-vanilla from AWS's test suite") {
    auto r = make("/", {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, "", http::verb::get);
    auto claim = sigv4::parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    claim.amz_date = "20150830T123600Z";
    CHECK(claim.access_key_id == "AKIDEXAMPLE");
    CHECK(claim.scope == "20150830/us-east-1/service/aws4_request");
    CHECK(sigv4::canonical_request(r, claim, kEmptyHash) ==
          "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
              std::string(kEmptyHash));
    auto key = sigv4::signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");
    CHECK(sigv4::signature(key, claim.amz_date, claim.scope, sigv4::canonical_request_hash(r, claim, kEmptyHash)) ==
          claim.signature);
}

TEST_CASE("sigv4: an Organizations call signed by botocore") {
    auto r = accept_handshake();
    std::string storage;
    auto claim = sigv4::claim_of(r, storage);
    CHECK(!claim.presigned);
    CHECK(claim.access_key_id == kAkid);
    CHECK(claim.region == "eu-west-1");
    CHECK(claim.service == "organizations");
    CHECK(claim.amz_date == kAmzDate);
    CHECK(claim.time == kNow);
    CHECK(storage.empty());  // nothing decoded, nothing allocated
    const std::string body_hash = "3e3c6eaeaacfe1ff99cf368d2a2b137d78f025fc15928852b0dff71c8425f10d";
    CHECK(to_hex(sha256(r.body())) == body_hash);
    CHECK(sigv4::canonical_request(r, claim, body_hash) ==
          "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:127.0.0.1:4566\nx-amz-date:20261128T101500Z\n"
          "x-amz-target:AWSOrganizationsV20161128.AcceptHandshake\n\ncontent-type;host;x-amz-date;x-amz-target\n" +
              body_hash);
    CHECK(sigv4::string_to_sign(claim.amz_date, claim.scope, sigv4::canonical_request_hash(r, claim, body_hash)) ==
          "AWS4-HMAC-SHA256\n20261128T101500Z\n20261128/eu-west-1/organizations/aws4_request\n"
          "0d831cc1066c9908c7806a941acdfe0ca7ed628e2fa072fb523ce085ce93f347");
    verify(r);  // no throw
}

TEST_CASE("sigv4: anything changed after signing is refused") {
    CHECK(refusal([] { verify(accept_handshake(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ"); },
                  server::protocol_code::InvalidSignatureException) == kMismatch);
    auto body = accept_handshake();
    body.body() = R"({"HandshakeId": "h-0123456789abcdee"})";
    CHECK(refusal([&] { verify(body); }, server::protocol_code::InvalidSignatureException) == kMismatch);
    auto target = accept_handshake();
    target.set("X-Amz-Target", "AWSOrganizationsV20161128.DeclineHandshake");
    CHECK(refusal([&] { verify(target); }, server::protocol_code::InvalidSignatureException) == kMismatch);
    auto time = accept_handshake();
    time.set("X-Amz-Date", "20261128T101501Z");
    CHECK(refusal([&] { verify(time); }, server::protocol_code::InvalidSignatureException) == kMismatch);
    auto path = accept_handshake();
    path.target("/other");
    CHECK(refusal([&] { verify(path); }, server::protocol_code::InvalidSignatureException) == kMismatch);
    auto query = accept_handshake();
    query.target("/?a=1");
    CHECK(refusal([&] { verify(query); }, server::protocol_code::InvalidSignatureException) == kMismatch);
    auto signature = accept_handshake();
    std::string auth(signature[http::field::authorization]);
    signature.set(http::field::authorization, replace(auth, "Signature=bd93", "Signature=BD93"));
    CHECK(refusal([&] { verify(signature); }, server::protocol_code::InvalidSignatureException) == kMismatch);
    signature.set(http::field::authorization, auth + "00");
    CHECK(refusal([&] { verify(signature); }, server::protocol_code::InvalidSignatureException) == kMismatch);
    // A header that is not signed may change.
    auto unsigned_header = accept_handshake();
    unsigned_header.set(http::field::user_agent, "anything");
    verify(unsigned_header);
}

TEST_CASE("sigv4: canonical URI and query, repeated and spaced headers") {
    auto r = make("/a%20b/./c//d/?b=2&a=1&a=0&c=%2F%20x&d",
                  {{"Host", "localhost:4566"},
                   {"X-Amz-Date", kAmzDate},
                   {"X-Amz-Target", "AWSOrganizationsV20161128.ListRoots"},
                   {"X-Dup", "  first   value "},
                   {"X-Dup", "second\tvalue"},
                   {"Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/organizations/aws4_request, "
                    "SignedHeaders=host;x-amz-date;x-amz-target;x-dup, "
                    "Signature=f0bbe259a98f4ce203639431974408ec3301b03e241042c819beca689bdea443"}});
    std::string storage;
    auto claim = sigv4::claim_of(r, storage);
    CHECK(sigv4::canonical_request(r, claim, kEmptyHash) ==
          "POST\n/a%2520b/c/d/\na=0&a=1&b=2&c=%2F%20x&d=\nhost:localhost:4566\nx-amz-date:20261128T101500Z\n"
          "x-amz-target:AWSOrganizationsV20161128.ListRoots\nx-dup:first value,second value\n\n"
          "host;x-amz-date;x-amz-target;x-dup\n" +
              std::string(kEmptyHash));
    verify(r);
}

TEST_CASE("sigv4: canonical URI rules") {
    CHECK(sigv4::canonical_uri("") == "/");
    CHECK(sigv4::canonical_uri("/") == "/");
    CHECK(sigv4::canonical_uri("//") == "/");
    CHECK(sigv4::canonical_uri("/a//b") == "/a/b");
    CHECK(sigv4::canonical_uri("/a/./b/") == "/a/b/");
    CHECK(sigv4::canonical_uri("/a/../../b") == "/b");
    CHECK(sigv4::canonical_uri("/..") == "/");
    CHECK(sigv4::canonical_uri("/%41") == "/%2541");  // an encoded path is encoded again
    CHECK(sigv4::canonical_uri("/a b~c") == "/a%20b~c");
    CHECK(sigv4::canonical_uri("/é") == "/%C3%A9");
}

TEST_CASE("sigv4: canonical query rules") {
    CHECK(sigv4::canonical_query("", false) == "");
    CHECK(sigv4::canonical_query("b=2&a=1", false) == "a=1&b=2");
    CHECK(sigv4::canonical_query("a=2&a=1&a=10", false) == "a=1&a=10&a=2");
    CHECK(sigv4::canonical_query("flag", false) == "flag=");
    CHECK(sigv4::canonical_query("a=1&&b=", false) == "a=1&b=");
    CHECK(sigv4::canonical_query("k=a b&k2=%7e%2f+", false) == "k=a%20b&k2=~%2F%2B");
    CHECK(sigv4::canonical_query("%61=1", false) == "a=1");  // names are normalised too
    // Sorted by encoded name: "B" (0x42) before "a" (0x61).
    CHECK(sigv4::canonical_query("a=1&B=2", false) == "B=2&a=1");
    CHECK(sigv4::canonical_query("X-Amz-Signature=ab&x=1", true) == "x=1");
    CHECK(sigv4::canonical_query("X-Amz-Signature=ab&x=1", false) == "X-Amz-Signature=ab&x=1");
}

TEST_CASE("sigv4: signed with a Date header instead of X-Amz-Date") {
    auto r = make("/",
                  {{"Content-Type", "application/x-amz-json-1.1"},
                   {"X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization"},
                   {"Date", "Sat, 28 Nov 2026 10:15:00 -0000"},
                   {"Host", "127.0.0.1:4566"},
                   {"Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/organizations/aws4_request, "
                    "SignedHeaders=content-type;date;host;x-amz-target, "
                    "Signature=4842e9d194f59644dadba860372aac5a5ff8580bcf28d78e30a338fc76e25cb9"}},
                  "{}");
    std::string storage;
    auto claim = sigv4::claim_of(r, storage);
    CHECK(claim.amz_date == kAmzDate);
    CHECK(claim.time == kNow);
    verify(r);
    r.set(http::field::date, "Sat, 28 Nov 2026 10:15:01 GMT");
    CHECK(refusal([&] { verify(r); }, server::protocol_code::InvalidSignatureException) == kMismatch);
}

TEST_CASE("sigv4: X-Amz-Content-Sha256 is the payload hash, and the body must match it") {
    auto signed_over = [](const std::string& declared, const std::string& signature, const std::string& body) {
        return make("/",
                    {{"Content-Type", "application/x-amz-json-1.1"},
                     {"Host", "127.0.0.1:4566"},
                     {"X-Amz-Content-SHA256", declared},
                     {"X-Amz-Date", kAmzDate},
                     {"X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization"},
                     {"Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/organizations/"
                      "aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, "
                      "Signature=" +
                          signature}},
                    body);
    };
    const std::string unsigned_sig = "acffa796ed42a1f7eb8b2be07ac1738be8d90153c12018db855ac0ff6b8f0473";
    verify(signed_over("UNSIGNED-PAYLOAD", unsigned_sig, "{}"));
    // The client chose not to sign the body: any body goes, as at AWS.
    verify(signed_over("UNSIGNED-PAYLOAD", unsigned_sig, R"({"other": 1})"));

    const std::string hash_of_braces = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    const std::string hashed_sig = "5d3ccc6ea607aafea8a3cdfc1e633638828b42baec79a3dbd1b5b88f2db5455d";
    verify(signed_over(hash_of_braces, hashed_sig, "{}"));
    CHECK(refusal([&] { verify(signed_over(hash_of_braces, hashed_sig, "{ }")); },
                  server::protocol_code::InvalidSignatureException) ==
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    CHECK(refusal([&] { verify(signed_over(kEmptyHash, hashed_sig, "")); }, server::protocol_code::InvalidSignatureException) ==
          kMismatch);
}

// --- Presigned requests ------------------------------------------------------------------------

TEST_CASE("sigv4: a presigned request") {
    auto r = presigned();
    std::string storage;
    auto claim = sigv4::claim_of(r, storage);
    CHECK(claim.presigned);
    CHECK(claim.access_key_id == kAkid);
    CHECK(claim.region == "us-east-1");
    CHECK(claim.signed_headers == "content-type;host;x-amz-target");
    CHECK(claim.amz_date == kAmzDate);
    CHECK(claim.expires == 300);
    CHECK(sigv4::canonical_request(r, claim, kEmptyHash) ==
          "POST\n/\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261128%2Fus-east-1%"
          "2Forganizations%2Faws4_request&X-Amz-Date=20261128T101500Z&X-Amz-Expires=300&X-Amz-SignedHeaders=content-"
          "type%3Bhost%3Bx-amz-target\ncontent-type:application/x-amz-json-1.1\nhost:127.0.0.1:4566\n"
          "x-amz-target:AWSOrganizationsV20161128.DescribeOrganization\n\ncontent-type;host;x-amz-target\n" +
              std::string(kEmptyHash));
    verify(r);
    verify(r, kSecret, kNow + 300);  // the last second of its life

    // Its body was signed (empty): another body is refused, and so is any edited parameter.
    CHECK(refusal([] { verify(presigned(kPresignedTarget, "{}")); }, server::protocol_code::InvalidSignatureException) ==
          kMismatch);
    for (const auto& edit : {std::pair{"X-Amz-Expires=300", "X-Amz-Expires=3000"},
                             {"%2Fus-east-1%2F", "%2Fus-west-2%2F"},
                             {"X-Amz-Signature=a93b", "X-Amz-Signature=a93c"},
                             {"content-type%3Bhost%3Bx-amz-target", "host%3Bx-amz-target"}}) {
        // Not a structured binding: clang 14 (the sanitizer builds) cannot capture one in a lambda.
        const std::string from = edit.first, to = edit.second;
        CAPTURE(from);
        CHECK(refusal([&] { verify(presigned(replace(kPresignedTarget, from, to))); },
                      server::protocol_code::InvalidSignatureException) == kMismatch);
    }
    // An added parameter is part of the canonical query.
    CHECK(refusal([] { verify(presigned(std::string(kPresignedTarget) + "&extra=1")); },
                  server::protocol_code::InvalidSignatureException) == kMismatch);
    auto header = presigned();
    header.set("X-Amz-Target", "AWSOrganizationsV20161128.DeleteOrganization");
    CHECK(refusal([&] { verify(header); }, server::protocol_code::InvalidSignatureException) == kMismatch);
}

TEST_CASE("sigv4: a presigned request over UNSIGNED-PAYLOAD takes any body") {
    const std::string target =
        "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261128%2Fus-east-1%"
        "2Forganizations%2Faws4_request&X-Amz-Date=20261128T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=content-"
        "type%3Bhost%3Bx-amz-target&X-Amz-Signature=86407961c53c2d1e7e0f2bd0c42294c0c66dcbe8646b80ab3e9bd31f309d3c57";
    auto r = make(target,
                  {{"Content-Type", "application/x-amz-json-1.1"},
                   {"Host", "127.0.0.1:4566"},
                   {"X-Amz-Target", "AWSOrganizationsV20161128.DescribeHandshake"}},
                  R"({"HandshakeId": "h-0123456789abcdef"})");
    verify(r);
    verify(r, kSecret, kNow + 604800);
    CHECK(refusal([&] { verify(r, kSecret, kNow + 604801); }, server::protocol_code::InvalidSignatureException)
              .starts_with("Signature expired: 20261128T101500Z is now earlier than"));
    r.set("X-Amz-Target", "AWSOrganizationsV20161128.AcceptHandshake");
    CHECK(refusal([&] { verify(r); }, server::protocol_code::InvalidSignatureException) == kMismatch);
}

TEST_CASE("sigv4: presigned query parameters") {
    std::string storage;
    CHECK(!sigv4::parse_presigned("", storage));
    CHECK(!sigv4::parse_presigned("a=1&X-Amz-Date=20261128T101500Z", storage));  // no SigV4 marker
    auto missing = [&](const std::string& query) {
        return refusal([&] { sigv4::parse_presigned(query, storage); }, server::protocol_code::IncompleteSignatureException);
    };
    CHECK(missing("X-Amz-Signature=ab") ==
          "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-SignedHeaders', "
          "'X-Amz-Date'. Re-examine the query-string parameters.");
    const std::string base =
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261128%2Fus-east-1%2Forganizations%2Faws4_request"
        "&X-Amz-Date=20261128T101500Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00";
    auto claim = sigv4::parse_presigned(base, storage);
    REQUIRE(claim);
    CHECK(claim->access_key_id == "AKID");
    CHECK(!claim->expires);
    CHECK(missing(replace(base, "&X-Amz-Signature=00", "")).find("'X-Amz-Signature'") != std::string::npos);
    CHECK(missing(replace(base, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")) ==
          "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.");
    CHECK(missing(replace(base, "20261128T101500Z", "2026-11-28T10:15:00Z")) ==
          "Date must be in ISO-8601 'basic format'. Got '2026-11-28T10:15:00Z'. See http://en.wikipedia.org/wiki/ISO_8601");
    CHECK(missing(base + "&X-Amz-Expires=soon") == "X-Amz-Expires should be a number");
    CHECK(missing(base + "&X-Amz-Expires=-1") == "X-Amz-Expires must be non-negative");
    CHECK(missing(base + "&X-Amz-Expires=604801") == "X-Amz-Expires must be less than a week (in seconds) that is 604800");
    CHECK(missing(base + "&X-Amz-Expires=99999999999999999999") ==
          "X-Amz-Expires must be less than a week (in seconds) that is 604800");
    CHECK(sigv4::parse_presigned(base + "&X-Amz-Expires=604800", storage)->expires == 604800);
    CHECK(missing(base + "&X-Amz-Signature=01") == "The query string has more than one 'X-Amz-Signature' parameter.");
    CHECK(missing(replace(base, "AKID%2F20261128", "AKID")).starts_with("Credential must have exactly 5"));
}

// --- Time --------------------------------------------------------------------------------------

TEST_CASE("sigv4: request time within 15 minutes of the server's clock, AWS's messages outside") {
    auto r = accept_handshake();
    verify(r, kSecret, kNow + 900);
    verify(r, kSecret, kNow - 900);
    CHECK(refusal([&] { verify(r, kSecret, kNow + 901); }, server::protocol_code::InvalidSignatureException) ==
          "Signature expired: 20261128T101500Z is now earlier than 20261128T101501Z (20261128T103001Z - 15 min.)");
    CHECK(refusal([&] { verify(r, kSecret, kNow - 901); }, server::protocol_code::InvalidSignatureException) ==
          "Signature not yet current: 20261128T101500Z is still later than 20261128T101459Z (20261128T095959Z + 15 "
          "min.)");
    // Checked before the signature: a skewed request with a wrong secret hears about the time.
    CHECK(refusal([&] { verify(r, "wrong", kNow + 3600); }, server::protocol_code::InvalidSignatureException)
              .starts_with("Signature expired"));
}

TEST_CASE("sigv4: a presigned request lives X-Amz-Expires seconds") {
    auto r = presigned();  // expires 300
    CHECK(refusal([&] { verify(r, kSecret, kNow + 301); }, server::protocol_code::InvalidSignatureException) ==
          "Signature expired: 20261128T101500Z is now earlier than 20261128T101501Z (20261128T102001Z - 5 min.)");
    CHECK(refusal([&] { verify(r, kSecret, kNow - 901); }, server::protocol_code::InvalidSignatureException)
              .starts_with("Signature not yet current"));
    sigv4::Claim c;
    c.presigned = true;
    c.amz_date = kAmzDate;
    c.time = kNow;
    c.expires = 61;
    CHECK(refusal([&] { sigv4::check_time(c, kNow + 62); }, server::protocol_code::InvalidSignatureException) ==
          "Signature expired: 20261128T101500Z is now earlier than 20261128T101501Z (20261128T101602Z - 61 sec.)");
    c.expires.reset();  // none: the 15 minutes of a header-signed request
    sigv4::check_time(c, kNow + 900);
    CHECK_THROWS_AS(sigv4::check_time(c, kNow + 901), server::wire_error);
}

TEST_CASE("sigv4: dates") {
    CHECK(sigv4::parse_amz_date("19700101T000000Z") == 0);
    CHECK(sigv4::parse_amz_date(kAmzDate) == kNow);
    CHECK(sigv4::parse_amz_date("20240229T235959Z") == 1709251199);
    for (const char* bad : {"", "20261128T101500", "20261128 101500Z", "2026112xT101500Z", "20261328T101500Z",
                            "20230229T101500Z", "20261128T241500Z", "20261128T106000Z", "20261128T101560Z",
                            "20261128T101500Z ", "+0261128T101500Z"}) {
        CAPTURE(bad);
        CHECK(!sigv4::parse_amz_date(bad));
    }
    CHECK(sigv4::format_amz_date(kNow) == kAmzDate);
    CHECK(sigv4::format_amz_date(0) == "19700101T000000Z");
    CHECK(sigv4::format_amz_date(1709251199) == "20240229T235959Z");
    CHECK(sigv4::parse_http_date("Sat, 28 Nov 2026 10:15:00 GMT") == kNow);
    CHECK(sigv4::parse_http_date("Sat, 28 Nov 2026 10:15:00 +0000") == kNow);
    CHECK(sigv4::parse_http_date("Sat, 28 Nov 2026 10:15:00 UTC") == kNow);
    for (const char* bad : {"", "Sat, 28 Nov 2026 10:15:00 +0100", "Sat, 28 Foo 2026 10:15:00 GMT",
                            "Sat 28 Nov 2026 10:15:00 GMT", "Sat, 31 Nov 2026 10:15:00 GMT", "20261128T101500Z"}) {
        CAPTURE(bad);
        CHECK(!sigv4::parse_http_date(bad));
    }
}

// --- The Authorization header ------------------------------------------------------------------

TEST_CASE("sigv4: the Authorization header's parameters") {
    auto c = sigv4::parse_authorization(
        "  AWS4-HMAC-SHA256   Credential=AKID/20261128/us-east-1/organizations/aws4_request,SignedHeaders=host ,  "
        "Signature=abc, Extra=ignored  ");
    CHECK(c.credential == "AKID/20261128/us-east-1/organizations/aws4_request");
    CHECK(c.access_key_id == "AKID");
    CHECK(c.scope == "20261128/us-east-1/organizations/aws4_request");
    CHECK(c.scope_date == "20261128");
    CHECK(c.terminator == "aws4_request");
    CHECK(c.signed_headers == "host");
    CHECK(c.signature == "abc");

    auto incomplete = [](std::string_view header, bool has_date = true) {
        return refusal([&] { sigv4::parse_authorization(header, has_date); },
                       server::protocol_code::IncompleteSignatureException);
    };
    CHECK(incomplete("Bearer abc") ==
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
          "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc");
    CHECK(incomplete("AWS4-HMAC-SHA256 Credential=A/B/C/D/E, SignedHeaders=host", false) ==
          "Authorization header requires 'Signature' parameter. Authorization header requires existence of either "
          "a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=A/B/C/D/E, "
          "SignedHeaders=host");
    CHECK(incomplete("AWS4-HMAC-SHA256").starts_with("Authorization header requires 'Credential' parameter."));
    CHECK(incomplete("AWS4-HMAC-SHA256Credential=A/B/C/D/E, SignedHeaders=host, Signature=0") ==
          "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA256Credential=A/B/C/D/E,'.");
    CHECK(incomplete("AWS4-ECDSA-P256-SHA256 Credential=A/B/C/D, SignedHeaders=host, Signature=0") ==
          "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.");
    CHECK(incomplete("AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/organizations, SignedHeaders=host, "
                     "Signature=0") ==
          "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got "
          "'AKID/20261128/us-east-1/organizations'");
    CHECK(incomplete("AWS4-HMAC-SHA256 Credential=A/B/C/D/E/F, SignedHeaders=host, Signature=0")
              .starts_with("Credential must have exactly 5"));
    CHECK(incomplete("AWS4-HMAC-SHA256 Credential=A/B/C/D/E, Credential=A/B/C/D/E, SignedHeaders=host, Signature=0") ==
          "Authorization header has more than one 'Credential' parameter.");
    // Present but empty parameters are parsed; the checks after parsing refuse them.
    auto empty = sigv4::parse_authorization("AWS4-HMAC-SHA256 Credential=////, SignedHeaders=, Signature=");
    CHECK(empty.access_key_id.empty());
    CHECK(empty.signature.empty());
}

TEST_CASE("sigv4: what a request claims, and the scope checks") {
    std::string storage;
    auto claim = [&](const Request& r) { return sigv4::claim_of(r, storage); };
    CHECK(refusal([&] { claim(make("/", {{"Host", "h"}})); }, server::protocol_code::MissingAuthenticationTokenException) ==
          "Missing Authentication Token");

    auto with_auth = [](const std::string& credential, const std::string& date = kAmzDate) {
        return make("/", {{"Host", "h"},
                          {"X-Amz-Date", date},
                          {"Authorization", "AWS4-HMAC-SHA256 Credential=" + credential +
                                                ", SignedHeaders=host;x-amz-date, Signature=00"}});
    };
    CHECK(claim(with_auth("AKID/20261128/ap-southeast-2/organizations/aws4_request")).region == "ap-southeast-2");
    CHECK(refusal([&] { claim(with_auth("AKID/20261127/us-east-1/organizations/aws4_request")); },
                  server::protocol_code::InvalidSignatureException) ==
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261127' != "
          "'20261128', from '20261128T101500Z'.");
    CHECK(refusal([&] { claim(with_auth("AKID/20261128//organizations/aws4_request")); },
                  server::protocol_code::InvalidSignatureException) == "Credential should be scoped to a valid region.");
    CHECK(refusal([&] { claim(with_auth("AKID/20261128/us-east-1/iam/aws4_request")); },
                  server::protocol_code::InvalidSignatureException) ==
          "Credential should be scoped to correct service: 'organizations'.");
    CHECK(refusal([&] { claim(with_auth("AKID/20261128/us-east-1/organizations/aws5_request")); },
                  server::protocol_code::InvalidSignatureException) ==
          "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.");
    CHECK(refusal([&] { claim(with_auth("AKID/20261128/us-east-1/organizations/aws4_request", "yesterday")); },
                  server::protocol_code::IncompleteSignatureException) ==
          "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601");
    auto no_date = make("/", {{"Host", "h"},
                              {"Authorization",
                               "AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/organizations/aws4_request, "
                               "SignedHeaders=host, Signature=00"}});
    CHECK(refusal([&] { claim(no_date); }, server::protocol_code::IncompleteSignatureException)
              .starts_with("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."));

    // Both mechanisms at once are refused rather than one of them picked.
    auto both = presigned();
    both.set(http::field::authorization, std::string(accept_handshake()[http::field::authorization]));
    CHECK(refusal([&] { claim(both); }, server::protocol_code::IncompleteSignatureException)
              .starts_with("Only one auth mechanism allowed"));
}

TEST_CASE("sigv4: the host header must be signed") {
    auto r = make("/", {{"Host", "h"},
                        {"X-Amz-Date", kAmzDate},
                        {"Authorization",
                         "AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/organizations/aws4_request, "
                         "SignedHeaders=x-amz-date, Signature=00"}});
    CHECK(refusal([&] { verify(r); }, server::protocol_code::IncompleteSignatureException) ==
          "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST_CASE("sigv4: hostile input never crashes the parsers") {
    // A cheap stand-in for the fuzzer: every prefix of the real inputs, and odd bytes.
    const std::string header(accept_handshake()[http::field::authorization]);
    std::string storage;
    for (std::size_t n = 0; n <= header.size(); ++n) {
        try {
            sigv4::parse_authorization(header.substr(0, n), n % 2 == 0);
        } catch (const server::wire_error&) {
        }
    }
    const std::string query = std::string(kPresignedTarget).substr(2);
    for (std::size_t n = 0; n <= query.size(); ++n) {
        try {
            sigv4::parse_presigned(query.substr(0, n), storage);
        } catch (const server::wire_error&) {
        }
    }
    for (std::string odd : {std::string("%"), std::string("%%%"), std::string("X-Amz-Credential=%G0"),
                            std::string("X-Amz-Credential=%00%ff&X-Amz-Signature"), std::string(1000, '&'),
                            std::string("=&=&=")}) {
        try {
            sigv4::parse_presigned(odd, storage);
        } catch (const server::wire_error&) {
        }
        CHECK(sigv4::canonical_query(odd, true).size() < 4 * odd.size() + 1);
    }
}
