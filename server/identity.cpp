#include "server/identity.hpp"

#include "model/ids.hpp"
#include "server/url.hpp"

#include <algorithm>

namespace localorgs::server {
namespace {

using model::is_account_id;

// "AKID/20260101/us-east-1/organizations/aws4_request" -> "AKID"
std::string_view key_of_scope(std::string_view credential) { return credential.substr(0, credential.find('/')); }

}  // namespace

std::string access_key_id(const Request& request) {
    auto auth = request[http::field::authorization];
    if (auto pos = auth.find("Credential="); pos != std::string_view::npos) {
        auto rest = auth.substr(pos + 11);
        rest = rest.substr(0, rest.find_first_of(", "));
        return std::string(key_of_scope(rest));
    }
    if (auto credential = url::query_param(request.target(), "X-Amz-Credential"))
        return std::string(key_of_scope(*credential));
    return {};
}

std::string Identity::account_for_key(std::string_view key) const {
    if (is_account_id(key)) return std::string(key);
    if (!key.empty()) {
        if (auto it = credentials_.find(std::string(key)); it != credentials_.end()) return it->second;
    }
    return default_account_;
}

}  // namespace localorgs::server
