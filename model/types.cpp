#include "model/types.hpp"

namespace localorgs::model {

AccountRecord default_account(const std::string& id) {
    AccountRecord a;
    a.id = id;
    a.email = "account-" + id + "@example.com";
    a.name = "Account " + id;
    return a;
}

Millis HandshakeRecord::visible_until_ms() const {
    return (closed_ms ? closed_ms : expiration_ms) + kRetentionMs;
}

}  // namespace localorgs::model
