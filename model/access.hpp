#pragma once
// Who the caller is to an organization, as every operation asks first: registered on first sight
// (README, Identity), a member or not, the management account or not.
#include <string>

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

}  // namespace localorgs::model
