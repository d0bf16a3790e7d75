#include "server/sigv4.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include "model/errors.hpp"
#include "server/wire_error.hpp"
#include "server/url.hpp"

namespace localorgs::server::sigv4 {
namespace {

using model::api_error;
using model::error_code;

[[noreturn]] void incomplete(std::string message) {
    throw wire_error(protocol_code::IncompleteSignatureException, std::move(message));
}
[[noreturn]] void invalid(std::string message) {
    throw wire_error(protocol_code::InvalidSignatureException, std::move(message));
}

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
           });
}

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

// SigV4's UriEncode: everything but unreserved characters (and '/' where `keep_slash`) as %XX.
void encode_into(std::string_view s, std::string& out, bool keep_slash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : s) {
        if (unreserved(c) || (keep_slash && c == '/')) {
            out.push_back(char(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xf]);
        }
    }
}

// Calls f(piece) for each piece of `s` between separators.
template <class F>
void for_each_piece(std::string_view s, char separator, F&& f) {
    for (;;) {
        auto at = s.find(separator);
        f(s.substr(0, at));
        if (at == std::string_view::npos) return;
        s.remove_prefix(at + 1);
    }
}

// An Authorization header -> its algorithm (the first word) and the parameters after it.
std::pair<std::string_view, std::string_view> split_algorithm(std::string_view header) {
    const std::string_view rest = trim(header);
    const auto space = std::size_t(std::find_if(rest.begin(), rest.end(), is_space) - rest.begin());
    return {rest.substr(0, space), rest.substr(space)};
}

// Calls f(name, value) for each "name=value" parameter of an Authorization header's parameters,
// trimmed, in order; pieces without '=' are skipped.
template <class F>
void for_each_parameter(std::string_view parameters, F&& f) {
    for_each_piece(parameters, ',', [&](std::string_view piece) {
        piece = trim(piece);
        const auto eq = piece.find('=');
        if (eq != std::string_view::npos) f(piece.substr(0, eq), trim(piece.substr(eq + 1)));
    });
}

// A sink for the canonical request: either a string (tests, diagnostics) or a running hash.
struct StringSink {
    std::string& out;
    void update(std::string_view s) { out.append(s); }
    void update(char c) { out.push_back(c); }
};

// Trimall: no leading or trailing whitespace, each inner run of whitespace one space.
template <class Sink>
void write_trimmed(Sink& out, std::string_view value) {
    value = trim(value);
    std::size_t start = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!is_space(value[i])) continue;
        out.update(value.substr(start, i - start));
        out.update(' ');
        while (i + 1 < value.size() && is_space(value[i + 1])) ++i;
        start = i + 1;
    }
    out.update(value.substr(start));
}

template <class Sink>
void write_canonical_request(Sink& out, const Request& request, const Claim& claim,
                             std::string_view payload_hash) {
    out.update(request.method_string());
    out.update('\n');
    std::string_view target = request.target();
    auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    if (path == "/")  // every awsJson call: no need to normalise
        out.update(path);
    else
        out.update(canonical_uri(path));
    out.update('\n');
    if (q != std::string_view::npos) out.update(canonical_query(target.substr(q + 1), claim.presigned));
    out.update('\n');
    for_each_piece(claim.signed_headers, ';', [&](std::string_view name) {
        out.update(name);
        out.update(':');
        bool first = true;
        for (auto [it, end] = request.equal_range(name); it != end; ++it) {
            if (!first) out.update(',');
            first = false;
            write_trimmed(out, it->value());
        }
        out.update('\n');
    });
    out.update('\n');
    out.update(claim.signed_headers);
    out.update('\n');
    out.update(payload_hash);
}

