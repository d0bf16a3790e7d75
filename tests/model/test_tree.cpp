// The organization's tree (issue 13 part B; API Reference of each operation): organizational
// units created, described, renamed, deleted and listed; where accounts and OUs are; MoveAccount;
// tags on OUs; what leaving, accepting an invitation and deleting the organization do to the tree.
// Calls go to model::Service's Tree family directly, with the typed requests the server decodes.
// Every test case name starts "tree: ".
#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "model/calls.hpp"
#include "model/errors.hpp"
#include "model/expect_error.hpp"
#include "model/test_store.hpp"

using namespace localorgs;
using model::Caller;
using model::error_code;
using testing::expect_error;
namespace api = model::api;

namespace {

const Caller kMgmt{"111111111111"};
const Caller kMember{"222222222222"};
const Caller kOther{"333333333333"};  // manages an organization of its own in some tests

// "<prefix><n>" (written without operator+ on a temporary: GCC 12 warns falsely on that at -O3).
std::string numbered(const char* prefix, int n) {
    std::string s = prefix;
    s += std::to_string(n);
    return s;
}

struct TreeFixture {
    model::FakeClock clock{1'700'000'000'000};
    model::IdGenerator ids{13};
    testing::Orgs orgs{clock, ids, {}};
    model::Service& svc = orgs.service;
    testing::TestStore db;
    model::Repository& repo = db.repo();
    api::Organization org;
    std::string root;

    TreeFixture() {
        org = orgs.create_organization(repo, kMgmt);
        root = orgs.list_roots(repo, kMgmt, {}).items.at(0).id;
        join(kMember.account_id);
    }

    // An account joins by invitation, as a user would make it happen.
    void join(const std::string& account, const Caller& management = kMgmt) {
        auto h = orgs.invite_account_to_organization(repo, management, {{account, "ACCOUNT"}, {}, {}});
        orgs.accept_handshake(repo, Caller{account}, h.id);
    }

    api::OrganizationalUnit create(const std::string& parent, const std::string& name,
                                   std::vector<model::Tag> tags = {}, const Caller& caller = kMgmt) {
        return orgs.call<api::ops::CreateOrganizationalUnit>(repo, caller, {name, parent, std::move(tags)}).organizational_unit;
    }
    std::vector<std::string> child_ids(const std::string& parent, const std::string& type) {
        std::vector<std::string> out;
        for (const auto& c : orgs.list_children(repo, kMgmt, parent, type, {}).items) out.push_back(c.id);
        return out;
    }
    api::Parent parent_of(const std::string& child) {
        auto parents = orgs.list_parents(repo, kMgmt, child, {}).items;
        REQUIRE(parents.size() == 1);
        return parents[0];
    }
    void move(const std::string& account, const std::string& from, const std::string& to) {
        orgs.call<api::ops::MoveAccount>(repo, kMgmt, {account, to, from});
    }
};

}  // namespace

TEST_CASE_FIXTURE(TreeFixture,
                  "tree: CreateOrganizationalUnit answers id, ARN, name and path as AWS forms them") {
    auto ou = create(root, "Security");
    // ou-<the root id's suffix>-<8 or more lowercase letters or digits> (the model's pattern).
    const std::string suffix = root.substr(2);
    CHECK(std::regex_match(ou.id, std::regex("^ou-" + suffix + "-[a-z0-9]{8}$")));
    CHECK(std::regex_match(ou.id, std::regex("^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")));
    CHECK(ou.arn == "arn:aws:organizations::111111111111:ou/" + org.id + "/" + ou.id);
    CHECK(ou.name == "Security");
    CHECK(ou.path == org.id + "/" + root + "/" + ou.id + "/");
    CHECK(orgs.call<api::ops::DescribeOrganizationalUnit>(repo, kMgmt, {ou.id}).organizational_unit == ou);

    auto child = create(ou.id, "Audit");
    CHECK(child.path == org.id + "/" + root + "/" + ou.id + "/" + child.id + "/");
    CHECK(child.id != ou.id);
}

TEST_CASE_FIXTURE(TreeFixture,
                  "tree: names are unique among siblings, case-sensitively, and free elsewhere") {
    auto a = create(root, "Workloads");
    expect_error([&] { create(root, "Workloads"); }, error_code::DuplicateOrganizationalUnitException);
    auto lower = create(root, "workloads");   // another name
    auto nested = create(a.id, "Workloads");  // same name, another parent
    CHECK(lower.id != a.id);
    CHECK(nested.id != a.id);
    CHECK(child_ids(root, "ORGANIZATIONAL_UNIT").size() == 2);
}

