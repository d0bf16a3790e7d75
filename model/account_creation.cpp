#include "model/account_creation.hpp"

#include <algorithm>
#include <cctype>

#include "model/errors.hpp"
#include "model/ids.hpp"
#include "model/pagination.hpp"
#include "model/service.hpp"
#include "model/tags.hpp"

namespace localorgs::model {
namespace {

using api::CreateAccountFailureReason;
using api::CreateAccountState;

// The address rules of CreateAccount's Email member (API Reference): 7-bit ASCII; one @; a local
// part without white space or " ' ( ) < > [ ] : ; , \ | % & that does not start with a dot; a
// domain of letters, digits, hyphens and dots, with a dot, not starting or ending with - or dot.
// An address the input pattern lets through but these refuse fails the request with INVALID_EMAIL.
bool acceptable_new_email(std::string_view email) {
    const auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
        return false;
    const auto local = email.substr(0, at), domain = email.substr(at + 1);
    if (local.front() == '.') return false;
    for (unsigned char c : local)
        if (c >= 0x80 || c <= 0x20 ||
            std::string_view("\"'()<>[]:;,\\|%&").find(char(c)) != std::string_view::npos)
            return false;
    if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
    if (domain.front() == '-' || domain.front() == '.' || domain.back() == '-' || domain.back() == '.')
        return false;
    for (unsigned char c : domain)
        if (!std::isalnum(c) && c != '-' && c != '.') return false;
    return true;
}

}  // namespace

std::span<const Binding> AccountCreation::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::CreateAccount, &AccountCreation::create_account>(),
        bind<api::ops::CreateGovCloudAccount, &AccountCreation::create_gov_cloud_account>(),
        bind<api::ops::DescribeCreateAccountStatus, &AccountCreation::describe_create_account_status>(),
        bind<api::ops::ListCreateAccountStatus, &AccountCreation::list_create_account_status>(),
    };
    return kOperations;
}

api::CreateAccountStatus AccountCreation::shape(const CreateAccountRequestRecord& r) const {
    api::CreateAccountStatus out;
    out.id = r.id;
    out.account_name = r.account_name;
    out.requested_ms = r.requested_ms;
    if (svc_.now() < r.completes_ms) {
        out.state = CreateAccountState::IN_PROGRESS;
        return out;
    }
    out.state = r.outcome;
    out.completed_ms = r.completes_ms;
    out.failure_reason = r.failure_reason;
    if (r.outcome == CreateAccountState::SUCCEEDED) {
        out.account_id = r.account_id;
        out.gov_cloud_account_id = r.gov_cloud_account_id;
    }
    return out;
}

std::string AccountCreation::new_account_id(Repository& repo) {
    std::string id;
    do {
        id = svc_.ids.account_id();
    } while (repo.accounts.find(id) || repo.create_account_requests.pending_account(id));
    return id;
}

std::optional<CreateAccountFailureReason> AccountCreation::failure_of(Repository& repo, const Membership& m,
                                                                      const Caller& caller,
                                                                      const Request& in) {
    // A failure armed through the control plane's faults comes first: it is what the test wants.
    if (!caller.injected_failure_reason.empty())
        return api::parse_enum<CreateAccountFailureReason>(caller.injected_failure_reason);
    if (!acceptable_new_email(in.email)) return CreateAccountFailureReason::INVALID_EMAIL;
    if (in.govcloud) {
        // The address's GovCloud account, on its own or as the twin of a commercial one.
        auto owner = repo.accounts.find_by_email(in.email);
        if (owner && owner->partition != "aws-us-gov" && !owner->twin_account_id.empty())
            owner = repo.accounts.find(owner->twin_account_id);
        if (owner && owner->partition == "aws-us-gov")
            return CreateAccountFailureReason::GOVCLOUD_ACCOUNT_ALREADY_EXISTS;
    }
    // Any account the emulator knows has its address; so will the account of a request that is
    // still to take effect. Of two requests for one address, exactly one succeeds.
    if (repo.accounts.find_by_email(in.email)) return CreateAccountFailureReason::EMAIL_ALREADY_EXISTS;
    if (repo.create_account_requests.pending_email(in.email))
        return CreateAccountFailureReason::CONCURRENT_ACCOUNT_MODIFICATION;
    const auto& org = m.organization;
    const Millis now = svc_.now();
    const std::size_t counted = repo.accounts.count_members(org.id) +
                                repo.handshakes.count_open_invitations(org.id, now) +
                                repo.create_account_requests.count_in_progress(org.id, now);
    if (counted >= std::size_t(org.quotas.max_accounts))
        return CreateAccountFailureReason::ACCOUNT_LIMIT_EXCEEDED;
    return std::nullopt;
}

