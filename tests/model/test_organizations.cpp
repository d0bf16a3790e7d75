#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "model/errors.hpp"
#include "model/calls.hpp"
#include "model/expect_error.hpp"
#include "model/test_store.hpp"

using namespace localorgs;
using model::Caller;
using model::error_code;
using model::PageRequest;
using testing::expect_error;

namespace {

const Caller kMgmt{"111111111111"};
const Caller kMember{"222222222222"};
const Caller kStranger{"333333333333"};

struct Fixture {
    model::FakeClock clock{1'700'000'000'123};
    model::IdGenerator ids{42};
    testing::Orgs orgs{clock, ids, {}};
    testing::TestStore db;
    model::Repository& repo = db.repo();

    // Joins an account directly (invitations are the next issue's subject).
    void join(const std::string& account_id, const model::api::Organization& org) {
        auto a = orgs.known_account(repo, account_id);
        auto rec = *repo.organizations.find(org.id);
        a.organization_id = org.id;
        a.parent_id = rec.root_id;
        a.joined_method = model::api::AccountJoinedMethod::INVITED;
        a.joined_ms = clock.now_ms();
        repo.accounts.save(a);
    }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "CreateOrganization answers the full Organization shape") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    CHECK(std::regex_match(org.id, std::regex("^o-[a-z0-9]{10}$")));
    CHECK(org.arn == "arn:aws:organizations::111111111111:organization/" + org.id);
    CHECK(org.feature_set == "ALL");
    CHECK(org.master_account_id == "111111111111");
    CHECK(org.master_account_arn == "arn:aws:organizations::111111111111:account/" + org.id + "/111111111111");
    CHECK(org.master_account_email == "account-111111111111@example.com");
    REQUIRE(org.available_policy_types.size() == 1);
    CHECK(org.available_policy_types[0].type == "SERVICE_CONTROL_POLICY");
    CHECK(org.available_policy_types[0].status == "ENABLED");

    auto mgmt = *repo.accounts.find("111111111111");
    CHECK(mgmt.organization_id == org.id);
    CHECK(mgmt.joined_method == "CREATED");
    CHECK(mgmt.joined_ms == clock.now_ms());
}

TEST_CASE_FIXTURE(Fixture, "a new organization's root has no policy type enabled; the API text's variant enables SCPs") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    auto roots = orgs.list_roots(repo, kMgmt, {});
    REQUIRE(roots.items.size() == 1);
    CHECK(roots.items[0].policy_types.empty());
    // AvailablePolicyTypes, deprecated, shows SCPs for every all-features organization.
    CHECK(org.available_policy_types.size() == 1);

    model::ServiceOptions as_documented;
    as_documented.scp_enabled_on_create = true;
    testing::Orgs documented{clock, ids, as_documented};
    const Caller other{"444444444444"};
    auto second = documented.create_organization(repo, other, std::nullopt);
    auto second_roots = documented.list_roots(repo, other, {});
    REQUIRE(second_roots.items.size() == 1);
    REQUIRE(second_roots.items[0].policy_types.size() == 1);
    CHECK(second_roots.items[0].policy_types[0].type == "SERVICE_CONTROL_POLICY");
    CHECK(second_roots.items[0].policy_types[0].status == "ENABLED");
    // FullAWSAccess on the root and the management account, as EnablePolicyType leaves them.
    for (const auto& target : {second_roots.items[0].id, other.account_id}) {
        auto on = documented.call<model::api::ops::ListPoliciesForTarget>(
            repo, other, {model::api::PolicyType::SERVICE_CONTROL_POLICY, std::nullopt, std::nullopt, target});
        REQUIRE(on.policies.size() == 1);
        CHECK(on.policies[0].id == "p-FullAWSAccess");
        CHECK(on.policies[0].aws_managed);
    }
    CHECK(second.id != org.id);
}