TEST_CASE_FIXTURE(TreeFixture, "tree: five levels below the root, not six") {
    std::string parent = root;
    for (int level = 1; level <= 5; ++level) parent = create(parent, numbered("Level ", level)).id;
    expect_error([&] { create(parent, "Level 6"); }, error_code::ConstraintViolationException,
                 "OU_DEPTH_LIMIT_EXCEEDED");
    CHECK(db.tags().empty());
}

TEST_CASE_FIXTURE(TreeFixture, "tree: the organization's OU quota, counted over the whole tree") {
    auto record = *repo.organizations.find(org.id);
    CHECK(record.quotas.max_organizational_units == 2000);  // AWS's default
    record.quotas.max_organizational_units = 3;
    repo.organizations.save(record);
    auto a = create(root, "A");
    create(a.id, "B");
    create(root, "C");
    expect_error([&] { create(root, "D"); }, error_code::ConstraintViolationException,
                 "OU_NUMBER_LIMIT_EXCEEDED");
    // Deleting one frees its place.
    orgs.call<api::ops::DeleteOrganizationalUnit>(repo, kMgmt, {child_ids(a.id, "ORGANIZATIONAL_UNIT").at(0)});
    create(root, "D");
}

TEST_CASE_FIXTURE(TreeFixture, "tree: a parent that is not a root or OU of this organization") {
    model::Caller other = kOther;
    auto other_org = orgs.create_organization(repo, other);
    auto other_root = orgs.list_roots(repo, other, {}).items.at(0).id;
    auto foreign = orgs.call<api::ops::CreateOrganizationalUnit>(repo, other, {"Theirs", other_root, {}}).organizational_unit;
    for (const std::string& parent :
         {other_root, foreign.id, std::string("ou-zzzz-abcdefgh"), kMember.account_id}) {
        CAPTURE(parent);
        expect_error([&] { create(parent, "X"); }, error_code::ParentNotFoundException);
        expect_error([&] { orgs.list_children(repo, kMgmt, parent, "ACCOUNT", {}); },
                     error_code::ParentNotFoundException);
        expect_error(
            [&] {
                orgs.call<api::ops::ListOrganizationalUnitsForParent>(repo, kMgmt, {{}, {}, parent});
            },
            error_code::ParentNotFoundException);
        expect_error([&] { orgs.list_accounts_for_parent(repo, kMgmt, parent, {}); },
                     error_code::ParentNotFoundException);
    }
    expect_error([&] { orgs.call<api::ops::DescribeOrganizationalUnit>(repo, kMgmt, {foreign.id}); },
                 error_code::OrganizationalUnitNotFoundException);
    CHECK(other_org.id != org.id);
}

TEST_CASE_FIXTURE(TreeFixture, "tree: tags given at creation follow the account tag rules, all or nothing") {
    auto ou = create(root, "Tagged", {{"team", "blue"}, {"cost", ""}});
    auto tags = orgs.list_tags_for_resource(repo, kMgmt, ou.id, std::nullopt).items;
    CHECK(tags == std::vector<model::Tag>{{"cost", ""}, {"team", "blue"}});

    expect_error(
        [&] {
            create(root, "Bad", {{"aws:x", "y"}});
        },
        error_code::InvalidInputException, "INVALID_SYSTEM_TAGS_PARAMETER");
    expect_error(
        [&] {
            create(root, "Bad", {{"k", "1"}, {"k", "2"}});
        },
        error_code::InvalidInputException, "DUPLICATE_TAG_KEY");
    std::vector<model::Tag> many;
    for (int i = 0; i < 51; ++i) many.push_back({numbered("k", i), "v"});
    expect_error([&] { create(root, "Bad", many); }, error_code::ConstraintViolationException,
                 "MAX_TAG_LIMIT_EXCEEDED");
    CHECK(child_ids(root, "ORGANIZATIONAL_UNIT") == std::vector<std::string>{ou.id});

    // TagResource, UntagResource and ListTagsForResource take OU ids.
    orgs.tag_resource(repo, kMgmt, ou.id, {{"env", "prod"}});
    orgs.untag_resource(repo, kMgmt, ou.id, {"cost"});
    CHECK(orgs.list_tags_for_resource(repo, kMgmt, ou.id, std::nullopt).items ==
          std::vector<model::Tag>{{"env", "prod"}, {"team", "blue"}});
    expect_error(
        [&] {
            orgs.tag_resource(repo, kMgmt, "ou-zzzz-abcdefgh", {{"a", "b"}});
        },
        error_code::TargetNotFoundException);
}

