#include "model/all_features.hpp"

#include "model/access.hpp"
#include "model/errors.hpp"
#include "model/service.hpp"

namespace localorgs::model {
namespace {

using api::ActionType;
using api::HandshakeState;

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
    h.expiration_ms = now + AllFeatures::kLifetimeMs;
    return h;
}

}  // namespace

std::span<const Binding> AllFeatures::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::EnableAllFeatures, &AllFeatures::enable_all_features>(),
    };
    return kOperations;
}

std::optional<HandshakeRecord> AllFeatures::pending(Repository& repo, const std::string& organization_id) {
    if (organization_id.empty()) return std::nullopt;
    return repo.handshakes.find_pending(organization_id, api::to_string(ActionType::ENABLE_ALL_FEATURES),
                                        svc_.now());
}

void AllFeatures::settle(Repository& repo, HandshakeRecord& parent) {
    if (parent.state != HandshakeState::REQUESTED) return;
    for (const auto& child : repo.handshakes.children(parent.id)) {
        if (child.state == HandshakeState::ACCEPTED) continue;
        // An account that left (or was removed) no longer holds the migration up.
        auto account = repo.accounts.find(child.recipient_account_id);
        if (account && account->organization_id == parent.organization_id) return;
    }
    parent.state = HandshakeState::OPEN;
    repo.handshakes.save(parent);
}

void AllFeatures::approved(Repository& repo, const std::string& organization_id) {
    if (auto parent = pending(repo, organization_id)) settle(repo, *parent);
}

void AllFeatures::finalize(Repository& repo, const std::string& organization_id) {
    // The management account finalises the migration; it cannot be undone.
    if (auto org = repo.organizations.find(organization_id)) {
        org->feature_set = api::OrganizationFeatureSet::ALL;
        repo.organizations.save(*org);
        // No policy type is enabled by it, unless the API text's variant is chosen (as for
        // CreateOrganization: README, The policies).
        if (svc_.options.scp_enabled_on_create)
            svc_.policies.enable(repo, *org, api::PolicyType::SERVICE_CONTROL_POLICY);
    }
}

void AllFeatures::member_left(Repository& repo, const std::string& organization_id,
                              const std::string& account_id) {
    if (auto parent = pending(repo, organization_id)) {
        // Its approval is no longer asked for: its open child closes, and the parent may proceed.
        for (auto& child : repo.handshakes.children(parent->id)) {
            if (child.recipient_account_id == account_id && child.state == HandshakeState::OPEN)
                svc_.handshakes.cancel_quietly(repo, child);
        }
        settle(repo, *parent);
    }
}

void AllFeatures::parent_closed(Repository& repo, const HandshakeRecord& parent) {
    if (parent.action != ActionType::ENABLE_ALL_FEATURES) return;
    const Millis now = svc_.now();
    for (auto& child : repo.handshakes.children(parent.id)) {
        if (child.state == HandshakeState::OPEN && now < child.expiration_ms)
            svc_.handshakes.cancel_quietly(repo, child);
    }
}

api::Handshake AllFeatures::enable_all_features(Repository& repo, const Caller& caller) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    if (org.feature_set == api::OrganizationFeatureSet::ALL)
        throw api_error(error_code::HandshakeConstraintViolationException,
                        "This organization already has all features enabled.",
                        "ORGANIZATION_ALREADY_HAS_ALL_FEATURES");
    if (pending(repo, org.id))
        throw api_error(error_code::HandshakeConstraintViolationException,
                        "This organization is already enabling all features.",
                        "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION");
    if (repo.accounts.count_members(org.id) > kMaxAccountsForMigration)
        throw_constraint("ALL_FEATURES_MIGRATION_ORGANIZATION_SIZE_LIMIT_EXCEEDED",
                         "Organizations with more than 5000 accounts must use the assisted migration.");
    const Millis now = svc_.now();

    // Pending invitations are canceled; new ones are refused until the migration ends.
    for (auto& h : repo.handshakes.open_of_organization(org.id, now)) {
        if (h.action == ActionType::INVITE) svc_.handshakes.cancel_quietly(repo, h);
    }

    HandshakeRecord parent = migration_handshake(org, m.account, svc_.handshakes.new_id(repo), now);
    parent.action = ActionType::ENABLE_ALL_FEATURES;
    parent.state = HandshakeState::REQUESTED;
    parent.target_type = api::HandshakePartyType::ORGANIZATION;
    parent.target_id = org.id;
    parent.recipient_account_id = m.account.id;  // the management account finalises it
    repo.handshakes.save(parent);

    // Only members that joined by invitation are asked; created members' approval is inferred.
    std::string after;
    for (;;) {
        auto page = repo.accounts.members(org.id, "", after, 500);
        for (const auto& member : page) {
            if (member.joined_method != api::AccountJoinedMethod::INVITED) continue;
            HandshakeRecord child = migration_handshake(org, m.account, svc_.handshakes.new_id(repo), now);
            child.action = ActionType::APPROVE_ALL_FEATURES;
            child.state = HandshakeState::OPEN;
            child.target_type = api::HandshakePartyType::ACCOUNT;
            child.target_id = member.id;
            child.recipient_account_id = member.id;
            child.parent_handshake_id = parent.id;
            repo.handshakes.save(child);
        }
        if (page.size() < 500) break;
        after = page.back().id;
    }
    settle(repo, parent);  // with nobody to ask, it is OPEN at once
    return svc_.handshakes.shape(parent);
}

}  // namespace localorgs::model
