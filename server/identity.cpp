#include "server/identity.hpp"

#include "model/ids.hpp"

#include <algorithm>

namespace localorgs::server {
namespace {

using model::is_account_id;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(char(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i] == '+' ? ' ' : s[i]);
        }
    }
    return out;
}

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
    std::string_view target = request.target();
    auto q = target.find('?');
    if (q == std::string_view::npos) return {};
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        if (pair.starts_with("X-Amz-Credential=")) return std::string(key_of_scope(percent_decode(pair.substr(17))));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
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
