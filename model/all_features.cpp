// EnableAllFeatures: the ENABLE_ALL_FEATURES parent handshake and its APPROVE_ALL_FEATURES
// children (reference §4.4-§4.5, §7 items 8-9).
#include "model/errors.hpp"
#include "model/organizations.hpp"

namespace localorgs::model {
namespace {

constexpr std::size_t kMaxAccountsForMigration = 5000;

HandshakeRecord migration_handshake(const OrganizationRecord& org, const AccountRecord& management,
                                    const std::string& id, Millis now) {
    HandshakeRecord h;
    h.id = id;
    h.organization_id = org.id;
    h.management_account_id = management.id;
    h.partition = management.partition;
    h.master_email = management.email;
    h.master_name = management.name;
    h.feature_set = org.feature_set;
    h.requested_ms = now;
    h.expiration_ms = now + Organizations::kAllFeaturesLifetimeMs;
    return h;
}

}  // namespace

std::optional<HandshakeRecord> Organizations::pending_migration(Repository& repo, const std::string& organization_id) {
    if (organization_id.empty()) return std::nullopt;
    return repo.handshakes.find_pending(organization_id, "ENABLE_ALL_FEATURES", clock_.now_ms());
}

void Organizations::settle_migration(Repository& repo, HandshakeRecord& parent) {
    if (parent.state != "REQUESTED") return;
    for (const auto& child : repo.handshakes.children(parent.id)) {
        if (child.state == "ACCEPTED") continue;
        // An account that left (or was removed) no longer holds the migration up.
        auto account = repo.accounts.find(child.recipient_account_id);
        if (account && account->organization_id == parent.organization_id) return;
    }
    parent.state = "OPEN";
    repo.handshakes.save(parent);
}

void Organizations::cancel_children(Repository& repo, const HandshakeRecord& parent) {
    if (parent.action != "ENABLE_ALL_FEATURES") return;
    const Millis now = clock_.now_ms();
    for (auto& child : repo.handshakes.children(parent.id)) {
        if (child.state == "OPEN" && now < child.expiration_ms) cancel_quietly(repo, child);
    }
}

Handshake Organizations::enable_all_features(Repository& repo, const Caller& caller) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    if (org.feature_set == "ALL")
        throw api_error(error_code::HandshakeConstraintViolationException,
                        "This organization already has all features enabled.", "ORGANIZATION_ALREADY_HAS_ALL_FEATURES");
    if (pending_migration(repo, org.id))
        throw api_error(error_code::HandshakeConstraintViolationException,
                        "This organization is already enabling all features.",
                        "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION");
    if (repo.accounts.count_members(org.id) > kMaxAccountsForMigration)
        throw_constraint("ALL_FEATURES_MIGRATION_ORGANIZATION_SIZE_LIMIT_EXCEEDED",
                         "Organizations with more than 5000 accounts must use the assisted migration.");
    const Millis now = clock_.now_ms();

    // Pending invitations are canceled; new ones are refused until the migration ends.
    for (auto& h : repo.handshakes.open_of_organization(org.id, now)) {
        if (h.action == "INVITE") cancel_quietly(repo, h);
    }

    HandshakeRecord parent = migration_handshake(org, m.account, new_handshake_id(repo), now);
    parent.action = "ENABLE_ALL_FEATURES";
    parent.state = "REQUESTED";
    parent.target_type = "ORGANIZATION";
    parent.target_id = org.id;
    parent.recipient_account_id = m.account.id;  // the management account finalises it
    repo.handshakes.save(parent);

    // Only members that joined by invitation are asked; created members' approval is inferred.
    std::string after;
    for (;;) {
        auto page = repo.accounts.members(org.id, "", after, 500);
        for (const auto& member : page) {
            if (member.joined_method != "INVITED") continue;
            HandshakeRecord child = migration_handshake(org, m.account, new_handshake_id(repo), now);
            child.action = "APPROVE_ALL_FEATURES";
            child.state = "OPEN";
            child.target_type = "ACCOUNT";
            child.target_id = member.id;
            child.recipient_account_id = member.id;
            child.parent_handshake_id = parent.id;
            repo.handshakes.save(child);
        }
        if (page.size() < 500) break;
        after = page.back().id;
    }
    settle_migration(repo, parent);  // with nobody to ask, it is OPEN at once
    return handshake_shape(parent);
}

}  // namespace localorgs::model
