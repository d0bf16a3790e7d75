// Creating and closing accounts (issue 14; API Reference of CreateAccount, CreateGovCloudAccount,
// DescribeCreateAccountStatus, ListCreateAccountStatus, CloseAccount, RemoveAccountFromOrganization
// and LeaveOrganization). Every call goes through its binding, as the server runs it: settling
// what time has brought about first. Every test case name starts "accounts: ".
#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "model/calls.hpp"
#include "model/errors.hpp"
#include "model/expect_error.hpp"
#include "model/org_fixture.hpp"
#include "model/test_store.hpp"

using namespace localorgs;
using model::Caller;
using model::error_code;
using testing::expect_error;
namespace api = model::api;
namespace ops = model::api::ops;

namespace {

constexpr model::Millis kSecond = 1000;
constexpr model::Millis kDay = 24 * 3600 * kSecond;
const Caller kMgmt{"111111111111"};
const Caller kMember{"222222222222"};

struct AccountsFixture : testing::OrgFixture {
    AccountsFixture() : OrgFixture(14, "boss@example.com") {}
    api::CreateAccountStatus create(const std::string& email, const std::string& name = "New",
                                    std::vector<model::Tag> tags = {},
                                    std::optional<std::string> role = std::nullopt,
                                    const Caller& caller = kMgmt) {
        return orgs.call<ops::CreateAccount>(repo, caller, {name, email, std::nullopt, role, std::move(tags)})
            .create_account_status;
    }
    api::CreateAccountStatus status(const std::string& id) {
        return orgs.call<ops::DescribeCreateAccountStatus>(repo, kMgmt, {id}).create_account_status;
    }
    api::Account describe(const std::string& id) {
        return orgs.call<ops::DescribeAccount>(repo, kMgmt, {id}).account;
    }
    void close(const std::string& id) { orgs.call<ops::CloseAccount>(repo, kMgmt, {id}); }
    std::set<std::string> member_ids() {
        std::set<std::string> out;
        for (const auto& a : orgs.call<ops::ListAccounts>(repo, kMgmt, {}).accounts) out.insert(a.id);
        return out;
    }
    // Creates an account and returns its id (with the default delay of 0).
    std::string created(const std::string& email) {
        auto s = status(create(email).id);
        REQUIRE(s.state == "SUCCEEDED");
        return s.account_id;
    }
};

}  // namespace

TEST_CASE_FIXTURE(AccountsFixture,
                  "accounts: CreateAccount answers IN_PROGRESS; the first status read has the outcome") {
    auto answer = create("new@example.com", "Workload One", {{"team", "blue"}}, "AdminRole");
    CHECK(std::regex_match(answer.id, std::regex("^car-[a-z0-9]{8,32}$")));
    CHECK(answer.state == "IN_PROGRESS");
    CHECK(answer.account_name == "Workload One");
    CHECK(answer.requested_ms == clock.now_ms());
    CHECK(answer.account_id.empty());
    CHECK(answer.completed_ms == 0);

    auto done = status(answer.id);
    CHECK(done.state == "SUCCEEDED");
    CHECK(std::regex_match(done.account_id, std::regex("^[1-9][0-9]{11}$")));
    CHECK(done.completed_ms == answer.requested_ms);  // CreateAccountSeconds 0: done at once
    CHECK(!done.failure_reason);

    // The account: an ACTIVE member under the root, CREATED, with the name, email, tags and role.
    auto a = describe(done.account_id);
    CHECK(a.email == "new@example.com");
    CHECK(a.name == "Workload One");
    CHECK(a.joined_method == "CREATED");
    CHECK((a.status == "ACTIVE" && a.state == "ACTIVE"));
    CHECK(a.paths == std::vector<std::string>{org.id + "/" + root + "/" + a.id + "/"});
    CHECK(orgs.list_tags_for_resource(repo, kMgmt, a.id, std::nullopt).items ==
          std::vector<model::Tag>{{"team", "blue"}});
    auto record = *repo.accounts.find(a.id);
    CHECK(record.role_name == "AdminRole");
    CHECK(!record.phone_verified);
    // It calls as itself with its 12-digit key: it is a member, not the management account.
    auto described = orgs.call<ops::DescribeOrganization>(repo, Caller{a.id}).organization;
    CHECK(described.id == org.id);
    expect_error([&] { orgs.call<ops::ListAccounts>(repo, Caller{a.id}, {}); },
                 error_code::AccessDeniedException);
    // The default role name.
    CHECK(repo.accounts.find(created("other@example.com"))->role_name == "OrganizationAccountAccessRole");
}

