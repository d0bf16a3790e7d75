// RemoveAccountFromOrganization and LeaveOrganization.
#include "model/errors.hpp"
#include "model/organizations.hpp"

namespace localorgs::model {

void Organizations::remove_account_from_organization(Repository& repo, const Caller& caller,
                                                     const std::string& account_id) {
    Membership m = management_of_organization(repo, caller);
    auto account = repo.accounts.find(account_id);
    if (!account || account->organization_id != m.organization.id)
        throw api_error(error_code::AccountNotFoundException);
    if (account->id == m.organization.management_account_id)
        throw api_error(error_code::MasterCannotLeaveOrganizationException);
    detach(repo, *account);
}

void Organizations::leave_organization(Repository& repo, const Caller& caller) {
    Membership m = member_of_organization(repo, caller);
    if (m.is_management()) throw api_error(error_code::MasterCannotLeaveOrganizationException);
    detach(repo, m.account);
}

}  // namespace localorgs::model