TEST_CASE_FIXTURE(Fixture, "CreateOrganization with consolidated billing has no policy types") {
    auto org = orgs.create_organization(repo, kMgmt, std::string("CONSOLIDATED_BILLING"));
    CHECK(org.feature_set == "CONSOLIDATED_BILLING");
    CHECK(org.available_policy_types.empty());
    auto roots = orgs.list_roots(repo, kMgmt, {});
    REQUIRE(roots.items.size() == 1);
    CHECK(roots.items[0].policy_types.empty());
}

TEST_CASE_FIXTURE(Fixture, "an account already in an organization cannot create another") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    expect_error([&] { orgs.create_organization(repo, kMgmt, std::nullopt); },
                 error_code::AlreadyInOrganizationException);
    join(kMember.account_id, org);
    expect_error([&] { orgs.create_organization(repo, kMember, std::nullopt); },
                 error_code::AlreadyInOrganizationException);
}

TEST_CASE_FIXTURE(Fixture, "callers are registered on first sight with the documented defaults") {
    expect_error([&] { orgs.describe_organization(repo, kStranger); }, error_code::AWSOrganizationsNotInUseException);
    auto a = repo.accounts.find("333333333333");
    REQUIRE(a);
    CHECK(a->email == "account-333333333333@example.com");
    CHECK(a->name == "Account 333333333333");
    CHECK(a->seller_of_record == "AWS_INC");
    CHECK(a->partition == "aws");
    CHECK(a->email_verified);
    CHECK(a->standalone());
}

TEST_CASE_FIXTURE(Fixture, "access rules: standalone, member and management callers") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    join(kMember.account_id, org);

    CHECK(orgs.describe_organization(repo, kMember).id == org.id);
    expect_error([&] { orgs.list_accounts(repo, kMember, {}); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.list_roots(repo, kMember, {}); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.describe_account(repo, kMember, "111111111111"); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.delete_organization(repo, kMember); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.tag_resource(repo, kMember, kMember.account_id, {{"a", "b"}}); },
                 error_code::AccessDeniedException);

    expect_error([&] { orgs.list_accounts(repo, kStranger, {}); }, error_code::AWSOrganizationsNotInUseException);
    expect_error([&] { orgs.delete_organization(repo, kStranger); }, error_code::AWSOrganizationsNotInUseException);
    expect_error([&] { orgs.list_tags_for_resource(repo, kStranger, "111111111111", std::nullopt); },
                 error_code::AWSOrganizationsNotInUseException);
}

TEST_CASE_FIXTURE(Fixture, "DeleteOrganization refuses while members remain, then frees the management account") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    join(kMember.account_id, org);
    expect_error([&] { orgs.delete_organization(repo, kMgmt); }, error_code::OrganizationNotEmptyException);

    auto m = *repo.accounts.find(kMember.account_id);
    m.organization_id.clear();
    repo.accounts.save(m);
    orgs.tag_resource(repo, kMgmt, repo.organizations.find(org.id)->root_id, {{"k", "v"}});
    orgs.delete_organization(repo, kMgmt);
    CHECK(!repo.organizations.find(org.id));
    CHECK(repo.accounts.find(kMgmt.account_id)->standalone());
    CHECK(db.tags().empty());
    expect_error([&] { orgs.describe_organization(repo, kMgmt); }, error_code::AWSOrganizationsNotInUseException);
    CHECK(orgs.create_organization(repo, kMgmt, std::nullopt).id != org.id);
}