TEST_CASE_FIXTURE(AccountsFixture,
                  "accounts: a creation takes CreateAccountSeconds of emulator time, then exactly once") {
    set_quotas([](model::Quotas& q) { q.create_account_seconds = 60; });
    auto answer = create("slow@example.com");
    clock.advance_ms(59 * kSecond);
    auto pending = status(answer.id);
    CHECK(pending.state == "IN_PROGRESS");
    CHECK(pending.account_id.empty());
    const auto before = member_ids();
    CHECK(before.size() == 1);
    clock.advance_ms(kSecond);
    auto done = status(answer.id);
    CHECK(done.state == "SUCCEEDED");
    CHECK(done.completed_ms == answer.requested_ms + 60 * kSecond);
    CHECK(member_ids().count(done.account_id) == 1);
    CHECK(describe(done.account_id).joined_ms == done.completed_ms);
    // Settling again changes nothing.
    orgs.service.settle(repo);
    CHECK(member_ids().size() == 2);
    CHECK(status(answer.id) == done);
}

TEST_CASE_FIXTURE(AccountsFixture, "accounts: failures AWS reports in the status, not as errors") {
    auto mgmt_email = create("BOSS@example.com");  // the management account's, in another case
    CHECK(status(mgmt_email.id).state == "FAILED");
    CHECK(status(mgmt_email.id).failure_reason == "EMAIL_ALREADY_EXISTS");
    CHECK(status(mgmt_email.id).account_id.empty());

    created("taken@example.com");
    CHECK(status(create("taken@example.com").id).failure_reason == "EMAIL_ALREADY_EXISTS");

    // Passes the input pattern, not CreateAccount's address rules.
    for (const char* bad :
         {".dot@example.com", "a(b)@example.com", "user@-example.com", "user@exam_ple.com"}) {
        CAPTURE(bad);
        CHECK(status(create(bad).id).failure_reason == "INVALID_EMAIL");
    }

    // At the account quota: members, open invitations and creations in progress count.
    set_quotas([](model::Quotas& q) { q.max_accounts = 3; });  // management + taken@ = 2
    orgs.invite_account_to_organization(repo, kMgmt, {{kMember.account_id, "ACCOUNT"}, {}, {}});
    auto over = status(create("over@example.com").id);
    CHECK(over.failure_reason == "ACCOUNT_LIMIT_EXCEEDED");
    CHECK(member_ids().size() == 2);
}

TEST_CASE_FIXTURE(AccountsFixture,
                  "accounts: two requests for one address while the first is in progress: one succeeds") {
    set_quotas([](model::Quotas& q) { q.create_account_seconds = 30; });
    auto first = create("same@example.com");
    auto second = create("Same@Example.com");
    clock.advance_ms(30 * kSecond);
    CHECK(status(first.id).state == "SUCCEEDED");
    CHECK(status(second.id).failure_reason == "CONCURRENT_ACCOUNT_MODIFICATION");
    CHECK(member_ids().size() == 2);
}

TEST_CASE_FIXTURE(AccountsFixture, "accounts: refusals AWS gives at once") {
    expect_error([&] { create("m@example.com", "X", {}, std::nullopt, kMember); },
                 error_code::AWSOrganizationsNotInUseException);
    orgs.accept_handshake(
        repo, kMember,
        orgs.invite_account_to_organization(repo, kMgmt, {{kMember.account_id, "ACCOUNT"}, {}, {}}).id);
    expect_error([&] { create("m@example.com", "X", {}, std::nullopt, kMember); },
                 error_code::AccessDeniedException);
    expect_error([&] { create("r@example.com", "X", {}, "AWSServiceRoleForSomething"); },
                 error_code::InvalidInputException, "INVALID_ROLE_NAME");
    expect_error(
        [&] {
            create("t@example.com", "X", {{"aws:x", "y"}});
        },
        error_code::InvalidInputException, "INVALID_SYSTEM_TAGS_PARAMETER");

    set_quotas([](model::Quotas& q) {
        q.create_account_seconds = 60;
        q.max_concurrent_creations = 2;
    });
    create("a@example.com");
    create("b@example.com");
    expect_error([&] { create("c@example.com"); }, error_code::ConstraintViolationException,
                 "ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED");
    clock.advance_ms(60 * kSecond);
    create("c@example.com");  // the two are done

    set_quotas([](model::Quotas& q) { q.initialization_seconds = 3600; });
    expect_error([&] { create("d@example.com"); }, error_code::FinalizingOrganizationException);
    expect_error(
        [&] {
            orgs.call<ops::DescribeCreateAccountStatus>(repo, kMgmt,
                                                        {"car-0000000000000000000000000000000a"});
        },
        error_code::CreateAccountStatusNotFoundException);
}

