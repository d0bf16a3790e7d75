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
        bind<api::ops::CloseAccount, &Accounts::close_account>(),
    };
    return kOperations;
}

AccountRecord Accounts::register_account(Repository& repo, const AccountRecord& entry) {
    // An email address names one account, as at AWS; EMAIL invitations resolve through it.
    // (A GovCloud account shares its commercial twin's address: another partition.)
    if (auto owner = repo.accounts.find_by_email(entry.email); owner && owner->id != entry.id &&
                                                               owner->partition == entry.partition &&
                                                               owner->twin_account_id != entry.id)
        throw api_error(error_code::ConflictException, "The email address " + entry.email +
                                                           " already belongs to account " + owner->id + ".");
    AccountRecord merged = entry;
    if (auto existing = repo.accounts.find(entry.id)) {
        // What the account did (joined, was created, is closing) is not the registry's to change.
        merged.organization_id = existing->organization_id;
        merged.parent_id = existing->parent_id;
        merged.joined_method = existing->joined_method;
        merged.joined_ms = existing->joined_ms;
        merged.role_name = existing->role_name;
        merged.twin_account_id = existing->twin_account_id;
        merged.close_requested_ms = existing->close_requested_ms;
        merged.closed_ms = existing->closed_ms;
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
    svc_.policies.forget_target(repo, left, account.id);
    repo.delegation.forget_account(left, account.id);  // a closed account leaves at last
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
    // Status is the older member, State the newer (API Reference, Account): closing is
    // PENDING_CLOSURE in both; closed is SUSPENDED / CLOSED for the post-closure period.
    const Millis now = svc_.now();
    if (a.closing(now)) {
        out.status = api::AccountStatus::PENDING_CLOSURE;
        out.state = api::AccountState::PENDING_CLOSURE;
    } else if (a.closed(now)) {
        out.status = api::AccountStatus::SUSPENDED;
        out.state = api::AccountState::CLOSED;
    } else {
        out.status = api::AccountStatus::ACTIVE;
        out.state = api::AccountState::ACTIVE;
    }
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
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    return member_page(repo, m.organization, "", "accounts", page_of(in));
}

api::Account Accounts::describe_account(Repository& repo, const Caller& caller,
                                        const api::DescribeAccountRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != m.organization.id)
        throw api_error(error_code::AccountNotFoundException);
    return shape(*account, m.organization, m.account.partition,
                 svc_.tree.account_path(repo, m.organization, account->parent_id, account->id));
}

void Accounts::check_may_leave(const AccountRecord& a) {
    const Millis now = svc_.now();
    if (a.close_requested_ms)
        throw_constraint(
            "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
            "The account " + a.id + " is being closed or is closed: it cannot leave its organization.");
    // An account the organization created must wait, then needs what a standalone account has
    // (User Guide, "Removing a member account"; the order of the checks is the emulator's).
    if (a.joined_method == api::AccountJoinedMethod::CREATED &&
        now < a.joined_ms + AccountCreation::kWaitBeforeLeavingMs)
        throw_constraint("WAIT_PERIOD_ACTIVE",
                         "The account " + a.id +
                             " was created less than four days ago: it cannot leave its "
                             "organization yet.");
    if (!a.phone_verified)
        throw_constraint("ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION",
                         "The account " + a.id + " must complete phone verification before it can leave.");
    if (!a.eula_accepted)
        throw_constraint(
            "ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA",
            "The account " + a.id + " must accept the end user license agreement before it can leave.");
    if (!a.payment_instrument)
        throw_constraint("MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED",
                         "The account " + a.id + " needs a payment method before it can leave.");
}

void Accounts::remove_account_from_organization(Repository& repo, const Caller& caller,
                                                const api::RemoveAccountFromOrganizationRequest& in) {
    Membership m = management_of_organization(repo, caller);
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != m.organization.id)
        throw api_error(error_code::AccountNotFoundException);
    if (account->id == m.organization.management_account_id)
        throw api_error(error_code::MasterCannotLeaveOrganizationException);
    check_may_leave(*account);
    Delegation::check_may_leave(repo, *account);
    detach(repo, *account);
}

void Accounts::leave_organization(Repository& repo, const Caller& caller) {
    Membership m = member_of_organization(repo, caller);
    if (m.is_management()) throw api_error(error_code::MasterCannotLeaveOrganizationException);
    check_may_leave(m.account);
    Delegation::check_may_leave(repo, m.account);
    detach(repo, m.account);
}

void Accounts::close_account(Repository& repo, const Caller& caller, const api::CloseAccountRequest& in) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    const Millis now = svc_.now();
    // "You can close an account when all features are enabled" (API Reference, CloseAccount).
    if (org.feature_set != api::OrganizationFeatureSet::ALL)
        throw_constraint("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
                         "You can close accounts only in an organization with all features enabled.");
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != org.id) throw api_error(error_code::AccountNotFoundException);
    if (account->id == org.management_account_id)
        throw_constraint(
            "CANNOT_CLOSE_MANAGEMENT_ACCOUNT",
            "You can't close the management account with CloseAccount: first remove or close all "
            "member accounts, then close it with its root user.");
    if (account->closed(now)) throw api_error(error_code::AccountAlreadyClosedException);
    if (account->closing(now))
        throw api_error(error_code::ConflictException,
                        "The account " + account->id + " is already being closed.");
    if (repo.accounts.count_closing(org.id, now) >= std::size_t(org.quotas.max_concurrent_closures))
        throw_constraint("CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED",
                         "You can close at most " + std::to_string(org.quotas.max_concurrent_closures) +
                             " accounts at a time. Try again when a closure is done.");
    // min(1000, max(250, 20% of the members)) per rolling 30 days (User Guide, "Quotas").
    const std::size_t members = repo.accounts.count_members(org.id);
    const std::size_t per_30_days =
        org.quotas.closures_per_30_days
            ? std::size_t(*org.quotas.closures_per_30_days)
            : std::min<std::size_t>(1000, std::max<std::size_t>(250, members / 5));
    if (repo.accounts.count_closures_since(org.id, now - 30LL * 24 * 3600 * 1000) >= per_30_days)
        throw_constraint(
            "CLOSE_ACCOUNT_QUOTA_EXCEEDED",
            "You have closed as many accounts as you can in 30 days (" + std::to_string(per_30_days) + ").");
    const Millis done = now + Millis(org.quotas.close_account_seconds) * 1000;
    account->close_requested_ms = now;
    account->closed_ms = done;
    repo.accounts.save(*account);
    // Closing the commercial account of a GovCloud pair closes both (API Reference, CloseAccount).
    if (!account->twin_account_id.empty()) {
        if (auto twin = repo.accounts.find(account->twin_account_id); twin && !twin->close_requested_ms) {
            twin->close_requested_ms = now;
            twin->closed_ms = done;
            repo.accounts.save(*twin);
        }
    }
}

void Accounts::purge_closed(Repository& repo) {
    for (;;) {
        auto gone = repo.accounts.closed_before(svc_.now() - AccountRecord::kPostClosureMs, 100);
        for (auto& a : gone) detach(repo, a);
        if (gone.size() < 100) return;
    }
}

}  // namespace localorgs::model
