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
    // Creating and closing accounts (API Reference, CreateAccount and CloseAccount; User Guide,
    // "Quotas"): how long each takes in emulator time, and how many may run at once.
    int create_account_seconds = 0;
    int close_account_seconds = 0;
    int max_concurrent_creations = 5;
    int max_concurrent_closures = 3;
    std::optional<int> closures_per_30_days;  // nullopt: AWS's max(250, 20% of members), at most 1000
    // Responsibility (billing) transfers (Billing User Guide, "Quotas for billing transfer"): the
    // transfers this organization pays for, invitations included (AWS's default is 0, adjustable
    // to 1,000; ours lets one invite), those it lets another pay for (AWS: 1, not adjustable),
    // how many levels a chain of payers may have and how many transfers one chain may hold
    // (AWS: two levels "for selected accounts"; the second figure is ours: README, Responsibility transfers).
    int max_inbound_transfers = 20;
    int max_outbound_transfers = 1;
    int max_transfer_chain_levels = 2;
    int max_transfers_in_chain = 1000;
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

    // An account the organization created: the role its management account assumes, and what it
    // lacks to stand alone (each true for any other account; the control plane can set them).
    std::string role_name;
    bool phone_verified = true;
    bool eula_accepted = true;
    bool payment_instrument = true;
    // The management account may create GovCloud accounts (set by the config or control plane).
    bool govcloud_enabled = false;
    // The other account of a CreateGovCloudAccount pair (commercial <-> aws-us-gov), if any.
    std::string twin_account_id;
    // CloseAccount: when it was asked (0: never) and when the closure is done.
    Millis close_requested_ms = 0;
    Millis closed_ms = 0;

    bool standalone() const { return organization_id.empty(); }
    bool closing(Millis now) const { return close_requested_ms != 0 && now < closed_ms; }
    bool closed(Millis now) const { return close_requested_ms != 0 && now >= closed_ms; }
    // A closed account stays in its organization this long, then leaves it for good (reference:
    // User Guide, "Closing a member account").
    static constexpr Millis kPostClosureMs = 90LL * 24 * 3600 * 1000;
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
    // The policy types enabled in the root, in the order they were enabled.
    std::vector<api::PolicyType> enabled_policy_types;

    bool policy_type_enabled(api::PolicyType type) const {
        for (auto t : enabled_policy_types)
            if (t == type) return true;
        return false;
    }
};

// A customer policy (the AWS-managed ones are not stored: model/policies.hpp makes them).
struct PolicyRecord {
    std::string id;  // p-...
    std::string organization_id;
    api::PolicyType type = api::PolicyType::SERVICE_CONTROL_POLICY;
    std::string name;
    std::string description;
    std::string content;  // as sent
    Millis created_ms = 0;
    Millis updated_ms = 0;
};

// A policy attached to a root, OU or account of an organization; seq orders attachments.
struct AttachmentRecord {
    std::int64_t seq = 0;
    std::string organization_id;
    std::string policy_id;
    std::string target_id;
    api::PolicyType type = api::PolicyType::SERVICE_CONTROL_POLICY;
    Millis attached_ms = 0;
};

// An attachment with what its policy says: the content and last update of a customer policy;
// empty and 0 for an AWS-managed one, which is not stored.
struct AppliedPolicyRecord {
    AttachmentRecord attachment;
    std::string content;
    Millis updated_ms = 0;
};

// A service the organization trusts (EnableAWSServiceAccess).
struct ServiceAccessRecord {
    std::string organization_id;
    std::string service_principal;
    Millis enabled_ms = 0;
};

// A member registered as delegated administrator for a service (RegisterDelegatedAdministrator).
struct DelegatedAdministratorRecord {
    std::string organization_id;
    std::string account_id;
    std::string service_principal;
    Millis enabled_ms = 0;  // for an account's summary over all services: its earliest
};