TEST_CASE_FIXTURE(AccountsFixture,
                  "accounts: a fault makes a creation fail with the FailureReason it names") {
    auto s = orgs.call<ops::CreateAccount>(repo, Caller{kMgmt.account_id, "INTERNAL_FAILURE"},
                                           {"Broken", "broken@example.com", std::nullopt, std::nullopt, {}})
                 .create_account_status;
    CHECK(s.state == "IN_PROGRESS");
    CHECK(status(s.id).failure_reason == "INTERNAL_FAILURE");
    CHECK(member_ids().size() == 1);
}

TEST_CASE_FIXTURE(AccountsFixture,
                  "accounts: ListCreateAccountStatus filters by state and pages in request order") {
    set_quotas([](model::Quotas& q) { q.max_concurrent_creations = 100; });
    std::vector<std::string> ids_in_order;
    for (int i = 0; i < 7; ++i) {
        std::string email = "user";
        email += std::to_string(i);
        email += "@example.com";
        ids_in_order.push_back(create(i % 3 == 0 ? ".bad@example.com" : email).id);  // every third fails
        clock.advance_ms(kSecond);
    }
    set_quotas([](model::Quotas& q) { q.create_account_seconds = 3600; });
    ids_in_order.push_back(create("later@example.com").id);  // still in progress

    auto list = [&](std::vector<api::CreateAccountState> states, int max) {
        std::vector<std::string> seen;
        std::optional<std::string> token;
        do {
            auto page = orgs.call<ops::ListCreateAccountStatus>(repo, kMgmt, {max, token, states});
            CHECK(page.create_account_statuses.size() <= std::size_t(max));
            for (const auto& s : page.create_account_statuses) seen.push_back(s.id);
            token = page.next_token.empty() ? std::nullopt : std::optional<std::string>(page.next_token);
        } while (token);
        return seen;
    };
    CHECK(list({}, 3) == ids_in_order);
    CHECK(list({api::CreateAccountState::FAILED}, 2) ==
          std::vector<std::string>{ids_in_order[0], ids_in_order[3], ids_in_order[6]});
    CHECK(list({api::CreateAccountState::IN_PROGRESS}, 20) == std::vector<std::string>{ids_in_order[7]});
    CHECK(list({api::CreateAccountState::SUCCEEDED, api::CreateAccountState::IN_PROGRESS}, 20).size() == 5);
    for (const auto& s :
         orgs.call<ops::ListCreateAccountStatus>(repo, kMgmt, {20, std::nullopt, {}}).create_account_statuses)
        if (s.state == "SUCCEEDED") CHECK(!s.account_id.empty());
}

TEST_CASE_FIXTURE(
    AccountsFixture,
    "accounts: CreateGovCloudAccount needs a GovCloud-enabled management account, then makes a pair") {
    auto try_gov = [&](const std::string& email) {
        return orgs
            .call<ops::CreateGovCloudAccount>(repo, kMgmt, {"Gov", email, std::nullopt, std::nullopt, {}})
            .create_account_status;
    };
    expect_error([&] { try_gov("gov@example.com"); }, error_code::ConstraintViolationException,
                 "MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED");
    auto mgmt = *repo.accounts.find(kMgmt.account_id);
    mgmt.govcloud_enabled = true;
    orgs.register_account(repo, mgmt);
    auto s = status(try_gov("gov@example.com").id);
    REQUIRE(s.state == "SUCCEEDED");
    CHECK(std::regex_match(s.gov_cloud_account_id, std::regex("^[0-9]{12}$")));
    CHECK(s.gov_cloud_account_id != s.account_id);
    CHECK(member_ids().count(s.account_id) == 1);
    CHECK(member_ids().count(s.gov_cloud_account_id) == 0);  // standalone, in aws-us-gov
    auto twin = *repo.accounts.find(s.gov_cloud_account_id);
    CHECK(twin.partition == "aws-us-gov");
    CHECK(twin.standalone());
    CHECK(status(try_gov("gov@example.com").id).failure_reason == "GOVCLOUD_ACCOUNT_ALREADY_EXISTS");
    // Closing the commercial account closes both.
    close(s.account_id);
    CHECK(repo.accounts.find(s.gov_cloud_account_id)->closed(clock.now_ms()));
}

