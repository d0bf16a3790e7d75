#pragma once
// Who the caller is to an organization, as every operation asks first: registered on first sight
// (README, Identity), a member or not, the management account or not.
#include <span>
#include <string>
#include <string_view>

#include "model/repository.hpp"
#include "model/types.hpp"

namespace localorgs::model {

struct Membership {
    AccountRecord account;
    OrganizationRecord organization;
    bool is_management() const { return account.id == organization.management_account_id; }
};

// The account's registry entry, registered with defaults when it is seen for the first time.
AccountRecord known_account(Repository& repo, const std::string& account_id);
// The caller and its organization; AWSOrganizationsNotInUseException while it is standalone.
Membership member_of_organization(Repository& repo, const Caller& caller);
// As member_of_organization, and AccessDeniedException unless it is the management account.
Membership management_of_organization(Repository& repo, const Caller& caller);

// Who may call an operation (each operation's API Reference page: "You can only call this
// operation from ..."; README, Who may call what). Service::before applies the rule before the
// operation runs, so an operation whose rule lets members in takes its caller with
// member_of_organization.
enum class Access {
    any,              // any account: the operation says what a standalone account or a member gets
    management,       // the management account only
    delegated_read,   // the management account, a delegated administrator, or a member the
                      // organization's delegation policy allows
    delegated_write,  // the management account, or a member the delegation policy allows
};
struct AccessRule {
    std::string_view operation;
    Access access;
};
// The rule of each of the service model's operations, in name order.
std::span<const AccessRule> access_rules();
// The rule of `operation`; Access::management for a name that is not an operation.
Access access_of(std::string_view operation);
std::string_view to_string(Access access);

}  // namespace localorgs::model