void check_scope(const Claim& c) {
    std::string_view day = c.amz_date.substr(0, 8);
    if (c.scope_date != day)
        invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
                quoted(c.scope_date) + " != " + quoted(day) + ", from " + quoted(c.amz_date) + ".");
    if (c.region.empty()) invalid("Credential should be scoped to a valid region.");
    if (c.service != kService) invalid("Credential should be scoped to correct service: 'organizations'.");
    if (c.terminator != kTerminator)
        invalid("Credential should be scoped with a valid terminator: 'aws4_request', not " +
                quoted(c.terminator) + ".");
}

[[noreturn]] void bad_date(std::string_view text) {
    incomplete("Date must be in ISO-8601 'basic format'. Got " + quoted(text) +
               ". See http://en.wikipedia.org/wiki/ISO_8601");
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view digits) {
    int v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    return v;
}

std::optional<std::int64_t> to_epoch(int y, int mo, int d, int h, int mi, int s) {
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
    return std::int64_t(sys_days(ymd).time_since_epoch().count()) * 86400 + h * 3600 + mi * 60 + s;
}

// "15 min." as AWS writes the 15-minute window, seconds otherwise.
std::string span(std::int64_t seconds) {
    if (seconds % 60 == 0) return std::to_string(seconds / 60) + " min.";
    return std::to_string(seconds) + " sec.";
}

// One derived key per (secret, scope) is reused while the date and region stay the same: the
// four HMACs of the derivation are most of the cost of a check. A few entries per I/O thread,
// replaced round-robin; no lock.
struct CachedKey {
    std::string secret;
    std::string scope;
    Digest key{};
};

const Digest& cached_signing_key(std::string_view secret, const Claim& c) {
    thread_local std::array<CachedKey, 4> cache;
    thread_local std::size_t next = 0;
    for (const auto& e : cache)
        if (!e.scope.empty() && e.scope == c.scope && e.secret == secret) return e.key;
    auto& e = cache[next++ % cache.size()];
    e.key = signing_key(secret, c.scope_date, c.region, c.service);
    e.secret.assign(secret);
    e.scope.assign(c.scope);
    return e.key;
}

void write_signature(const Digest& key, std::string_view amz_date, std::string_view scope,
                     const Digest& canonical_hash, char out[64]) {
    char hash_hex[64];
    to_hex(canonical_hash, hash_hex);
    HmacSha256 mac(key);
    mac.update(kAlgorithm).update('\n').update(amz_date).update('\n').update(scope).update('\n');
    mac.update(std::string_view(hash_hex, 64));
    to_hex(mac.finish(), out);
}

}  // namespace

// --- Reading the claim -------------------------------------------------------------------------

void split_credential(Claim& c) {
    std::array<std::string_view, 5> parts;
    std::size_t n = 0;
    bool too_many = false;
    for_each_piece(c.credential, '/', [&](std::string_view piece) {
        if (n < parts.size())
            parts[n++] = piece;
        else
            too_many = true;
    });
    if (n != parts.size() || too_many)
        incomplete("Credential must have exactly 5 slash-delimited elements, "
                   "e.g. keyid/date/region/service/term, got " +
                   quoted(c.credential));
    c.access_key_id = parts[0];
    c.scope = c.credential.substr(parts[0].size() + 1);
    c.scope_date = parts[1];
    c.region = parts[2];
    c.service = parts[3];
    c.terminator = parts[4];
}

Claim parse_authorization(std::string_view header, bool has_date) {
    Claim c;
    const auto [algorithm, parameters] = split_algorithm(header);
    if (algorithm != kAlgorithm && algorithm.starts_with("AWS4-"))
        incomplete("Unsupported AWS 'algorithm': " + quoted(algorithm) + ".");
    bool credential = false, signed_headers = false, signature = false;
    if (algorithm == kAlgorithm) {
        for_each_parameter(parameters, [&](std::string_view name, std::string_view value) {
            auto take = [&](bool& seen, std::string_view& field) {
                if (seen)
                    incomplete("Authorization header has more than one " + quoted(name) + " parameter.");
                seen = true;
                field = value;
            };
            if (name == "Credential")
                take(credential, c.credential);
            else if (name == "SignedHeaders")
                take(signed_headers, c.signed_headers);
            else if (name == "Signature")
                take(signature, c.signature);
        });
    }
    // One message naming everything missing, then the header, as AWS words it.
    std::string missing;
    if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
    if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
    if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
    if (!has_date)
        missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    if (!missing.empty()) incomplete(missing + "Authorization=" + std::string(header));
    split_credential(c);
    return c;
}

