#pragma once
// AWS Signature Version 4 (AWS4-HMAC-SHA256), server side: read what a request claims about its
// signature, rebuild the canonical request, and check the signature and the request time.
// Pure functions of their arguments (no clock, no configuration), so they can be unit tested
// against vectors and fuzzed. Every refusal is a wire_error with the AWS error name:
// IncompleteSignatureException (malformed), InvalidSignatureException (wrong or expired),
// MissingAuthenticationTokenException (nothing to check).
//
// Allocation: a header-signed request with X-Amz-Date is checked without allocating; the
// canonical request is streamed into SHA-256, never built. Presigned requests decode their
// query parameters into a caller-provided string.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_types.hpp"
#include "server/sha256.hpp"

namespace localorgs::server::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kService = "organizations";
inline constexpr std::string_view kTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// AWS accepts a request time up to 15 minutes either side of its own clock.
inline constexpr std::int64_t kMaxSkewSeconds = 15 * 60;
// A presigned request lives at most seven days (the lifetime of a signing key's date scope).
inline constexpr std::int64_t kMaxExpiresSeconds = 7 * 24 * 3600;

// What a request says about its signature. The views point into the request (Authorization
// header, X-Amz-Date header) or into the `storage` string given to claim_of/parse_presigned,
// which must outlive the claim and not change while it is used.
struct Claim {
    bool presigned = false;
    std::string_view credential;  // AKID/yyyymmdd/region/service/aws4_request
    std::string_view access_key_id;
    std::string_view scope;  // yyyymmdd/region/service/aws4_request
    std::string_view scope_date;
    std::string_view region;
    std::string_view service;
    std::string_view terminator;
    std::string_view signed_headers;  // "content-type;host;x-amz-date", as the client listed them
    std::string_view signature;
    std::string_view amz_date;            // the request time as signed: yyyymmddThhmmssZ
    std::int64_t time = 0;                // amz_date in seconds since the epoch
    std::optional<std::int64_t> expires;  // presigned: X-Amz-Expires
};

// --- Reading the claim -----------------------------------------------------------------------

// `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
// `has_date`: whether the request has an X-Amz-Date or Date header (AWS names a missing one in
// the same message as missing parameters). Fills credential, scope parts, signed headers and
// signature; throws IncompleteSignatureException when something is missing or malformed.
Claim parse_authorization(std::string_view header, bool has_date = true);

// The first `name` parameter ("Credential", "SignedHeaders", "Signature") of an Authorization
// header of any algorithm, trimmed, as parse_authorization reads it; nullopt when it has none.
// Never throws: identity.cpp names the caller from the Credential of requests nobody verifies.
std::optional<std::string_view> authorization_parameter(std::string_view header, std::string_view name);

// The query string (after '?') of a presigned request. nullopt when it has no SigV4 parameter
// at all; throws IncompleteSignatureException when it has some but not all, or malformed ones.
// Decoded values are appended to `storage`. Fills amz_date, time and expires too.
std::optional<Claim> parse_presigned(std::string_view query, std::string& storage);

// Splits `claim.credential` into access key id and scope parts; IncompleteSignatureException
// unless it has exactly five '/'-separated elements.
void split_credential(Claim& claim);

// The claim of a request: its Authorization header, or its presigned query, with the request
// time resolved (X-Amz-Date, else Date) and the scope checked (date matches the request time,
// service is organizations, terminator aws4_request; any region). Throws
// MissingAuthenticationTokenException when the request carries neither, and refuses one that
// carries both.
Claim claim_of(const Request& request, std::string& storage);

// --- Time ------------------------------------------------------------------------------------

// "20260101T000000Z" (ISO 8601 basic format, UTC) -> seconds since the epoch.
std::optional<std::int64_t> parse_amz_date(std::string_view text);
// An HTTP date, "Thu, 01 Jan 2026 00:00:00 GMT" (IMF-fixdate; also the "+0000"/"-0000" zone
// Python's email.utils writes) -> seconds since the epoch.
std::optional<std::int64_t> parse_http_date(std::string_view text);
std::string format_amz_date(std::int64_t seconds);

// Refuses a request signed too long ago or too far ahead of `now` (epoch seconds) with the
// InvalidSignatureException messages AWS gives ("Signature expired: ..." / "Signature not yet
// current: ..."). Header-signed: 15 minutes either way. Presigned: from 15 minutes before
// X-Amz-Date until X-Amz-Expires seconds after it (15 minutes when it has none).
void check_time(const Claim& claim, std::int64_t now);

// --- Canonical request and signature ---------------------------------------------------------

// SigV4 task 1 for this request: method, canonical URI, canonical query (without
// X-Amz-Signature when presigned), the signed headers trimmed and joined, their names, and
// `payload_hash`.
std::string canonical_request(const Request& request, const Claim& claim, std::string_view payload_hash);
Digest canonical_request_hash(const Request& request, const Claim& claim, std::string_view payload_hash);

// Path of a request target -> canonical URI: dot segments and empty segments removed, then every
// byte but unreserved characters and '/' percent-encoded (so an encoded path is encoded twice,
// as SigV4 wants for every service but S3).
std::string canonical_uri(std::string_view path);
// Query string -> canonical query: each name and value decoded, re-encoded strictly, sorted by
// name then value. `drop_signature` leaves X-Amz-Signature out (presigned requests).
std::string canonical_query(std::string_view query, bool drop_signature);

// SigV4 task 2: "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex(hash of canonical request)>".
std::string string_to_sign(std::string_view amz_date, std::string_view scope, const Digest& canonical_hash);
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
Digest signing_key(std::string_view secret_access_key, std::string_view date, std::string_view region,
                   std::string_view service);
// Hex HMAC of the string to sign with the signing key.
std::string signature(const Digest& signing_key, std::string_view amz_date, std::string_view scope,
                      const Digest& canonical_hash);

// Checks the claimed signature against one computed with `secret_access_key`; throws
// InvalidSignatureException when it differs. The payload hash is X-Amz-Content-Sha256 when the
// request has that header (and then, unless it is UNSIGNED-PAYLOAD, it must be the body's hash),
// else the SHA-256 of the body; a presigned request may also be signed over UNSIGNED-PAYLOAD, as
// presigners for browsers and S3-style tools sign it. `host` must be a signed header.
void verify_signature(const Request& request, const Claim& claim, std::string_view secret_access_key);

}  // namespace localorgs::server::sigv4
