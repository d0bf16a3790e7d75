#include "model/access.hpp"

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

}  // namespace localorgs::model