std::optional<std::string_view> authorization_parameter(std::string_view header, std::string_view name) {
    std::optional<std::string_view> found;
    for_each_parameter(split_algorithm(header).second, [&](std::string_view n, std::string_view value) {
        if (!found && n == name) found = value;
    });
    return found;
}

std::optional<Claim> parse_presigned(std::string_view query, std::string& storage) {
    struct Wanted {
        std::string_view name;
        std::string_view value{};
        bool seen = false;
    };
    std::array<Wanted, 6> wanted{{{"X-Amz-Algorithm"},
                                  {"X-Amz-Credential"},
                                  {"X-Amz-Signature"},
                                  {"X-Amz-SignedHeaders"},
                                  {"X-Amz-Date"},
                                  {"X-Amz-Expires"}}};
    auto& [algorithm, credential, signature, signed_headers, date, expires] = wanted;
    storage.clear();
    storage.reserve(query.size());  // decoded values are never longer: the views below stay valid
    for_each_piece(query, '&', [&](std::string_view pair) {
        auto eq = pair.find('=');
        std::string_view name = pair.substr(0, eq);
        for (auto& w : wanted) {
            if (name != w.name) continue;
            if (w.seen) incomplete("The query string has more than one " + quoted(name) + " parameter.");
            w.seen = true;
            std::size_t start = storage.size();
            if (eq != std::string_view::npos) url::percent_decode_into(pair.substr(eq + 1), storage);
            w.value = std::string_view(storage).substr(start);
        }
    });
    if (!algorithm.seen && !credential.seen && !signature.seen && !signed_headers.seen) return std::nullopt;

    std::string missing;
    for (std::size_t i = 0; i < 5; ++i)  // X-Amz-Expires is optional
        if (!wanted[i].seen) missing += (missing.empty() ? "" : ", ") + quoted(wanted[i].name);
    if (!missing.empty())
        incomplete("AWS query-string parameters must include " + missing +
                   ". Re-examine the query-string parameters.");
    if (algorithm.value != kAlgorithm)
        incomplete("Unsupported AWS 'algorithm': " + quoted(algorithm.value) + ".");

    Claim c;
    c.presigned = true;
    c.credential = credential.value;
    c.signed_headers = signed_headers.value;
    c.signature = signature.value;
    c.amz_date = date.value;
    auto t = parse_amz_date(c.amz_date);
    if (!t) bad_date(c.amz_date);
    c.time = *t;
    if (expires.seen) {
        std::string_view v = expires.value;
        if (v.starts_with('-') && all_digits(v.substr(1))) incomplete("X-Amz-Expires must be non-negative");
        if (!all_digits(v)) incomplete("X-Amz-Expires should be a number");
        if (v.size() > 7 || number(v) > kMaxExpiresSeconds)
            incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800");
        c.expires = number(v);
    }
    split_credential(c);
    return c;
}

