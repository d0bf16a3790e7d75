// Fuzz target: SigV4 as the server reads it. The input is one raw HTTP request (request line,
// headers, body), parsed by Beast with the server's limits; whatever parses goes through every
// step that looks at its credentials: the access key id that names the caller, the claim of a
// header-signed or presigned request (sigv4::claim_of), the time check, the canonical request,
// the signature check, and Identity::authenticate with --verify-signatures on. The seeds are
// requests signed by botocore with the key below at kNow (make_corpus.py), so mutations start
// from requests that verify, and requests the aws CLI and boto3 sent to the server.
//
// LOCALORGS_FUZZ_TRACE=1 prints whether the server would accept each request, and why not.
//
// A finding is a crash, a sanitizer report, an exception other than server::wire_error, a
// wire_error of a kind the step must not give, or a broken property: the parts of a claim that do
// not add up to its credential, a streamed canonical-request hash that differs from the hash of
// the canonical request, a signature accepted that is not the one the key makes, one accepted
// with a wrong secret, an account that is not the configured key's.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "server/wire_error.hpp"
#include "model/errors.hpp"
#include "model/ids.hpp"
#include "server/http_types.hpp"
#include "server/identity.hpp"
#include "server/sha256.hpp"
#include "server/sigv4.hpp"
#include "server/url.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace localorgs;
using server::protocol_code;
using server::wire_error;
namespace sigv4 = server::sigv4;

constexpr std::int64_t kNow = 1795867200;  // 2026-11-28T12:00:00Z, when the signed seeds were signed
constexpr std::string_view kAccessKey = "AKIAEXAMPLE";
constexpr std::string_view kSecret = "secret";
constexpr std::string_view kAccount = "555555555555";

struct Input {
    const server::Request& request;
};

[[noreturn]] void fail(const char* step, const std::string& what, const Input& in) {
    std::string head;
    for (const auto& field : in.request) {
        head.append(field.name_string()).append(": ").append(field.value()).append("\n");
    }
    std::fprintf(stderr, "sigv4_header: %s: %s\ntarget: %.*s\n%s", step, what.c_str(),
                 int(in.request.target().size()), in.request.target().data(), head.c_str());
    std::abort();
}

// Runs `f`; a wire_error must be one of `allowed`, anything else thrown is a finding. True when
// `f` returned.
template <class F>
bool allowed_errors(const char* step, const Input& in, std::initializer_list<protocol_code> allowed, F&& f) {
    try {
        f();
        return true;
    } catch (const wire_error& e) {
        for (auto code : allowed)
            if (e.protocol() == code) return false;
        fail(step, "threw " + std::string(e.type()) + ": " + e.message(), in);
    } catch (const std::exception& e) {
        fail(step, std::string("threw a non-API exception: ") + e.what(), in);
    }
}

// identity.cpp: the access key id is the credential scope's first element, from the header's
// Credential parameter when it has one, else from the query; the caller is a 12-digit key, a
// configured key's account, or the default account. (That it is the key the signature check
// reads is checked in check_claim.)
void access_key_id(const Input& in) {
    const std::string key = server::access_key_id(in.request);
    if (key.find('/') != std::string::npos) fail("access_key_id", "key holds a scope separator: " + key, in);
    const std::string_view authorization = in.request[http::field::authorization];
    const auto query = server::url::query_param(in.request.target(), "X-Amz-Credential");
    if (authorization.find("Credential=") == std::string_view::npos && !query) {
        if (!key.empty()) fail("access_key_id", "key without a credential: " + key, in);
    } else if (!key.empty() && authorization.find(key) == std::string_view::npos && !(query && query->starts_with(key))) {
        fail("access_key_id", "key is neither in the header nor the query's credential: " + key, in);
    }

    static const server::Identity identity("000000000000", {{std::string(kAccessKey), std::string(kAccount)}});
    const auto account = identity.account_for(in.request);
    if (!model::is_account_id(account)) fail("Identity::account_for", "not an account id: " + account, in);
    if (model::is_account_id(key) && account != key)
        fail("Identity::account_for", "a 12-digit key is the account: " + account, in);
}

// The claim's parts add up to its credential; its time is its date.
void check_claim(const sigv4::Claim& c, const Input& in) {
    if (std::string(c.access_key_id) + "/" + std::string(c.scope) != c.credential)
        fail("claim_of", "key and scope are not the credential", in);
    if (std::string(c.scope_date) + "/" + std::string(c.region) + "/" + std::string(c.service) + "/" +
            std::string(c.terminator) !=
        c.scope)
        fail("claim_of", "scope parts are not the scope", in);
    if (c.service != sigv4::kService || c.terminator != sigv4::kTerminator || c.region.empty())
        fail("claim_of", "a scope the service does not accept", in);
    if (sigv4::format_amz_date(c.time) != c.amz_date) fail("claim_of", "time is not the signed date", in);
    if (c.scope_date != c.amz_date.substr(0, 8)) fail("claim_of", "scope date is not the request's day", in);
    if (c.expires && (*c.expires < 0 || *c.expires > sigv4::kMaxExpiresSeconds))
        fail("claim_of", "expiry out of range", in);
    if (c.presigned != in.request[http::field::authorization].empty())
        fail("claim_of", "presigned is not the absence of an Authorization header", in);
    // The key that names the caller is the key that signed.
    if (server::access_key_id(in.request) != c.access_key_id)
        fail("access_key_id", "differs from the claim's key", in);
}