// The organization's resource-based delegation policy (PutResourcePolicy): one per organization.
struct ResourcePolicyRecord {
    std::string id;  // rp-...
    std::string organization_id;
    std::string content;  // as sent
    Millis created_ms = 0;
    Millis updated_ms = 0;
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

// A CreateAccount or CreateGovCloudAccount request. Its outcome is decided when it is made (so
// that of two requests for one address exactly one succeeds) and takes effect once its time has
// come (completes_ms); until then it shows IN_PROGRESS.
struct CreateAccountRequestRecord {
    std::string id;  // car-...
    std::string organization_id;
    std::string account_name;
    std::string email;
    std::string role_name;
    api::IAMUserAccessToBilling iam_user_access_to_billing = api::IAMUserAccessToBilling::ALLOW;
    std::vector<Tag> tags;
    bool govcloud = false;
    Millis requested_ms = 0;
    Millis completes_ms = 0;
    api::CreateAccountState outcome = api::CreateAccountState::SUCCEEDED;
    std::optional<api::CreateAccountFailureReason> failure_reason;
    std::string account_id;            // SUCCEEDED
    std::string gov_cloud_account_id;  // SUCCEEDED, GovCloud
    bool settled = false;              // the outcome is in place (the account exists)
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
    std::vector<Tag> tags;  // attached to the account (the transfer) when it accepts
    // TRANSFER_RESPONSIBILITY: the transfer it offers, its type and start (for its Resources).
    std::string transfer_id;
    std::optional<api::ResponsibilityTransferType> transfer_type;
    Millis transfer_start_ms = 0;
    Millis requested_ms = 0;
    Millis expiration_ms = 0;
    Millis closed_ms = 0;  // 0 while open

    // Closed handshakes stay visible for 30 days; an open one lapses at its expiry, then 30 days.
    static constexpr Millis kRetentionMs = 30LL * 24 * 3600 * 1000;
    Millis visible_until_ms() const;
};

// A responsibility transfer (Organizations API Reference, ResponsibilityTransfer): made when the
// invitation is sent, REQUESTED while its handshake is open. The Target pays (the inviter, for
// whom the transfer is inbound); the Source lets it (the invitee, outbound). An EMAIL invitation
// names its source by address until an account accepts it.
struct ResponsibilityTransferRecord {
    std::string id;  // rt-...
    api::ResponsibilityTransferType type = api::ResponsibilityTransferType::BILLING;
    std::string name;
    // As stored: a REQUESTED one whose handshake lapsed shows EXPIRED.
    api::ResponsibilityTransferStatus status = api::ResponsibilityTransferStatus::REQUESTED;
    std::string partition;  // of the inviter, for the ARNs
    std::string target_organization_id;
    std::string target_account_id;
    std::string source_account_id;       // "" for an EMAIL invitation not accepted yet
    std::string recipient_email;         // EMAIL invitations, lower-cased
    std::string source_organization_id;  // "" until accepted
    std::string handshake_id;
    Millis requested_ms = 0;
    Millis expiration_ms = 0;  // the handshake's
    Millis start_ms = 0;
    Millis end_ms = 0;     // 0 until withdrawn
    Millis closed_ms = 0;  // when it was accepted, declined, canceled or withdrawn

    bool lapsed(Millis now) const {
        return status == api::ResponsibilityTransferStatus::REQUESTED && now >= expiration_ms;
    }
    // Counts towards both organizations' quotas: accepted, or withdrawn but not ended yet (its
    // last millisecond, end_ms, included).
    bool in_force(Millis now) const {
        return status == api::ResponsibilityTransferStatus::ACCEPTED ||
               (status == api::ResponsibilityTransferStatus::WITHDRAWN && now <= end_ms);
    }
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
    Caller() = default;
    Caller(std::string account_id, std::string injected_failure_reason = {})
        : account_id(std::move(account_id)), injected_failure_reason(std::move(injected_failure_reason)) {}

    std::string account_id;
    // A failure the control plane armed for this call: a CreateAccount that fails with this
    // FailureReason (server/faults.hpp). Empty for every other call.
    std::string injected_failure_reason;
};

}  // namespace localorgs::model