Claim claim_of(const Request& request, std::string& storage) {
    std::string_view target = request.target();
    std::optional<Claim> presigned;
    if (auto q = target.find('?'); q != std::string_view::npos)
        presigned = parse_presigned(target.substr(q + 1), storage);
    std::string_view authorization = request[http::field::authorization];
    if (authorization.empty()) {
        if (!presigned)
            throw wire_error(protocol_code::MissingAuthenticationTokenException, "Missing Authentication Token");
        check_scope(*presigned);
        return *presigned;
    }
    if (presigned)
        incomplete(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the "
            "Authorization header should be specified");
    std::string_view amz_date = request["X-Amz-Date"];
    std::string_view http_date = request[http::field::date];
    Claim c = parse_authorization(authorization, !amz_date.empty() || !http_date.empty());
    if (!amz_date.empty()) {
        auto t = parse_amz_date(amz_date);
        if (!t) bad_date(amz_date);
        c.amz_date = amz_date;
        c.time = *t;
    } else {
        // Signed with a Date header: the string to sign carries the same instant in basic format.
        auto t = parse_http_date(http_date);
        if (!t) bad_date(http_date);
        storage = format_amz_date(*t);
        c.amz_date = storage;
        c.time = *t;
    }
    check_scope(c);
    return c;
}

// --- Time ----------------------------------------------------------------------------------------

std::optional<std::int64_t> parse_amz_date(std::string_view s) {
    // yyyymmddThhmmssZ
    if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !all_digits(s.substr(0, 8)) ||
        !all_digits(s.substr(9, 6)))
        return std::nullopt;
    return to_epoch(number(s.substr(0, 4)), number(s.substr(4, 2)), number(s.substr(6, 2)),
                    number(s.substr(9, 2)), number(s.substr(11, 2)), number(s.substr(13, 2)));
}

std::optional<std::int64_t> parse_http_date(std::string_view s) {
    // "Thu, 01 Jan 2026 00:00:00 GMT"
    static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() < 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
        s[19] != ':' || s[22] != ':' || s[25] != ' ')
        return std::nullopt;
    std::string_view zone = s.substr(26);
    if (zone != "GMT" && zone != "UTC" && zone != "+0000" && zone != "-0000") return std::nullopt;
    std::string_view dd = s.substr(5, 2), yyyy = s.substr(12, 4), hh = s.substr(17, 2), mi = s.substr(20, 2),
                     ss = s.substr(23, 2);
    if (!all_digits(dd) || !all_digits(yyyy) || !all_digits(hh) || !all_digits(mi) || !all_digits(ss))
        return std::nullopt;
    auto month = std::find(std::begin(kMonths), std::end(kMonths), s.substr(8, 3)) - std::begin(kMonths);
    if (month == 12) return std::nullopt;
    return to_epoch(number(yyyy), int(month) + 1, number(dd), number(hh), number(mi), number(ss));
}

std::string format_amz_date(std::int64_t seconds) {
    using namespace std::chrono;
    sys_seconds t{std::chrono::seconds(seconds)};
    auto day_start = floor<days>(t);
    year_month_day ymd{day_start};
    std::int64_t of_day = (t - day_start).count();
    char out[32];
    std::snprintf(out, sizeof out, "%04d%02u%02uT%02d%02d%02dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(of_day / 3600), int(of_day / 60 % 60), int(of_day % 60));
    return out;
}

void check_time(const Claim& c, std::int64_t now) {
    if (c.time > now + kMaxSkewSeconds)
        invalid("Signature not yet current: " + std::string(c.amz_date) + " is still later than " +
                format_amz_date(now + kMaxSkewSeconds) + " (" + format_amz_date(now) + " + " +
                span(kMaxSkewSeconds) + ")");
    std::int64_t life = c.presigned ? c.expires.value_or(kMaxSkewSeconds) : kMaxSkewSeconds;
    if (c.time < now - life)
        invalid("Signature expired: " + std::string(c.amz_date) + " is now earlier than " +
                format_amz_date(now - life) + " (" + format_amz_date(now) + " - " + span(life) + ")");
}

// --- Canonical request and signature -------------------------------------------------------------

std::string canonical_uri(std::string_view path) {
    if (path.empty()) return "/";
    // RFC 3986 remove_dot_segments, and empty segments dropped (AWS collapses "//").
    std::vector<std::string_view> segments;
    for_each_piece(path, '/', [&](std::string_view segment) {
        if (segment.empty() || segment == ".") return;
        if (segment == "..") {
            if (!segments.empty()) segments.pop_back();
            return;
        }
        segments.push_back(segment);
    });
    std::string normalized = path.front() == '/' ? "/" : "";
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (i) normalized.push_back('/');
        normalized.append(segments[i]);
    }
    if (path.back() == '/' && !segments.empty()) normalized.push_back('/');
    std::string out;
    out.reserve(normalized.size() + 8);
    encode_into(normalized, out, true);
    return out;
}

