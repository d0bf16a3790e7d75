#include "model/access.hpp"

#include <algorithm>
#include <array>

#include "model/errors.hpp"

namespace localorgs::model {

AccountRecord known_account(Repository& repo, const std::string& account_id) {
    if (auto found = repo.accounts.find(account_id)) return *std::move(found);
    AccountRecord fresh = default_account(account_id);
    repo.accounts.save(fresh);
    return fresh;
}

Membership member_of_organization(Repository& repo, const Caller& caller) {
    AccountRecord account = known_account(repo, caller.account_id);
    if (account.standalone()) throw api_error(error_code::AWSOrganizationsNotInUseException);
    auto org = repo.organizations.find(account.organization_id);
    if (!org) throw api_error(error_code::AWSOrganizationsNotInUseException);
    return {std::move(account), *std::move(org)};
}

Membership management_of_organization(Repository& repo, const Caller& caller) {
    Membership m = member_of_organization(repo, caller);
    if (!m.is_management()) throw api_error(error_code::AccessDeniedException);
    return m;
}

namespace {

using enum Access;
// The API Reference's caller sentence of each operation (the User Guide's "Actions, resources and
// condition keys" agrees). DescribeOrganization, DescribeEffectivePolicy (its own account), the
// handshake operations of a recipient and LeaveOrganization are for any account the operation
// accepts; responsibility transfers are between management accounts.
constexpr std::array kRules{
    AccessRule{"AcceptHandshake", any},
    AccessRule{"AttachPolicy", delegated_write},
    AccessRule{"CancelHandshake", any},
    AccessRule{"CloseAccount", management},
    AccessRule{"CreateAccount", management},
    AccessRule{"CreateGovCloudAccount", management},
    AccessRule{"CreateOrganization", any},
    AccessRule{"CreateOrganizationalUnit", management},
    AccessRule{"CreatePolicy", delegated_write},
    AccessRule{"DeclineHandshake", any},
    AccessRule{"DeleteOrganization", management},
    AccessRule{"DeleteOrganizationalUnit", management},
    AccessRule{"DeletePolicy", delegated_write},
    AccessRule{"DeleteResourcePolicy", management},
    AccessRule{"DeregisterDelegatedAdministrator", management},
    AccessRule{"DescribeAccount", delegated_read},
    AccessRule{"DescribeCreateAccountStatus", delegated_read},
    AccessRule{"DescribeEffectivePolicy", any},
    AccessRule{"DescribeHandshake", any},
    AccessRule{"DescribeOrganization", any},
    AccessRule{"DescribeOrganizationalUnit", delegated_read},
    AccessRule{"DescribePolicy", delegated_read},
    AccessRule{"DescribeResourcePolicy", delegated_read},
    AccessRule{"DescribeResponsibilityTransfer", management},
    AccessRule{"DetachPolicy", delegated_write},
    AccessRule{"DisableAWSServiceAccess", management},
    AccessRule{"DisablePolicyType", delegated_write},
    AccessRule{"EnableAWSServiceAccess", management},
    AccessRule{"EnableAllFeatures", management},
    AccessRule{"EnablePolicyType", delegated_write},
    AccessRule{"InviteAccountToOrganization", management},
    AccessRule{"InviteOrganizationToTransferResponsibility", management},
    AccessRule{"LeaveOrganization", any},
    AccessRule{"ListAWSServiceAccessForOrganization", delegated_read},
    AccessRule{"ListAccounts", delegated_read},
    AccessRule{"ListAccountsForParent", delegated_read},
    AccessRule{"ListAccountsWithInvalidEffectivePolicy", delegated_read},
    AccessRule{"ListChildren", delegated_read},
    AccessRule{"ListCreateAccountStatus", delegated_read},
    AccessRule{"ListDelegatedAdministrators", delegated_read},
    AccessRule{"ListDelegatedServicesForAccount", delegated_read},
    AccessRule{"ListEffectivePolicyValidationErrors", delegated_read},
    AccessRule{"ListHandshakesForAccount", any},
    AccessRule{"ListHandshakesForOrganization", delegated_read},
    AccessRule{"ListInboundResponsibilityTransfers", management},
    AccessRule{"ListOrganizationalUnitsForParent", delegated_read},
    AccessRule{"ListOutboundResponsibilityTransfers", management},
    AccessRule{"ListParents", delegated_read},
    AccessRule{"ListPolicies", delegated_read},
    AccessRule{"ListPoliciesForTarget", delegated_read},
    AccessRule{"ListRoots", delegated_read},
    AccessRule{"ListTagsForResource", delegated_read},
    AccessRule{"ListTargetsForPolicy", delegated_read},
    AccessRule{"MoveAccount", management},
    AccessRule{"PutResourcePolicy", management},
    AccessRule{"RegisterDelegatedAdministrator", management},
    AccessRule{"RemoveAccountFromOrganization", management},
    AccessRule{"TagResource", delegated_write},
    AccessRule{"TerminateResponsibilityTransfer", management},
    AccessRule{"UntagResource", delegated_write},
    AccessRule{"UpdateOrganizationalUnit", management},
    AccessRule{"UpdatePolicy", delegated_write},
    AccessRule{"UpdateResponsibilityTransfer", management},
};
static_assert(std::is_sorted(kRules.begin(), kRules.end(),
                             [](const AccessRule& a, const AccessRule& b) { return a.operation < b.operation; }),
              "in name order: access_of searches it");

}  // namespace

std::span<const AccessRule> access_rules() {
    return kRules;
}

Access access_of(std::string_view operation) {
    auto it = std::lower_bound(kRules.begin(), kRules.end(), operation,
                               [](const AccessRule& r, std::string_view name) { return r.operation < name; });
    return it != kRules.end() && it->operation == operation ? it->access : management;
}

std::string_view to_string(Access access) {
    switch (access) {
        case any: return "any account";
        case management: return "management account";
        case delegated_read: return "management account or delegated administrator";
        case delegated_write: return "management account or delegation policy";
    }
    return "";
}

}  // namespace localorgs::model
