#pragma once
// AWS Organizations, one method per API operation. Each runs inside the caller's unit of work
// (the repository passed in) and throws api_error for every refusal.
#include <optional>
#include <string>
#include <vector>

#include "model/clock.hpp"
#include "model/ids.hpp"
#include "model/pagination.hpp"
#include "model/repository.hpp"
#include "model/types.hpp"

namespace localorgs::model {

struct ServiceOptions {
    Quotas default_quotas;       // copied into each new organization
    bool direct_transfer = true;  // a member of another organization may accept (AWS since Dec 2025)
};

struct InviteRequest {
    HandshakeParty target;
    std::optional<std::string> notes;
    std::vector<Tag> tags;
};

struct HandshakeFilter {
    std::optional<std::string> action_type;
    std::optional<std::string> parent_handshake_id;
};

class Organizations {
public:
    Organizations(const Clock& clock, IdGenerator& ids, ServiceOptions options);

    Organization create_organization(Repository& repo, const Caller& caller,
                                     const std::optional<std::string>& feature_set);
    Organization describe_organization(Repository& repo, const Caller& caller);
    void delete_organization(Repository& repo, const Caller& caller);

    Page<Root> list_roots(Repository& repo, const Caller& caller, const PageRequest& page);
    Page<Account> list_accounts(Repository& repo, const Caller& caller, const PageRequest& page);
    Account describe_account(Repository& repo, const Caller& caller, const std::string& account_id);
    Page<Parent> list_parents(Repository& repo, const Caller& caller, const std::string& child_id,
                              const PageRequest& page);
    Page<Child> list_children(Repository& repo, const Caller& caller, const std::string& parent_id,
                              const std::string& child_type, const PageRequest& page);
    Page<Account> list_accounts_for_parent(Repository& repo, const Caller& caller,
                                           const std::string& parent_id, const PageRequest& page);

    Page<Tag> list_tags_for_resource(Repository& repo, const Caller& caller, const std::string& resource_id,
                                     const std::optional<std::string>& next_token);
    void tag_resource(Repository& repo, const Caller& caller, const std::string& resource_id,
                      const std::vector<Tag>& tags);
    void untag_resource(Repository& repo, const Caller& caller, const std::string& resource_id,
                        const std::vector<std::string>& keys);

    // Invitations and the handshake lifecycle (model/handshakes.cpp).
    Handshake invite_account_to_organization(Repository& repo, const Caller& caller, const InviteRequest& request);
    Handshake accept_handshake(Repository& repo, const Caller& caller, const std::string& handshake_id);
    Handshake decline_handshake(Repository& repo, const Caller& caller, const std::string& handshake_id);
    Handshake cancel_handshake(Repository& repo, const Caller& caller, const std::string& handshake_id);
    Handshake describe_handshake(Repository& repo, const Caller& caller, const std::string& handshake_id);
    Page<Handshake> list_handshakes_for_account(Repository& repo, const Caller& caller, const HandshakeFilter& filter,
                                                const PageRequest& page);
    Page<Handshake> list_handshakes_for_organization(Repository& repo, const Caller& caller,
                                                     const HandshakeFilter& filter, const PageRequest& page);

    // The migration from consolidated billing to all features (model/all_features.cpp).
    Handshake enable_all_features(Repository& repo, const Caller& caller);

    // Membership changes (model/membership.cpp).
    void remove_account_from_organization(Repository& repo, const Caller& caller, const std::string& account_id);
    void leave_organization(Repository& repo, const Caller& caller);

    // The caller's registry entry, registered with defaults on first sight (design §4).
    AccountRecord known_account(Repository& repo, const std::string& account_id);
    // Creates or updates a registry entry (email, name, seller, partition, verification) and
    // keeps the account's membership as it is.
    AccountRecord register_account(Repository& repo, const AccountRecord& entry);

    static constexpr std::size_t kMaxTagsPerResource = 50;
    static constexpr Millis kInviteLifetimeMs = 15LL * 24 * 3600 * 1000;
    static constexpr Millis kRateWindowMs = 24LL * 3600 * 1000;
    static constexpr Millis kAllFeaturesLifetimeMs = 90LL * 24 * 3600 * 1000;

private:
    struct Membership {
        AccountRecord account;
        OrganizationRecord organization;
        bool is_management() const { return account.id == organization.management_account_id; }
    };
    Membership member_of_organization(Repository& repo, const Caller& caller);  // NotInUse if standalone
    Membership management_of_organization(Repository& repo, const Caller& caller);  // + AccessDenied
    // The organization's root or one of its member accounts, as a tag target.
    void require_taggable(Repository& repo, const Membership& m, const std::string& resource_id);

    // Tags of an invitation or TagResource call: INVALID_SYSTEM_TAGS_PARAMETER, DUPLICATE_TAG_KEY.
    static void check_tag_keys(const std::vector<Tag>& tags);
    // The account leaves its organization: membership and the organization's tags on it go, and
    // a pending all-features migration no longer waits for its approval.
    void detach(Repository& repo, AccountRecord& account);
    // The organization's pending ENABLE_ALL_FEATURES handshake, if any.
    std::optional<HandshakeRecord> pending_migration(Repository& repo, const std::string& organization_id);
    // REQUESTED parent -> OPEN once every child addressed to a current member is ACCEPTED.
    void settle_migration(Repository& repo, HandshakeRecord& parent);
    // The service closes a handshake (organization deleted, migration started, member gone).
    void cancel_quietly(Repository& repo, HandshakeRecord& h);
    std::string new_handshake_id(Repository& repo);
    // Closes the OPEN children of a parent that was canceled or declined.
    void cancel_children(Repository& repo, const HandshakeRecord& parent);
    Handshake accept_invitation(Repository& repo, AccountRecord& acceptor, HandshakeRecord& h);
    // A handshake as the caller may see it (HandshakeNotFound otherwise), lapsed ones as EXPIRED.
    HandshakeRecord visible_handshake(Repository& repo, const std::string& id);
    bool is_recipient(const HandshakeRecord& h, const AccountRecord& account) const;
    // Throws unless `allowed`: HandshakeNotFoundException to a non-party, AccessDenied to a party.
    void check_role(const HandshakeRecord& h, const AccountRecord& account, bool allowed) const;
    // Moves an OPEN handshake to `to`, or throws the state error a closed one gives.
    HandshakeRecord& close(HandshakeRecord& h, const std::string& to);
    Handshake handshake_shape(const HandshakeRecord& h) const;
    Page<Handshake> handshake_page(Repository& repo, HandshakeQuery query, std::string_view kind,
                                   const std::string& scope, const HandshakeFilter& filter, const PageRequest& page);
    void check_seller(const AccountRecord& management, const AccountRecord& account) const;

    Organization organization_shape(Repository& repo, const OrganizationRecord& org);
    Account account_shape(const AccountRecord& a, const OrganizationRecord& org, const std::string& partition);
    Page<Account> member_page(Repository& repo, const OrganizationRecord& org, std::string_view parent_id,
                              std::string_view kind, const PageRequest& page);

    const Clock& clock_;
    IdGenerator& ids_;
    ServiceOptions options_;
};

}  // namespace localorgs::model