TEST_CASE_FIXTURE(
    AccountsFixture,
    "accounts: CloseAccount: pending, closed, listed through the post-closure period, then gone") {
    set_quotas([](model::Quotas& q) { q.close_account_seconds = 120; });
    const auto id = created("closing@example.com");
    close(id);
    auto a = describe(id);
    CHECK((a.status == "PENDING_CLOSURE" && a.state == "PENDING_CLOSURE"));
    expect_error([&] { close(id); }, error_code::ConflictException);
    clock.advance_ms(120 * kSecond);
    a = describe(id);
    CHECK((a.status == "SUSPENDED" && a.state == "CLOSED"));
    expect_error([&] { close(id); }, error_code::AccountAlreadyClosedException);
    // A closed account's own calls are refused.
    expect_error([&] { orgs.call<ops::DescribeOrganization>(repo, Caller{id}); },
                 error_code::AccessDeniedException);
    // It blocks DeleteOrganization, like any member, and cannot be removed.
    expect_error([&] { orgs.call<ops::RemoveAccountFromOrganization>(repo, kMgmt, {id}); },
                 error_code::ConstraintViolationException, "ACCOUNT_CANNOT_LEAVE_ORGANIZATION");
    clock.advance_ms(90 * kDay - kSecond);
    CHECK(member_ids().count(id) == 1);
    clock.advance_ms(kSecond);
    CHECK(member_ids().count(id) == 0);
    expect_error([&] { describe(id); }, error_code::AccountNotFoundException);
    orgs.call<ops::DeleteOrganization>(repo, kMgmt);  // nothing left in it
}

TEST_CASE_FIXTURE(AccountsFixture, "accounts: CloseAccount's refusals and quotas") {
    expect_error([&] { close(kMgmt.account_id); }, error_code::ConstraintViolationException,
                 "CANNOT_CLOSE_MANAGEMENT_ACCOUNT");
    expect_error([&] { close("999999999999"); }, error_code::AccountNotFoundException);
    set_quotas([](model::Quotas& q) {
        q.close_account_seconds = 60;
        q.max_concurrent_closures = 2;
    });
    std::vector<std::string> ids;
    for (const char* e : {"c1@example.com", "c2@example.com", "c3@example.com", "c4@example.com"})
        ids.push_back(created(e));
    close(ids[0]);
    close(ids[1]);
    expect_error([&] { close(ids[2]); }, error_code::ConstraintViolationException,
                 "CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED");
    clock.advance_ms(60 * kSecond);
    set_quotas([](model::Quotas& q) { q.closures_per_30_days = 3; });
    close(ids[2]);
    clock.advance_ms(60 * kSecond);
    expect_error([&] { close(ids[3]); }, error_code::ConstraintViolationException,
                 "CLOSE_ACCOUNT_QUOTA_EXCEEDED");
    clock.advance_ms(30 * kDay);  // the window rolls on
    close(ids[3]);

    // A consolidated-billing organization cannot close accounts.
    const Caller other{"333333333333"};
    orgs.create_organization(repo, other, "CONSOLIDATED_BILLING");
    expect_error([&] { orgs.call<ops::CloseAccount>(repo, other, {"444444444444"}); },
                 error_code::ConstraintViolationException, "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
}

TEST_CASE_FIXTURE(AccountsFixture,
                  "accounts: a created account needs four days and standalone information to leave") {
    const auto id = created("leaver@example.com");
    auto remove = [&] { orgs.call<ops::RemoveAccountFromOrganization>(repo, kMgmt, {id}); };
    auto leave = [&] { orgs.call<ops::LeaveOrganization>(repo, Caller{id}); };
    expect_error(remove, error_code::ConstraintViolationException, "WAIT_PERIOD_ACTIVE");
    expect_error(leave, error_code::ConstraintViolationException, "WAIT_PERIOD_ACTIVE");
    clock.advance_ms(4 * kDay);
    expect_error(remove, error_code::ConstraintViolationException,
                 "ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION");
    auto record = *repo.accounts.find(id);
    record.phone_verified = true;
    orgs.register_account(repo, record);
    expect_error(leave, error_code::ConstraintViolationException, "ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA");
    record.eula_accepted = true;
    orgs.register_account(repo, record);
    expect_error(remove, error_code::ConstraintViolationException,
                 "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED");
    record.payment_instrument = true;
    orgs.register_account(repo, record);
    // Registering kept what the account did: still a CREATED member.
    CHECK(describe(id).joined_method == "CREATED");
    leave();
    CHECK(member_ids().count(id) == 0);
}

TEST_CASE_FIXTURE(
    AccountsFixture,
    "accounts: a creation still in progress when its organization is deleted leaves a standalone account") {
    set_quotas([](model::Quotas& q) { q.create_account_seconds = 10; });
    auto s = create("orphan@example.com");
    orgs.call<ops::DeleteOrganization>(repo, kMgmt);
    clock.advance_ms(10 * kSecond);
    orgs.service.settle(repo);
    auto orphan = repo.accounts.find_by_email("orphan@example.com");
    REQUIRE(orphan);
    CHECK(orphan->standalone());
    CHECK(s.state == "IN_PROGRESS");
}
