#pragma once
// Who is calling (design §4): the access key id of the SigV4 credential names the account.
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/http_types.hpp"

namespace localorgs::server {

// The access key id from `Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/...` or from the
// `X-Amz-Credential` query parameter of a presigned request; empty when there is none.
std::string access_key_id(const Request& request);

class Identity {
public:
    Identity(std::string default_account, std::unordered_map<std::string, std::string> credentials)
        : default_account_(std::move(default_account)), credentials_(std::move(credentials)) {}

    // 12-digit key -> that account; a configured key -> its account; else the default account.
    std::string account_for_key(std::string_view access_key_id) const;
    std::string account_for(const Request& request) const { return account_for_key(access_key_id(request)); }

private:
    std::string default_account_;
    std::unordered_map<std::string, std::string> credentials_;
};

}  // namespace localorgs::server
