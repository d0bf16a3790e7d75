#include "server/identity.hpp"

#include <algorithm>

#include "model/errors.hpp"
#include "server/wire_error.hpp"
#include "model/ids.hpp"
#include "server/log.hpp"
#include "server/sigv4.hpp"
#include "server/url.hpp"

namespace localorgs::server {
namespace {

using model::api_error;
using model::error_code;
using model::is_account_id;

// "AKID/20260101/us-east-1/organizations/aws4_request" -> "AKID"
std::string_view key_of_scope(std::string_view credential) {
    return credential.substr(0, credential.find('/'));
}

}  // namespace

std::string access_key_id(const Request& request) {
    // Read as the signature check reads it (sigv4.hpp), so that the key that names the caller is
    // the key a verified request was signed with.
    if (auto credential = sigv4::authorization_parameter(request[http::field::authorization], "Credential"))
        return std::string(key_of_scope(*credential));
    if (auto credential = url::query_param(request.target(), "X-Amz-Credential"))
        return std::string(key_of_scope(*credential));
    return {};
}

std::int64_t Identity::system_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string Identity::account_for_key(std::string_view key) const {
    if (is_account_id(key)) return std::string(key);
    if (!key.empty()) {
        if (auto it = credentials_.find(std::string(key)); it != credentials_.end()) return it->second;
    }
    return default_account_;
}

void Identity::verify_signatures(const std::vector<Credential>& credentials, WallClock now) {
    verify_ = true;
    now_ = std::move(now);
    signing_keys_.clear();
    // Only configured keys exist. A 12-digit key id is not an account by itself any more: AWS
    // refuses every key it does not know, and anything else would let an unsigned caller pick
    // its account.
    for (const auto& c : credentials) signing_keys_[c.access_key_id] = {c.secret_access_key, c.account_id};
    if (signing_keys_.empty())
        log::warn("signatures are verified but the config has no Credentials: every AWS request will be refused");
}

std::string Identity::authenticate(const Request& request) const {
    if (!verify_) return account_for(request);  // the default: no signature work at all
    return verified_account(request);
}

std::string Identity::verified_account(const Request& request) const {
    std::string storage;  // decoded presigned parameters; stays empty (no allocation) for header signing
    sigv4::Claim claim;
    try {
        claim = sigv4::claim_of(request, storage);
        // The time first, as AWS does: a skewed clock is reported as such whatever the key.
        sigv4::check_time(claim, now_());
        auto key = signing_keys_.find(claim.access_key_id);
        if (key == signing_keys_.end()) throw wire_error(protocol_code::UnrecognizedClientException);
        sigv4::verify_signature(request, claim, key->second.secret_access_key);
        return key->second.account_id;
    } catch (const wire_error& e) {
        // Names the error and the key id only: messages can quote the Authorization header, and
        // logs never carry signatures or secrets.
        if (log::enabled(log::Level::debug)) {
            std::string line = "authentication refused: " + std::string(e.type());
            if (!claim.access_key_id.empty()) {
                // A decoded presigned key id could hold anything: no control bytes reach the log.
                line += " for access key ";
                for (char c : claim.access_key_id.substr(0, 128))
                    line.push_back(c >= 0x20 && c < 0x7f ? c : '?');
            }
            log::write(log::Level::debug, line);
        }
        throw;
    }
}

}  // namespace localorgs::server
