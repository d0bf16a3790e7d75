#pragma once
// Who is calling (README, Identity): the access key id of the SigV4 credential names the account.
// With signatures verified (--verify-signatures) the key must also be one of the config's
// Credentials and the request must be signed with its secret.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/config.hpp"
#include "server/http_types.hpp"

namespace localorgs::server {

// The access key id from `Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/...` or from the
// `X-Amz-Credential` query parameter of a presigned request; empty when there is none.
std::string access_key_id(const Request& request);

class Identity {
public:
    // Seconds since the epoch.
    using WallClock = std::function<std::int64_t()>;
    static std::int64_t system_seconds();

    Identity(std::string default_account, std::unordered_map<std::string, std::string> credentials)
        : default_account_(std::move(default_account)), credentials_(std::move(credentials)) {}

    // From now on every AWS request must be signed with the secret of one of `credentials`, whose
    // AccountId is then the caller. `now` is the clock request times are checked against: the
    // machine's real one by default, not the emulator's (movable) clock, because clients sign
    // with their real clock and moving the emulator's time must not make every call "expired".
    void verify_signatures(const std::vector<Credential>& credentials, WallClock now = &system_seconds);
    bool verifies_signatures() const { return verify_; }

    // The calling account. Without verification: account_for(request), never throws. With it:
    // the account of the verified key, or a wire_error (MissingAuthenticationToken,
    // IncompleteSignature, InvalidSignature, UnrecognizedClient).
    std::string authenticate(const Request& request) const;

    // 12-digit key -> that account; a configured key -> its account; else the default account.
    std::string account_for_key(std::string_view access_key_id) const;
    std::string account_for(const Request& request) const { return account_for_key(access_key_id(request)); }

private:
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    struct SigningKey {
        std::string secret_access_key;
        std::string account_id;
    };

    std::string verified_account(const Request& request) const;

    std::string default_account_;
    std::unordered_map<std::string, std::string> credentials_;
    bool verify_ = false;
    std::unordered_map<std::string, SigningKey, StringHash, std::equal_to<>> signing_keys_;
    WallClock now_;
};

}  // namespace localorgs::server