TEST_CASE_FIXTURE(TreeFixture, "tree: UpdateOrganizationalUnit renames; id, ARN, path and children stay") {
    auto ou = create(root, "Old");
    auto child = create(ou.id, "Child");
    auto sibling = create(root, "Sibling");
    move(kMember.account_id, root, ou.id);

    auto renamed = orgs.call<api::ops::UpdateOrganizationalUnit>(repo, kMgmt, {"New", ou.id}).organizational_unit;
    CHECK(renamed.name == "New");
    CHECK((renamed.id == ou.id && renamed.arn == ou.arn && renamed.path == ou.path));
    CHECK(orgs.call<api::ops::DescribeOrganizationalUnit>(repo, kMgmt, {ou.id}).organizational_unit.name == "New");
    CHECK(child_ids(ou.id, "ORGANIZATIONAL_UNIT") == std::vector<std::string>{child.id});
    CHECK(child_ids(ou.id, "ACCOUNT") == std::vector<std::string>{kMember.account_id});

    // No name, or its own name: unchanged. A sibling's name: refused.
    CHECK(orgs.call<api::ops::UpdateOrganizationalUnit>(repo, kMgmt, {std::nullopt, ou.id}).organizational_unit.name == "New");
    CHECK(orgs.call<api::ops::UpdateOrganizationalUnit>(repo, kMgmt, {"New", ou.id}).organizational_unit.name == "New");
    expect_error(
        [&] {
            orgs.call<api::ops::UpdateOrganizationalUnit>(repo, kMgmt, {"Sibling", ou.id});
        },
        error_code::DuplicateOrganizationalUnitException);
    // The old name is free again.
    CHECK(create(root, "Old").name == "Old");
    expect_error(
        [&] {
            orgs.call<api::ops::UpdateOrganizationalUnit>(repo, kMgmt, {"X", "ou-zzzz-abcdefgh"});
        },
        error_code::OrganizationalUnitNotFoundException);
    CHECK(sibling.name == "Sibling");
}

TEST_CASE_FIXTURE(TreeFixture, "tree: DeleteOrganizationalUnit only when empty; its tags go with it") {
    auto ou = create(root, "Doomed", {{"k", "v"}});
    auto child = create(ou.id, "Child");
    expect_error([&] { orgs.call<api::ops::DeleteOrganizationalUnit>(repo, kMgmt, {ou.id}); },
                 error_code::OrganizationalUnitNotEmptyException);  // holds an OU
    move(kMember.account_id, root, child.id);
    expect_error([&] { orgs.call<api::ops::DeleteOrganizationalUnit>(repo, kMgmt, {child.id}); },
                 error_code::OrganizationalUnitNotEmptyException);  // holds an account
    move(kMember.account_id, child.id, root);
    orgs.call<api::ops::DeleteOrganizationalUnit>(repo, kMgmt, {child.id});
    orgs.call<api::ops::DeleteOrganizationalUnit>(repo, kMgmt, {ou.id});
    CHECK(child_ids(root, "ORGANIZATIONAL_UNIT").empty());
    CHECK(db.tags().count(ou.id) == 0);
    expect_error([&] { orgs.call<api::ops::DescribeOrganizationalUnit>(repo, kMgmt, {ou.id}); },
                 error_code::OrganizationalUnitNotFoundException);
    expect_error([&] { orgs.call<api::ops::DeleteOrganizationalUnit>(repo, kMgmt, {ou.id}); },
                 error_code::OrganizationalUnitNotFoundException);
    // The name can be used again, with a new id.
    CHECK(create(root, "Doomed").id != ou.id);
}