std::string canonical_query(std::string_view query, bool drop_signature) {
    std::vector<std::pair<std::string, std::string>> params;
    std::string decoded;
    for_each_piece(query, '&', [&](std::string_view pair) {
        if (pair.empty()) return;
        auto eq = pair.find('=');
        std::string_view name = pair.substr(0, eq);
        if (drop_signature && name == "X-Amz-Signature") return;
        auto& [n, v] = params.emplace_back();
        decoded.clear();
        url::percent_decode_into(name, decoded);
        encode_into(decoded, n, false);
        if (eq != std::string_view::npos) {
            decoded.clear();
            url::percent_decode_into(pair.substr(eq + 1), decoded);
            encode_into(decoded, v, false);
        }
    });
    std::sort(params.begin(), params.end());
    std::string out;
    for (const auto& [n, v] : params) {
        if (!out.empty()) out.push_back('&');
        out.append(n).append("=").append(v);
    }
    return out;
}

std::string canonical_request(const Request& request, const Claim& claim, std::string_view payload_hash) {
    std::string out;
    StringSink sink{out};
    write_canonical_request(sink, request, claim, payload_hash);
    return out;
}

Digest canonical_request_hash(const Request& request, const Claim& claim, std::string_view payload_hash) {
    Sha256 hash;
    write_canonical_request(hash, request, claim, payload_hash);
    return hash.finish();
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope, const Digest& canonical_hash) {
    return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" +
           to_hex(canonical_hash);
}

Digest signing_key(std::string_view secret, std::string_view date, std::string_view region,
                   std::string_view service) {
    std::string seed = "AWS4";
    seed.append(secret);
    Digest key = hmac_sha256(seed, date);
    key = hmac_sha256(key, region);
    key = hmac_sha256(key, service);
    return hmac_sha256(key, kTerminator);
}

std::string signature(const Digest& key, std::string_view amz_date, std::string_view scope,
                      const Digest& canonical_hash) {
    std::string out(64, '\0');
    write_signature(key, amz_date, scope, canonical_hash, out.data());
    return out;
}

void verify_signature(const Request& request, const Claim& claim, std::string_view secret) {
    bool host_signed = false;
    for_each_piece(claim.signed_headers, ';',
                   [&](std::string_view name) { host_signed |= iequals(name, "host"); });
    if (!host_signed) incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    const Digest& key = cached_signing_key(secret, claim);
    auto matches = [&](std::string_view payload_hash) {
        char computed[64];
        write_signature(key, claim.amz_date, claim.scope,
                        canonical_request_hash(request, claim, payload_hash), computed);
        return constant_time_equal(std::string_view(computed, 64), claim.signature);
    };
    char body_hash[64];
    auto body_hex = [&] {
        to_hex(sha256(request.body()), body_hash);
        return std::string_view(body_hash, 64);
    };
    auto mismatch = [] {
        invalid(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.");
    };
    const std::string_view declared = request["X-Amz-Content-Sha256"];
    if (declared.empty()) {
        if (!matches(body_hex()) && !(claim.presigned && matches(kUnsignedPayload))) mismatch();
        return;
    }
    if (!matches(declared)) mismatch();
    // The signature covers the declared hash, so the body must be what was declared.
    if (declared != kUnsignedPayload && declared != body_hex())
        invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
}

}  // namespace localorgs::server::sigv4
