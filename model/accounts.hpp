#pragma once
// Accounts: the registry of accounts the emulator knows (config, control plane, first sight),
// ListAccounts, DescribeAccount, CloseAccount, RemoveAccountFromOrganization and
// LeaveOrganization, and what happens to an account that leaves its organization. Creating
// accounts is model/account_creation.hpp.
#include <span>
#include <string_view>

#include "model/operation.hpp"
#include "model/pagination.hpp"

namespace localorgs::model {

class Accounts {
public:
    explicit Accounts(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::ListAccountsResponse list_accounts(Repository& repo, const Caller& caller,
                                            const api::ListAccountsRequest& in);
    api::Account describe_account(Repository& repo, const Caller& caller,
                                  const api::DescribeAccountRequest& in);
    void remove_account_from_organization(Repository& repo, const Caller& caller,
                                          const api::RemoveAccountFromOrganizationRequest& in);
    void leave_organization(Repository& repo, const Caller& caller);
    void close_account(Repository& repo, const Caller& caller, const api::CloseAccountRequest& in);

    // Closed accounts leave their organization for good once the post-closure period is over.
    void purge_closed(Repository& repo);

    // Creates or updates a registry entry (email, name, seller, partition, verification) and
    // keeps the account's membership as it is. An email address names one account.
    AccountRecord register_account(Repository& repo, const AccountRecord& entry);
    // The account leaves its organization: membership and the organization's tags on it go, and
    // a pending all-features migration no longer waits for its approval.
    void detach(Repository& repo, AccountRecord& account);

    // The account as the API shows it; `path` is where it is (Tree::account_path).
    api::Account shape(const AccountRecord& a, const OrganizationRecord& org, const std::string& partition,
                       std::string path) const;
    // A page of the organization's members (directly under parent_id unless it is empty), by id.
    api::ListAccountsResponse member_page(Repository& repo, const OrganizationRecord& org,
                                          std::string_view parent_id, std::string_view kind,
                                          const PageRequest& page);

private:
    // What keeps an account in its organization when it or its management account asks to leave
    // (ConstraintViolationException reasons of RemoveAccountFromOrganization / LeaveOrganization).
    void check_may_leave(const AccountRecord& account);
    Service& svc_;
};

}  // namespace localorgs::model
