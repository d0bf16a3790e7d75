#pragma once
// Domain types: what the repository stores (records) and what operations answer (AWS shapes).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localorgs::model {

using Millis = std::int64_t;  // epoch milliseconds

// Per-organization limits; the config's "Quotas" seeds them when an organization is created.
struct Quotas {
    int max_accounts = 10;
    std::optional<int> invitations_per_day;  // nullopt: max(20, max_accounts)
    int initialization_seconds = 0;
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
    std::string joined_method;  // INVITED or CREATED
    Millis joined_ms = 0;

    bool standalone() const { return organization_id.empty(); }
};

// Registry defaults for an account id seen for the first time (design §4).
AccountRecord default_account(const std::string& id);

struct OrganizationRecord {
    std::string id;
    std::string management_account_id;
    std::string feature_set;  // ALL or CONSOLIDATED_BILLING
    std::string root_id;
    Millis created_ms = 0;
    Quotas quotas;
};

struct Tag {
    std::string key;
    std::string value;
    bool operator==(const Tag&) const = default;
};

struct PolicyTypeSummary {
    std::string type;
    std::string status;
};

// A handshake as stored. Resources are rebuilt from the snapshot taken when it was sent.
struct HandshakeRecord {
    std::string id;
    std::string organization_id;
    std::string management_account_id;  // the sender; the account in the ARN
    std::string partition;              // of the sender, for the ARN
    std::string action;                 // INVITE, ...
    std::string state;                  // as stored: an OPEN one may have lapsed (see Handshakes)
    std::string target_type;            // ACCOUNT or EMAIL, as given
    std::string target_id;              // as given
    std::string recipient_account_id;   // ACCOUNT targets
    std::string recipient_email;        // EMAIL targets, lower-cased
    std::optional<std::string> notes;
    std::string master_email, master_name, feature_set;  // the organization when it was sent
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

// --- AWS output shapes -------------------------------------------------------------------

struct Organization {
    std::string id, arn, feature_set, master_account_arn, master_account_id, master_account_email;
    std::vector<PolicyTypeSummary> available_policy_types;
};

struct Account {
    std::string id, arn, email, name, status, state, joined_method;
    Millis joined_ms = 0;
};

struct Root {
    std::string id, arn, name;
    std::vector<PolicyTypeSummary> policy_types;
};

struct Parent {
    std::string id, type;  // ROOT or ORGANIZATIONAL_UNIT
};

struct Child {
    std::string id, type;  // ACCOUNT or ORGANIZATIONAL_UNIT
};

struct HandshakeParty {
    std::string id, type;
};

struct HandshakeResource {
    std::string type, value;
    std::vector<HandshakeResource> resources;
};

struct Handshake {
    std::string id, arn, state, action;
    std::vector<HandshakeParty> parties;
    std::vector<HandshakeResource> resources;
    Millis requested_ms = 0;
    Millis expiration_ms = 0;
};

template <class T>
struct Page {
    std::vector<T> items;
    std::optional<std::string> next_token;
};

// Who is calling: resolved by the server's identity layer from the credentials.
struct Caller {
    std::string account_id;
};

}  // namespace localorgs::model