CreateAccountRequestRecord AccountCreation::make(Repository& repo, const Caller& caller, const Request& in) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    const Millis now = svc_.now();
    Tags::check_keys(in.tags);
    Tags::check_count(in.tags.size());
    if (in.role_name && in.role_name->starts_with("AWSServiceRoleFor"))
        throw_invalid_input("INVALID_ROLE_NAME", "The role name " + *in.role_name +
                                                     " is reserved: names that start with AWSServiceRoleFor "
                                                     "belong to service-linked roles.");
    if (now < org.created_ms + Millis(org.quotas.initialization_seconds) * 1000)
        throw api_error(error_code::FinalizingOrganizationException,
                        "AWS Organizations couldn't perform the operation because your organization is still "
                        "initializing. Wait one hour and try again.");
    if (in.govcloud && !(m.account.govcloud_enabled && m.account.partition == "aws"))
        throw_constraint(
            "MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED",
            "The management account must have an associated account in the AWS GovCloud (US-West) "
            "Region.");
    if (repo.create_account_requests.count_in_progress(org.id, now) >=
        std::size_t(org.quotas.max_concurrent_creations))
        throw_constraint("ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED",
                         "You attempted to create more than " +
                             std::to_string(org.quotas.max_concurrent_creations) +
                             " accounts at once. Wait until a creation completes and try again.");

    CreateAccountRequestRecord r;
    do {
        r.id = svc_.ids.create_account_request_id();
    } while (repo.create_account_requests.find(r.id));
    r.organization_id = org.id;
    r.account_name = in.account_name;
    r.email = in.email;
    r.role_name = in.role_name.value_or(std::string(kDefaultRoleName));
    r.iam_user_access_to_billing = in.billing.value_or(api::IAMUserAccessToBilling::ALLOW);
    r.tags = in.tags;
    r.govcloud = in.govcloud;
    r.requested_ms = now;
    r.completes_ms = now + Millis(org.quotas.create_account_seconds) * 1000;
    if (auto reason = failure_of(repo, m, caller, in)) {
        r.outcome = CreateAccountState::FAILED;
        r.failure_reason = reason;
    } else {
        r.outcome = CreateAccountState::SUCCEEDED;
        r.account_id = new_account_id(repo);
        if (in.govcloud) {
            r.gov_cloud_account_id = new_account_id(repo);
            if (r.gov_cloud_account_id == r.account_id) r.gov_cloud_account_id = new_account_id(repo);
        }
    }
    repo.create_account_requests.save(r);
    if (r.completes_ms <= now) take_effect(repo, r);
    return r;
}

void AccountCreation::take_effect(Repository& repo, CreateAccountRequestRecord& r) {
    if (r.outcome == CreateAccountState::SUCCEEDED) {
        auto org = repo.organizations.find(r.organization_id);
        const AccountRecord management =
            known_account(repo, org ? org->management_account_id : std::string("000000000000"));
        AccountRecord a = default_account(r.account_id);
        a.email = r.email;
        a.name = r.account_name;
        a.seller_of_record = management.seller_of_record;
        a.partition = management.partition;
        a.role_name = r.role_name;
        // Created with no standalone information (API Reference, CreateAccount): what it needs to
        // leave the organization the control plane can add (README, Creating and closing accounts).
        a.phone_verified = a.eula_accepted = a.payment_instrument = false;
        a.twin_account_id = r.gov_cloud_account_id;
        if (org) {  // an organization deleted meanwhile leaves the account on its own
            a.organization_id = org->id;
            a.parent_id = org->root_id;
            a.joined_method = api::AccountJoinedMethod::CREATED;
            a.joined_ms = r.completes_ms;
        }
        repo.accounts.save(a);
        if (org) {
            if (!r.tags.empty()) repo.tags.put(a.id, r.tags);
            svc_.policies.attach_defaults(repo, *org, a.id);
        }
        if (r.govcloud) {
            AccountRecord twin = default_account(r.gov_cloud_account_id);
            twin.email = r.email;
            twin.name = r.account_name;
            twin.partition = "aws-us-gov";
            twin.role_name = r.role_name;
            twin.twin_account_id = a.id;
            repo.accounts.save(twin);
        }
    }
    r.settled = true;
    repo.create_account_requests.save(r);
}

