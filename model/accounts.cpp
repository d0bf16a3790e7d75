#include "model/accounts.hpp"

#include <map>

#include "model/access.hpp"
#include "model/arn.hpp"
#include "model/errors.hpp"
#include "model/service.hpp"

namespace localorgs::model {

std::span<const Binding> Accounts::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::ListAccounts, &Accounts::list_accounts>(),
        bind<api::ops::DescribeAccount, &Accounts::describe_account>(),
        bind<api::ops::RemoveAccountFromOrganization, &Accounts::remove_account_from_organization>(),
        bind<api::ops::LeaveOrganization, &Accounts::leave_organization>(),
    };
    return kOperations;
}

AccountRecord Accounts::register_account(Repository& repo, const AccountRecord& entry) {
    // An email address names one account, as at AWS; EMAIL invitations resolve through it.
    if (auto owner = repo.accounts.find_by_email(entry.email); owner && owner->id != entry.id)
        throw api_error(error_code::ConflictException, "The email address " + entry.email +
                                                           " already belongs to account " + owner->id + ".");
    AccountRecord merged = entry;
    if (auto existing = repo.accounts.find(entry.id)) {
        merged.organization_id = existing->organization_id;
        merged.parent_id = existing->parent_id;
        merged.joined_method = existing->joined_method;
        merged.joined_ms = existing->joined_ms;
    } else {
        merged.organization_id.clear();
        merged.parent_id.clear();
        merged.joined_method.reset();
        merged.joined_ms = 0;
    }
    repo.accounts.save(merged);
    return merged;
}

void Accounts::detach(Repository& repo, AccountRecord& account) {
    const std::string left = account.organization_id;
    repo.tags.remove_all(account.id);
    account.organization_id.clear();
    account.parent_id.clear();
    account.joined_method.reset();
    account.joined_ms = 0;
    repo.accounts.save(account);
    svc_.all_features.member_left(repo, left, account.id);
}

api::Account Accounts::shape(const AccountRecord& a, const OrganizationRecord& org,
                             const std::string& partition, std::string path) const {
    api::Account out;
    out.id = a.id;
    out.arn = arn::account(partition, org.management_account_id, org.id, a.id);
    out.email = a.email;
    out.name = a.name;
    out.status = api::AccountStatus::ACTIVE;
    out.state = api::AccountState::ACTIVE;
    out.joined_method = a.joined_method;
    out.joined_ms = a.joined_ms;
    out.paths.push_back(std::move(path));
    return out;
}

api::ListAccountsResponse Accounts::member_page(Repository& repo, const OrganizationRecord& org,
                                                std::string_view parent_id, std::string_view kind,
                                                const PageRequest& page) {
    std::string scope = org.id;
    scope.append("/").append(parent_id);
    std::string after = decode_page_token(page, kind, scope);
    std::size_t limit = page.limit();
    auto rows = repo.accounts.members(org.id, parent_id, after, limit + 1);
    api::ListAccountsResponse out;
    if (rows.size() > limit) {
        rows.resize(limit);
        out.next_token = encode_page_token(kind, scope, rows.back().id);
    }
    std::string partition = known_account(repo, org.management_account_id).partition;
    // Accounts of a page share few parents: each parent's path is looked up once.
    std::map<std::string, std::string, std::less<>> parent_paths;
    out.accounts.reserve(rows.size());
    for (const auto& r : rows) {
        auto [it, fresh] = parent_paths.try_emplace(r.parent_id);
        if (fresh) it->second = svc_.tree.account_path(repo, org, r.parent_id, "");
        out.accounts.push_back(shape(r, org, partition, it->second + r.id + "/"));
    }
    return out;
}

api::ListAccountsResponse Accounts::list_accounts(Repository& repo, const Caller& caller,
                                                  const api::ListAccountsRequest& in) {
    Membership m = management_of_organization(repo, caller);
    return member_page(repo, m.organization, "", "accounts", page_of(in));
}

api::Account Accounts::describe_account(Repository& repo, const Caller& caller,
                                        const api::DescribeAccountRequest& in) {
    Membership m = management_of_organization(repo, caller);
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != m.organization.id)
        throw api_error(error_code::AccountNotFoundException);
    return shape(*account, m.organization, m.account.partition,
                 svc_.tree.account_path(repo, m.organization, account->parent_id, account->id));
}

void Accounts::remove_account_from_organization(Repository& repo, const Caller& caller,
                                                const api::RemoveAccountFromOrganizationRequest& in) {
    Membership m = management_of_organization(repo, caller);
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != m.organization.id)
        throw api_error(error_code::AccountNotFoundException);
    if (account->id == m.organization.management_account_id)
        throw api_error(error_code::MasterCannotLeaveOrganizationException);
    detach(repo, *account);
}

void Accounts::leave_organization(Repository& repo, const Caller& caller) {
    Membership m = member_of_organization(repo, caller);
    if (m.is_management()) throw api_error(error_code::MasterCannotLeaveOrganizationException);
    detach(repo, m.account);
}

}  // namespace localorgs::model