// The signature `secret` makes for the request over `payload_hash`.
std::string expected_signature(const Input& in, const sigv4::Claim& c, std::string_view secret,
                               std::string_view payload_hash) {
    const auto key = sigv4::signing_key(secret, c.scope_date, c.region, c.service);
    return sigv4::signature(key, c.amz_date, c.scope, sigv4::canonical_request_hash(in.request, c, payload_hash));
}

void signature(const Input& in) {
    std::string storage;
    sigv4::Claim claim;
    const bool claimed = allowed_errors(
        "claim_of", in,
        {protocol_code::IncompleteSignatureException, protocol_code::InvalidSignatureException,
         protocol_code::MissingAuthenticationTokenException},
        [&] { claim = sigv4::claim_of(in.request, storage); });
    if (!claimed) return;
    check_claim(claim, in);

    allowed_errors("check_time", in, {protocol_code::InvalidSignatureException},
                   [&] { sigv4::check_time(claim, kNow); });

    // The streamed hash (what verification uses) is the hash of the canonical request.
    const std::string body_hash = server::to_hex(server::sha256(in.request.body()));
    const auto canonical = sigv4::canonical_request(in.request, claim, body_hash);
    if (server::to_hex(server::sha256(canonical)) !=
        server::to_hex(sigv4::canonical_request_hash(in.request, claim, body_hash)))
        fail("canonical_request_hash", "differs from the hash of canonical_request:\n" + canonical, in);

    const std::initializer_list<protocol_code> refusals{protocol_code::InvalidSignatureException,
                                                     protocol_code::IncompleteSignatureException};
    const bool verified = allowed_errors("verify_signature", in, refusals,
                                         [&] { sigv4::verify_signature(in.request, claim, kSecret); });
    if (!verified) return;
    // Accepted only when it is the signature the key makes over the body, the declared hash or,
    // presigned, UNSIGNED-PAYLOAD.
    const std::string_view declared = in.request["X-Amz-Content-Sha256"];
    bool made_by_key = false;
    for (const std::string_view hash : {std::string_view(body_hash), declared, sigv4::kUnsignedPayload})
        made_by_key |= !hash.empty() && expected_signature(in, claim, kSecret, hash) == claim.signature;
    if (!made_by_key) fail("verify_signature", "accepted a signature the key does not make", in);
    if (allowed_errors("verify_signature", in, refusals,
                       [&] { sigv4::verify_signature(in.request, claim, "not-the-secret"); }))
        fail("verify_signature", "accepted a wrong secret", in);
}

// The whole check as the server runs it with --verify-signatures.
void authenticate(const Input& in) {
    static const server::Identity identity = [] {
        server::Identity id("000000000000", {});
        id.verify_signatures({{std::string(kAccessKey), std::string(kSecret), std::string(kAccount)}},
                             [] { return kNow; });
        return id;
    }();
    std::string account;
    const bool accepted = allowed_errors(
        "Identity::authenticate", in,
        {protocol_code::IncompleteSignatureException, protocol_code::InvalidSignatureException,
         protocol_code::MissingAuthenticationTokenException, protocol_code::UnrecognizedClientException},
        [&] { account = identity.authenticate(in.request); });
    static const bool trace = [] {
        const char* v = std::getenv("LOCALORGS_FUZZ_TRACE");
        return v != nullptr && std::string_view(v) == "1";
    }();
    if (trace) {
        std::string outcome = accepted ? "accepted for " + account : "refused";
        try {
            if (!accepted) identity.authenticate(in.request);
        } catch (const wire_error& e) {
            outcome.append(": ").append(e.type()).append(": ").append(e.message());
        }
        std::fprintf(stderr, "%s\n", outcome.c_str());
    }
    if (!accepted) return;
    if (account != kAccount) fail("Identity::authenticate", "not the key's account: " + account, in);
    if (server::access_key_id(in.request) != kAccessKey)
        fail("Identity::authenticate", "accepted a key it does not know", in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const server::TransportLimits limits;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(static_cast<std::uint64_t>(limits.body_limit));
    parser.eager(true);
    beast::error_code ec;
    std::size_t used = 0;
    while (!ec && !parser.is_done() && used < size) {
        const auto n = parser.put(boost::asio::buffer(data + used, size - used), ec);
        if (ec == http::error::need_more) ec = {};
        if (n == 0) break;
        used += n;
    }
    if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
    // The session answers 400 or closes; nothing reaches identity.
    if (ec || !parser.is_done()) return 0;

    const server::Request request = parser.release();
    const Input in{request};
    access_key_id(in);
    signature(in);
    authenticate(in);
    return 0;
}