void AccountCreation::settle(Repository& repo) {
    for (;;) {
        auto due = repo.create_account_requests.due(svc_.now(), 100);
        for (auto& r : due) take_effect(repo, r);
        if (due.size() < 100) return;
    }
}

api::CreateAccountStatus AccountCreation::create_account(Repository& repo, const Caller& caller,
                                                         const api::CreateAccountRequest& in) {
    auto r = make(repo, caller,
                  {in.email, in.account_name, in.role_name, in.iam_user_access_to_billing, in.tags, false});
    // The answer is always IN_PROGRESS, as AWS's is ("might not be fully populated"); the first
    // DescribeCreateAccountStatus shows the outcome once its time has come.
    api::CreateAccountStatus out;
    out.id = r.id;
    out.account_name = r.account_name;
    out.requested_ms = r.requested_ms;
    out.state = CreateAccountState::IN_PROGRESS;
    return out;
}

api::CreateAccountStatus AccountCreation::create_gov_cloud_account(
    Repository& repo, const Caller& caller, const api::CreateGovCloudAccountRequest& in) {
    auto r = make(repo, caller,
                  {in.email, in.account_name, in.role_name, in.iam_user_access_to_billing, in.tags, true});
    api::CreateAccountStatus out;
    out.id = r.id;
    out.account_name = r.account_name;
    out.requested_ms = r.requested_ms;
    out.state = CreateAccountState::IN_PROGRESS;
    return out;
}

api::CreateAccountStatus AccountCreation::describe_create_account_status(
    Repository& repo, const Caller& caller, const api::DescribeCreateAccountStatusRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    auto r = repo.create_account_requests.find(in.create_account_request_id);
    if (!r || r->organization_id != m.organization.id)
        throw api_error(error_code::CreateAccountStatusNotFoundException);
    return shape(*r);
}

api::ListCreateAccountStatusResponse AccountCreation::list_create_account_status(
    Repository& repo, const Caller& caller, const api::ListCreateAccountStatusRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto page = page_of(in);
    std::string scope = m.organization.id + "/";
    for (auto s : in.states) scope.append(api::to_string(s)).append(",");
    std::string after = decode_page_token(page, "create-account-status", scope);
    Millis after_ms = 0;
    std::string after_id;
    if (!after.empty()) {
        auto colon = after.find(':');
        if (colon == std::string::npos) throw_invalid_input("INVALID_NEXT_TOKEN");
        after_ms = std::stoll(after.substr(0, colon));
        after_id = after.substr(colon + 1);
    }
    auto wanted = [&](const api::CreateAccountStatus& s) {
        return in.states.empty() ||
               std::find(in.states.begin(), in.states.end(), *s.state) != in.states.end();
    };
    api::ListCreateAccountStatusResponse out;
    // The state depends on the time, so the filter runs here, over the organization's requests in
    // order; a page reads ahead until it is full.
    while (out.create_account_statuses.size() <= page.limit()) {
        auto rows = repo.create_account_requests.list(m.organization.id, after_ms, after_id, 100);
        for (const auto& r : rows) {
            after_ms = r.requested_ms;
            after_id = r.id;
            auto s = shape(r);
            if (!wanted(s)) continue;
            if (out.create_account_statuses.size() == page.limit()) {
                // One more exists: the page ends at the last one it holds.
                const auto& last = out.create_account_statuses.back();
                out.next_token = encode_page_token("create-account-status", scope,
                                                   std::to_string(last.requested_ms) + ":" + last.id);
                return out;
            }
            out.create_account_statuses.push_back(std::move(s));
        }
        if (rows.size() < 100) break;
    }
    return out;
}

}  // namespace localorgs::model