TEST_CASE_FIXTURE(
    TreeFixture,
    "tree: ListChildren, ListOrganizationalUnitsForParent and ListParents, for the root and OUs") {
    auto a = create(root, "A");
    auto b = create(root, "B");
    auto a1 = create(a.id, "A1");
    move(kMember.account_id, root, a1.id);

    const auto root_children = child_ids(root, "ORGANIZATIONAL_UNIT");
    const std::set<std::string> root_ous(root_children.begin(), root_children.end());
    CHECK(root_ous == std::set<std::string>{a.id, b.id});
    CHECK(child_ids(root, "ACCOUNT") == std::vector<std::string>{kMgmt.account_id});
    CHECK(child_ids(a.id, "ORGANIZATIONAL_UNIT") == std::vector<std::string>{a1.id});  // direct children only
    CHECK(child_ids(a.id, "ACCOUNT").empty());
    CHECK(child_ids(a1.id, "ACCOUNT") == std::vector<std::string>{kMember.account_id});
    for (const auto& c : orgs.list_children(repo, kMgmt, a.id, "ORGANIZATIONAL_UNIT", {}).items)
        CHECK(c.type == "ORGANIZATIONAL_UNIT");

    auto listed =
        orgs.call<api::ops::ListOrganizationalUnitsForParent>(repo, kMgmt, {{}, {}, a.id}).organizational_units;
    REQUIRE(listed.size() == 1);
    CHECK(listed[0] == a1);

    CHECK(parent_of(a.id) == api::Parent{root, api::ParentType::ROOT});
    CHECK(parent_of(a1.id) == api::Parent{a.id, api::ParentType::ORGANIZATIONAL_UNIT});
    CHECK(parent_of(kMember.account_id) == api::Parent{a1.id, api::ParentType::ORGANIZATIONAL_UNIT});
    CHECK(parent_of(kMgmt.account_id) == api::Parent{root, api::ParentType::ROOT});
    expect_error([&] { orgs.list_parents(repo, kMgmt, "ou-zzzz-abcdefgh", {}); },
                 error_code::ChildNotFoundException);
    expect_error([&] { orgs.list_parents(repo, kMgmt, kOther.account_id, {}); },
                 error_code::ChildNotFoundException);
}

TEST_CASE_FIXTURE(TreeFixture, "tree: accounts carry their path, and it follows them") {
    auto a = create(root, "A");
    auto a1 = create(a.id, "A1");
    auto path_of = [&](const std::string& id) { return orgs.describe_account(repo, kMgmt, id).paths; };
    CHECK(path_of(kMember.account_id) ==
          std::vector<std::string>{org.id + "/" + root + "/" + kMember.account_id + "/"});
    move(kMember.account_id, root, a1.id);
    CHECK(path_of(kMember.account_id) == std::vector<std::string>{a1.path + kMember.account_id + "/"});
    for (const auto& acc : orgs.list_accounts(repo, kMgmt, {}).items) {
        if (acc.id == kMember.account_id)
            CHECK(acc.paths == std::vector<std::string>{a1.path + acc.id + "/"});
        if (acc.id == kMgmt.account_id)
            CHECK(acc.paths == std::vector<std::string>{org.id + "/" + root + "/" + acc.id + "/"});
    }
    CHECK(orgs.list_accounts_for_parent(repo, kMgmt, a1.id, {}).items.at(0).paths.at(0) ==
          a1.path + kMember.account_id + "/");
}

