#pragma once
// Accounts the organization creates: CreateAccount, CreateGovCloudAccount,
// DescribeCreateAccountStatus, ListCreateAccountStatus (API Reference of each; User Guide,
// "Creating a member account"). A request is decided when it is made and takes effect when its
// time has come (the organization's CreateAccountSeconds, 0 by default); until then it shows
// IN_PROGRESS. Service::before puts due requests in place ahead of every call.
#include <span>
#include <string>
#include <string_view>

#include "model/access.hpp"
#include "model/operation.hpp"

namespace localorgs::model {

class AccountCreation {
public:
    explicit AccountCreation(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::CreateAccountStatus create_account(Repository& repo, const Caller& caller,
                                            const api::CreateAccountRequest& in);
    api::CreateAccountStatus create_gov_cloud_account(Repository& repo, const Caller& caller,
                                                      const api::CreateGovCloudAccountRequest& in);
    api::CreateAccountStatus describe_create_account_status(
        Repository& repo, const Caller& caller, const api::DescribeCreateAccountStatusRequest& in);
    api::ListCreateAccountStatusResponse list_create_account_status(
        Repository& repo, const Caller& caller, const api::ListCreateAccountStatusRequest& in);

    // Puts in place every request whose time has come: the account is created, or nothing happens
    // for a failed one. Idempotent; a no-op (one index lookup) when none is due.
    void settle(Repository& repo);

    static constexpr std::string_view kDefaultRoleName = "OrganizationAccountAccessRole";
    // A created account may leave its organization this long after it was created (User Guide,
    // "Quotas": "Minimum age of a created account before removal").
    static constexpr Millis kWaitBeforeLeavingMs = 4LL * 24 * 3600 * 1000;

private:
    struct Request {
        std::string email, account_name;
        std::optional<std::string> role_name;
        std::optional<api::IAMUserAccessToBilling> billing;
        const std::vector<Tag>& tags;
        bool govcloud;
    };
    CreateAccountRequestRecord make(Repository& repo, const Caller& caller, const Request& in);
    std::optional<api::CreateAccountFailureReason> failure_of(Repository& repo, const Membership& m,
                                                              const Caller& caller, const Request& in);
    void take_effect(Repository& repo, CreateAccountRequestRecord& r);
    api::CreateAccountStatus shape(const CreateAccountRequestRecord& r) const;
    std::string new_account_id(Repository& repo);
    Service& svc_;
};

}  // namespace localorgs::model
