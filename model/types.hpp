#pragma once
// Domain records: what the repository stores. What operations take and give are the generated
// shapes of model/api/shapes.hpp; the enums of both are the service model's (model/api/enums.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/api/shapes.hpp"

namespace localorgs::model {

using Millis = std::int64_t;  // epoch milliseconds
using api::Tag;

// Per-organization limits; the config's "Quotas" seeds them when an organization is created.
struct Quotas {
    int max_accounts = 10;
    std::optional<int> invitations_per_day;  // nullopt: max(20, max_accounts)
    int initialization_seconds = 0;
    int max_organizational_units = 2000;  // OUs per organization: AWS's quota (User Guide, "Quotas")
};

// An AWS account the emulator knows: the identity registry entry plus its membership.
struct AccountRecord {
    std::string id;
    std::string email;
    std::string name;
    std::string seller_of_record = "AWS_INC";
    std::string partition = "aws";
    bool email_verified = true;
    // Membership; organization_id empty while standalone.
    std::string organization_id;
    std::string parent_id;
    std::optional<api::AccountJoinedMethod> joined_method;
    Millis joined_ms = 0;

    bool standalone() const { return organization_id.empty(); }
};

// Registry defaults for an account id seen for the first time (README, Identity).
AccountRecord default_account(const std::string& id);

struct OrganizationRecord {
    std::string id;
    std::string management_account_id;
    api::OrganizationFeatureSet feature_set = api::OrganizationFeatureSet::ALL;
    std::string root_id;
    Millis created_ms = 0;
    Quotas quotas;
};

// An organizational unit. OUs never move, so the path is written when it is created.
struct OrganizationalUnitRecord {
    std::string id;
    std::string organization_id;
    std::string parent_id;  // the root or another OU
    std::string name;
    std::string path;  // o-.../r-.../ou-.../ (itself included, with the trailing slash)
    int depth = 1;     // 1 for a child of the root; at most 5
    Millis created_ms = 0;
};

// A handshake as stored. Resources are rebuilt from the snapshot taken when it was sent.
struct HandshakeRecord {
    std::string id;
    std::string organization_id;
    std::string management_account_id;  // the sender; the account in the ARN
    std::string partition;              // of the sender, for the ARN
    api::ActionType action = api::ActionType::INVITE;
    api::HandshakeState state = api::HandshakeState::OPEN;  // as stored: an OPEN one may have lapsed
    api::HandshakePartyType target_type = api::HandshakePartyType::ACCOUNT;  // as given
    std::string target_id;                                                   // as given
    std::string recipient_account_id;                                        // ACCOUNT targets
    std::string recipient_email;                                             // EMAIL targets, lower-cased
    std::optional<std::string> notes;
    std::string master_email, master_name;  // the organization when it was sent
    api::OrganizationFeatureSet feature_set = api::OrganizationFeatureSet::ALL;
    std::string parent_handshake_id;
    std::vector<Tag> tags;  // attached to the account when it accepts
    Millis requested_ms = 0;
    Millis expiration_ms = 0;
    Millis closed_ms = 0;  // 0 while open

    // Closed handshakes stay visible for 30 days; an open one lapses at its expiry, then 30 days.
    static constexpr Millis kRetentionMs = 30LL * 24 * 3600 * 1000;
    Millis visible_until_ms() const;
};

// A message AWS would have emailed (the outbox of the control plane).
struct OutboxMessage {
    std::string id;
    std::string to;
    std::string subject;
    std::string body;
    std::string handshake_id;
    Millis sent_ms = 0;
};

// Who is calling: resolved by the server's identity layer from the credentials.
struct Caller {
    std::string account_id;
};

}  // namespace localorgs::model