TEST_CASE_FIXTURE(TreeFixture,
                  "tree: lists page by MaxResults with tokens, each item once, in a stable order") {
    auto parent = create(root, "Wide");
    std::set<std::string> made;
    for (int i = 0; i < 23; ++i) made.insert(create(parent.id, numbered("OU ", i)).id);
    std::vector<std::string> seen;
    std::optional<std::string> token;
    int pages = 0;
    do {
        auto page = orgs.call<api::ops::ListOrganizationalUnitsForParent>(repo, kMgmt, {5, token, parent.id});
        CHECK(page.organizational_units.size() <= 5);
        for (const auto& ou : page.organizational_units) seen.push_back(ou.id);
        token = page.next_token.empty() ? std::nullopt : std::optional<std::string>(page.next_token);
        ++pages;
    } while (token);
    CHECK(pages == 5);
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(std::set<std::string>(seen.begin(), seen.end()) == made);
    CHECK(seen.size() == made.size());

    auto first = orgs.list_children(repo, kMgmt, parent.id, "ORGANIZATIONAL_UNIT", {20, std::nullopt});
    REQUIRE(first.next_token);
    CHECK(orgs.list_children(repo, kMgmt, parent.id, "ORGANIZATIONAL_UNIT", {20, first.next_token})
              .items.size() == 3);
    // A token of one list is refused by another.
    expect_error(
        [&] {
            orgs.list_children(repo, kMgmt, root, "ORGANIZATIONAL_UNIT", {20, first.next_token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
}

TEST_CASE_FIXTURE(TreeFixture, "tree: MoveAccount and each of its refusals") {
    auto a = create(root, "A");
    auto b = create(root, "B");
    orgs.tag_resource(repo, kMgmt, kMember.account_id, {{"keep", "me"}});
    move(kMember.account_id, root, a.id);
    CHECK(parent_of(kMember.account_id).id == a.id);
    move(kMember.account_id, a.id, b.id);
    CHECK(parent_of(kMember.account_id).id == b.id);
    // Tags stay with it.
    CHECK(orgs.list_tags_for_resource(repo, kMgmt, kMember.account_id, std::nullopt).items ==
          std::vector<model::Tag>{{"keep", "me"}});

    expect_error([&] { move(kOther.account_id, b.id, a.id); }, error_code::AccountNotFoundException);
    expect_error([&] { move(kMember.account_id, "ou-zzzz-abcdefgh", a.id); },
                 error_code::SourceParentNotFoundException);
    expect_error([&] { move(kMember.account_id, b.id, "ou-zzzz-abcdefgh"); },
                 error_code::DestinationParentNotFoundException);
    // The source exists but the account is not there (a move that lost a race).
    expect_error([&] { move(kMember.account_id, a.id, root); }, error_code::SourceParentNotFoundException);
    expect_error([&] { move(kMember.account_id, b.id, b.id); }, error_code::DuplicateAccountException);
    CHECK(parent_of(kMember.account_id).id == b.id);
    // The management account can be moved too.
    move(kMgmt.account_id, root, a.id);
    CHECK(parent_of(kMgmt.account_id).id == a.id);
}

TEST_CASE_FIXTURE(TreeFixture, "tree: a member account is denied every tree operation") {
    auto ou = create(root, "A");
    expect_error([&] { create(root, "B", {}, kMember); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.call<api::ops::DescribeOrganizationalUnit>(repo, kMember, {ou.id}); },
                 error_code::AccessDeniedException);
    expect_error(
        [&] {
            orgs.call<api::ops::UpdateOrganizationalUnit>(repo, kMember, {"X", ou.id});
        },
        error_code::AccessDeniedException);
    expect_error([&] { orgs.call<api::ops::DeleteOrganizationalUnit>(repo, kMember, {ou.id}); },
                 error_code::AccessDeniedException);
    expect_error(
        [&] {
            orgs.call<api::ops::ListOrganizationalUnitsForParent>(repo, kMember, {{}, {}, root});
        },
        error_code::AccessDeniedException);
    expect_error(
        [&] {
            orgs.call<api::ops::MoveAccount>(repo, kMember, {kMember.account_id, ou.id, root});
        },
        error_code::AccessDeniedException);
    // And an account in no organization is told so.
    expect_error([&] { create(root, "B", {}, Caller{"999999999999"}); },
                 error_code::AWSOrganizationsNotInUseException);
}

TEST_CASE_FIXTURE(
    TreeFixture,
    "tree: leaving or being removed takes an account out of its OU; joining puts it under the root") {
    auto ou = create(root, "A");
    move(kMember.account_id, root, ou.id);
    orgs.leave_organization(repo, kMember);
    CHECK(child_ids(ou.id, "ACCOUNT").empty());
    orgs.call<api::ops::DeleteOrganizationalUnit>(repo, kMgmt, {ou.id});  // empty now

    join(kMember.account_id);
    CHECK(parent_of(kMember.account_id).id == root);
    auto b = create(root, "B");
    move(kMember.account_id, root, b.id);
    orgs.remove_account_from_organization(repo, kMgmt, kMember.account_id);
    CHECK(child_ids(b.id, "ACCOUNT").empty());
}

TEST_CASE_FIXTURE(TreeFixture, "tree: DeleteOrganization deletes the tree with it") {
    auto a = create(root, "A", {{"k", "v"}});
    auto a1 = create(a.id, "A1", {{"k", "v"}});
    orgs.remove_account_from_organization(repo, kMgmt, kMember.account_id);
    orgs.delete_organization(repo, kMgmt);
    CHECK(!repo.organizational_units.find(a.id));
    CHECK(!repo.organizational_units.find(a1.id));
    CHECK(db.tags().empty());
    // A new organization of the same account starts with an empty tree.
    orgs.create_organization(repo, kMgmt);
    auto new_root = orgs.list_roots(repo, kMgmt, {}).items.at(0).id;
    CHECK(child_ids(new_root, "ORGANIZATIONAL_UNIT").empty());
}
