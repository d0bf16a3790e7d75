#include "model/organization.hpp"

#include "model/access.hpp"
#include "model/arn.hpp"
#include "model/errors.hpp"
#include "model/pagination.hpp"
#include "model/service.hpp"

namespace localorgs::model {

using api::AccountJoinedMethod;
using api::OrganizationFeatureSet;

std::span<const Binding> Organizations::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::CreateOrganization, &Organizations::create_organization>(),
        bind<api::ops::DescribeOrganization, &Organizations::describe_organization>(),
        bind<api::ops::DeleteOrganization, &Organizations::delete_organization>(),
        bind<api::ops::ListRoots, &Organizations::list_roots>(),
    };
    return kOperations;
}

std::vector<api::PolicyTypeSummary> Organizations::available_policy_types(const OrganizationRecord& org) {
    // The deprecated AvailablePolicyTypes shows SCPs for an all-features organization, whatever its
    // root has enabled ("it still appears enabled for the organization": API Reference,
    // DisablePolicyType); the root's own PolicyTypes are what ListRoots shows.
    if (org.feature_set == OrganizationFeatureSet::ALL)
        return {{api::PolicyTypeStatus::ENABLED, api::PolicyType::SERVICE_CONTROL_POLICY}};
    return {};
}

api::Root Organizations::root_shape(Repository& repo, const OrganizationRecord& org) const {
    const AccountRecord mgmt = known_account(repo, org.management_account_id);
    api::Root root;
    root.id = org.root_id;
    root.arn = arn::root(mgmt.partition, mgmt.id, org.id, org.root_id);
    root.name = "Root";
    root.policy_types = Policies::root_policy_types(org);
    return root;
}

api::Organization Organizations::shape(Repository& repo, const OrganizationRecord& org) const {
    AccountRecord mgmt = known_account(repo, org.management_account_id);
    api::Organization o;
    o.id = org.id;
    o.arn = arn::organization(mgmt.partition, mgmt.id, org.id);
    o.feature_set = org.feature_set;
    o.master_account_arn = arn::account(mgmt.partition, mgmt.id, org.id, mgmt.id);
    o.master_account_id = mgmt.id;
    o.master_account_email = mgmt.email;
    o.available_policy_types = available_policy_types(org);
    return o;
}

api::Organization Organizations::create_organization(Repository& repo, const Caller& caller,
                                                     const api::CreateOrganizationRequest& in) {
    AccountRecord account = known_account(repo, caller.account_id);
    if (!account.standalone()) throw api_error(error_code::AlreadyInOrganizationException);

    OrganizationRecord org;
    do {
        org.id = svc_.ids.organization_id();
    } while (repo.organizations.find(org.id));
    org.management_account_id = account.id;
    org.feature_set = in.feature_set.value_or(OrganizationFeatureSet::ALL);
    org.root_id = svc_.ids.root_id();
    org.created_ms = svc_.now();
    org.quotas = svc_.options.default_quotas;
    repo.organizations.save(org);

    account.organization_id = org.id;
    account.parent_id = org.root_id;
    account.joined_method = AccountJoinedMethod::CREATED;
    account.joined_ms = org.created_ms;
    repo.accounts.save(account);
    // AWS is observed to leave every policy type disabled in a new organization's root, although
    // the API text says SCPs are enabled; that variant is a switch (README, The policies).
    if (org.feature_set == OrganizationFeatureSet::ALL && svc_.options.scp_enabled_on_create)
        svc_.policies.enable(repo, org, api::PolicyType::SERVICE_CONTROL_POLICY);
    return shape(repo, org);
}

api::Organization Organizations::describe_organization(Repository& repo, const Caller& caller) {
    Membership m = member_of_organization(repo, caller);
    return shape(repo, m.organization);
}

void Organizations::delete_organization(Repository& repo, const Caller& caller) {
    Membership m = management_of_organization(repo, caller);
    if (repo.accounts.count_members(m.organization.id) > 1)
        throw api_error(error_code::OrganizationNotEmptyException);
    // Not while a transfer invitation is pending either way or a transfer is in force (API
    // Reference, ConstraintViolationException ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS).
    svc_.transfers.check_no_active_process(repo, m.organization);
    // Invitations and a migration still pending die with the organization.
    for (auto& h : repo.handshakes.open_of_organization(m.organization.id, svc_.now()))
        svc_.handshakes.cancel_quietly(repo, h);
    repo.tags.remove_all(m.organization.root_id);
    // The tree and the policies go with the organization (User Guide, "Deleting an organization").
    svc_.tree.remove_all(repo, m.organization);
    repo.policies.remove_all(m.organization.id);
    repo.delegation.remove_all(m.organization.id);
    svc_.accounts.detach(repo, m.account);
    repo.organizations.remove(m.organization.id);
}

api::ListRootsResponse Organizations::list_roots(Repository& repo, const Caller& caller,
                                                 const api::ListRootsRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    // One root per organization: it always fits the first page, so no token is ever issued.
    decode_page_token(page_of(in), "roots", m.organization.id);
    api::ListRootsResponse out;
    out.roots.push_back(root_shape(repo, m.organization));
    return out;
}

}  // namespace localorgs::model