TEST_CASE_FIXTURE(Fixture, "ListAccounts pages by MaxResults and returns every account exactly once") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    for (int i = 0; i < 44; ++i) join(std::to_string(500000000000LL + i * 7), org);

    std::set<std::string> seen;
    std::set<std::string> tokens;
    PageRequest page{7, std::nullopt};
    int pages = 0;
    do {
        auto result = orgs.list_accounts(repo, kMgmt, page);
        CHECK(result.items.size() <= 7);
        for (const auto& a : result.items) CHECK(seen.insert(a.id).second);
        page.next_token = result.next_token;
        if (result.next_token) CHECK(tokens.insert(*result.next_token).second);
        ++pages;
    } while (page.next_token);
    CHECK(seen.size() == 45);
    CHECK(pages == 7);

    // Default page size is 20.
    auto first = orgs.list_accounts(repo, kMgmt, {});
    CHECK(first.items.size() == 20);
    REQUIRE(first.next_token);

    // A token altered, or taken to another list, is refused.
    PageRequest tampered{std::nullopt, *first.next_token + "A"};
    expect_error([&] { orgs.list_accounts(repo, kMgmt, tampered); }, error_code::InvalidInputException,
                 "INVALID_NEXT_TOKEN");
    PageRequest garbage{std::nullopt, std::string("not a token!")};
    expect_error([&] { orgs.list_accounts(repo, kMgmt, garbage); }, error_code::InvalidInputException,
                 "INVALID_NEXT_TOKEN");
    auto root = repo.organizations.find(org.id)->root_id;
    PageRequest foreign{std::nullopt, first.next_token};
    expect_error([&] { orgs.list_accounts_for_parent(repo, kMgmt, root, foreign); },
                 error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    expect_error([&] { orgs.list_roots(repo, kMgmt, foreign); }, error_code::InvalidInputException,
                 "INVALID_NEXT_TOKEN");
}

TEST_CASE_FIXTURE(Fixture, "accounts: DescribeAccount, ListParents, ListChildren, ListAccountsForParent") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    join(kMember.account_id, org);
    auto root = repo.organizations.find(org.id)->root_id;

    auto a = orgs.describe_account(repo, kMgmt, kMember.account_id);
    CHECK(a.arn == "arn:aws:organizations::111111111111:account/" + org.id + "/222222222222");
    CHECK(a.status == "ACTIVE");
    CHECK(a.state == "ACTIVE");
    CHECK(a.joined_method == "INVITED");
    expect_error([&] { orgs.describe_account(repo, kMgmt, kStranger.account_id); },
                 error_code::AccountNotFoundException);
    expect_error([&] { orgs.describe_account(repo, kMgmt, "999999999999"); }, error_code::AccountNotFoundException);

    auto parents = orgs.list_parents(repo, kMgmt, kMember.account_id, {});
    REQUIRE(parents.items.size() == 1);
    CHECK(parents.items[0].id == root);
    CHECK(parents.items[0].type == "ROOT");
    expect_error([&] { orgs.list_parents(repo, kMgmt, kStranger.account_id, {}); },
                 error_code::ChildNotFoundException);
    expect_error([&] { orgs.list_parents(repo, kMgmt, "ou-abcd-12345678", {}); }, error_code::ChildNotFoundException);

    auto children = orgs.list_children(repo, kMgmt, root, "ACCOUNT", {});
    REQUIRE(children.items.size() == 2);
    CHECK(children.items[0].type == "ACCOUNT");
    CHECK(orgs.list_children(repo, kMgmt, root, "ORGANIZATIONAL_UNIT", {}).items.empty());
    expect_error([&] { orgs.list_children(repo, kMgmt, "r-zzzz", "ACCOUNT", {}); },
                 error_code::ParentNotFoundException);
    CHECK(orgs.list_accounts_for_parent(repo, kMgmt, root, {}).items.size() == 2);
    expect_error([&] { orgs.list_accounts_for_parent(repo, kMgmt, "ou-abcd-12345678", {}); },
                 error_code::ParentNotFoundException);
}

TEST_CASE_FIXTURE(Fixture, "tags on accounts and the root, all or nothing") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    join(kMember.account_id, org);
    auto root = repo.organizations.find(org.id)->root_id;

    orgs.tag_resource(repo, kMgmt, kMember.account_id, {{"team", "blue"}, {"env", ""}});
    orgs.tag_resource(repo, kMgmt, kMember.account_id, {{"team", "red"}});
    auto tags = orgs.list_tags_for_resource(repo, kMgmt, kMember.account_id, std::nullopt).items;
    REQUIRE(tags.size() == 2);
    CHECK(tags[0] == model::Tag{"env", ""});
    CHECK(tags[1] == model::Tag{"team", "red"});
    orgs.untag_resource(repo, kMgmt, kMember.account_id, {"env", "absent"});
    CHECK(orgs.list_tags_for_resource(repo, kMgmt, kMember.account_id, std::nullopt).items.size() == 1);

    orgs.tag_resource(repo, kMgmt, root, {{"root-tag", "x"}});
    CHECK(orgs.list_tags_for_resource(repo, kMgmt, root, std::nullopt).items.size() == 1);

    expect_error([&] { orgs.tag_resource(repo, kMgmt, kMember.account_id, {{"aws:x", "1"}}); },
                 error_code::InvalidInputException, "INVALID_SYSTEM_TAGS_PARAMETER");
    expect_error([&] { orgs.tag_resource(repo, kMgmt, kMember.account_id, {{"a", "1"}, {"a", "2"}}); },
                 error_code::InvalidInputException, "DUPLICATE_TAG_KEY");
    expect_error([&] { orgs.untag_resource(repo, kMgmt, kMember.account_id, {"aws:x"}); },
                 error_code::InvalidInputException, "INVALID_SYSTEM_TAGS_PARAMETER");
    for (const char* target : {"333333333333", "r-zzzz", "ou-abcd-12345678", "p-12345678"}) {
        expect_error([&] { orgs.tag_resource(repo, kMgmt, target, {{"a", "1"}}); },
                     error_code::TargetNotFoundException);
        expect_error([&] { orgs.list_tags_for_resource(repo, kMgmt, target, std::nullopt); },
                     error_code::TargetNotFoundException);
    }

    // 49 new + 1 existing = 50 is fine; one more is refused and nothing of the call is applied.
    std::vector<model::Tag> many;
    for (int i = 0; i < 49; ++i) many.push_back({std::to_string(i) + "k", "v"});  // (g++ 12 -Wrestrict misfires on "k" + s)
    orgs.tag_resource(repo, kMgmt, kMember.account_id, many);
    CHECK(orgs.list_tags_for_resource(repo, kMgmt, kMember.account_id, std::nullopt).items.size() == 50);
    expect_error([&] { orgs.tag_resource(repo, kMgmt, kMember.account_id, {{"0k", "changed"}, {"new", "x"}}); },
                 error_code::ConstraintViolationException, "MAX_TAG_LIMIT_EXCEEDED");
    CHECK(db.tags()[kMember.account_id]["0k"] == "v");
    orgs.tag_resource(repo, kMgmt, kMember.account_id, {{"0k", "changed"}});  // replacing stays at 50
    CHECK(db.tags()[kMember.account_id]["0k"] == "changed");

    PageRequest bad{std::nullopt, std::string("abc")};
    expect_error([&] { orgs.list_tags_for_resource(repo, kMgmt, root, bad.next_token); },
                 error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
}

TEST_CASE_FIXTURE(Fixture, "register_account updates the registry and keeps membership") {
    auto org = orgs.create_organization(repo, kMgmt, std::nullopt);
    auto entry = model::default_account(kMgmt.account_id);
    entry.email = "boss@example.com";
    entry.name = "Boss";
    orgs.register_account(repo, entry);
    CHECK(repo.accounts.find(kMgmt.account_id)->organization_id == org.id);
    CHECK(orgs.describe_organization(repo, kMgmt).master_account_email == "boss@example.com");

    auto other = model::default_account("444444444444");
    other.email = "boss@example.com";
    expect_error([&] { orgs.register_account(repo, other); }, error_code::ConflictException);
}
