// The migration from consolidated billing to all features (issue 4; API Reference, EnableAllFeatures; User Guide, "Enabling all features"; items
// 8-9): EnableAllFeatures and its refusals, the REQUESTED ENABLE_ALL_FEATURES parent and the
// APPROVE_ALL_FEATURES children of invited members, the parent opening once every child is
// accepted, finalisation by the management account, invitations canceled and refused while the
// migration is pending, cancel/decline/removal/expiry, who may act on which handshake, the feature
// set shown by invitations, and DeleteOrganization. Every test case name starts "all features: ".
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "model/errors.hpp"
#include "model/expect_error.hpp"
#include "model/test_store.hpp"
#include "model/calls.hpp"

using namespace localorgs;
using model::Caller;
using model::error_code;
using model::api::Handshake;
using testing::HandshakeFilter;
using testing::InviteRequest;
using model::Millis;
using model::PageRequest;
using testing::expect_error;

namespace {

constexpr Millis kDay = 24LL * 3600 * 1000;
constexpr Millis kMigrationLifetime = 90 * kDay;  // ENABLE_ALL_FEATURES and its children
constexpr Millis kInviteLifetime = 15 * kDay;

const Caller kMgmt{"111111111111"};       // management account of the fixture's CB organization
const Caller kMember1{"222222222222"};    // invited members, once a test makes them join
const Caller kMember2{"333333333333"};
const Caller kMember3{"555555555555"};
const Caller kStranger{"444444444444"};   // standalone
const Caller kOtherMgmt{"666666666666"};  // manages a second organization when a test creates one

constexpr auto kHandshakeConstraint = error_code::HandshakeConstraintViolationException;
constexpr auto kBadTransition = error_code::InvalidHandshakeTransitionException;
constexpr auto kAccessDenied = error_code::AccessDeniedException;
constexpr auto kNotFound = error_code::HandshakeNotFoundException;

std::string account_id(int i) {
    return std::to_string(700000000000LL + i);
}

InviteRequest by_account(const std::string& id) {
    return InviteRequest{{id, "ACCOUNT"}, std::nullopt, {}};
}
InviteRequest by_email(const std::string& email) {
    return InviteRequest{{email, "EMAIL"}, std::nullopt, {}};
}

HandshakeFilter parent_filter(const std::string& parent_id) {
    return HandshakeFilter{std::nullopt, parent_id};
}
HandshakeFilter action_filter(const std::string& action) {
    return HandshakeFilter{action, std::nullopt};
}

std::string handshake_arn(const std::string& mgmt, const std::string& org_id, const std::string& segment,
                          const std::string& id) {
    std::string arn = "arn:aws:organizations::";
    arn += mgmt;
    arn += ":handshake/";
    arn += org_id;
    arn += "/";
    arn += segment;
    arn += "/";
    arn += id;
    return arn;
}

std::vector<std::string> ids_of(const std::vector<Handshake>& hs) {
    std::vector<std::string> out;
    for (const auto& h : hs) out.push_back(h.id);
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

struct AllFeaturesFixture {
    model::FakeClock clock{1'700'000'000'123};
    model::IdGenerator ids{4004};
    testing::Orgs orgs{clock, ids, {}};
    testing::TestStore db;
    model::Repository& repo = db.repo();
    model::api::Organization org;  // CONSOLIDATED_BILLING, managed by kMgmt, no members yet

    AllFeaturesFixture() {
        enroll(kMgmt.account_id, "boss@example.com", "Boss Corp");
        enroll(kMember1.account_id, "member1@example.com", "Member One");
        enroll(kMember2.account_id, "member2@example.com", "Member Two");
        enroll(kMember3.account_id, "member3@example.com", "Member Three");
        enroll(kStranger.account_id, "stranger@example.com", "Stranger Inc");
        enroll(kOtherMgmt.account_id, "other-boss@example.com", "Other Boss");
        org = orgs.create_organization(repo, kMgmt, std::string("CONSOLIDATED_BILLING"));
    }

    void enroll(const std::string& id, const std::string& email, const std::string& name) {
        model::AccountRecord entry = model::default_account(id);
        entry.email = email;
        entry.name = name;
        orgs.register_account(repo, entry);
    }

    model::OrganizationRecord org_record() { return *repo.organizations.find(org.id); }
    model::AccountRecord record(const Caller& who) { return *repo.accounts.find(who.account_id); }

    Handshake invite(const InviteRequest& request, const Caller& sender = kMgmt) {
        return orgs.invite_account_to_organization(repo, sender, request);
    }
    // Invites and accepts: the account joins the sender's organization with JoinedMethod INVITED.
    void join(const Caller& who, const Caller& sender = kMgmt) {
        auto h = invite(by_account(who.account_id), sender);
        orgs.accept_handshake(repo, who, h.id);
        REQUIRE(record(who).joined_method == "INVITED");
    }
    // Makes an account a member as if the organization had created it (set in the repository).
    void add_created_member(const std::string& id) {
        model::AccountRecord a = repo.accounts.find(id) ? *repo.accounts.find(id) : model::default_account(id);
        a.organization_id = org.id;
        a.parent_id = org_record().root_id;
        a.joined_method = model::api::AccountJoinedMethod::CREATED;
        a.joined_ms = clock.now_ms();
        repo.accounts.save(a);
    }

    Handshake enable(const Caller& who = kMgmt) { return orgs.enable_all_features(repo, who); }

    std::string state(const Caller& reader, const std::string& id) {
        return testing::text(orgs.describe_handshake(repo, reader, id).state);
    }
    std::string feature_set(const Caller& who = kMgmt) { return testing::text(orgs.describe_organization(repo, who).feature_set); }

    std::vector<Handshake> received(const Caller& who, const HandshakeFilter& filter = {}) {
        std::vector<Handshake> out;
        PageRequest page{20, std::nullopt};
        for (int guard = 0; guard < 100; ++guard) {
            auto result = orgs.list_handshakes_for_account(repo, who, filter, page);
            out.insert(out.end(), result.items.begin(), result.items.end());
            if (!result.next_token) break;
            page.next_token = result.next_token;
        }
        return out;
    }
    std::vector<Handshake> sent(const HandshakeFilter& filter = {}, const Caller& mgmt = kMgmt) {
        std::vector<Handshake> out;
        PageRequest page{20, std::nullopt};
        for (int guard = 0; guard < 100; ++guard) {
            auto result = orgs.list_handshakes_for_organization(repo, mgmt, filter, page);
            out.insert(out.end(), result.items.begin(), result.items.end());
            if (!result.next_token) break;
            page.next_token = result.next_token;
        }
        return out;
    }
    // The child of `parent` addressed to `who`, as `who` lists it (exactly one).
    Handshake child_of(const Caller& who, const std::string& parent) {
        auto list = received(who, parent_filter(parent));
        REQUIRE(list.size() == 1);
        return list[0];
    }
    static std::string listed_state(const std::vector<Handshake>& list, const std::string& id) {
        for (const auto& h : list)
            if (h.id == id) return testing::text(h.state);
        return "";
    }
    std::vector<model::api::PolicyTypeSummary> root_policy_types() {
        auto roots = orgs.list_roots(repo, kMgmt, {});
        REQUIRE(roots.items.size() == 1);
        return roots.items[0].policy_types;
    }
    // A snapshot of every stored handshake's state, to show that a refusal changed nothing.
    std::map<std::string, std::string> states() {
        std::map<std::string, std::string> out;
        for (const auto& [id, h] : db.handshakes()) out[id] = testing::text(h.state) + "/" + std::to_string(h.closed_ms);
        return out;
    }
};

void check_parent_shape(const Handshake& h, const std::string& mgmt, const std::string& org_id) {
    CHECK(std::regex_match(h.id, std::regex("^h-[0-9a-f]{32}$")));
    CHECK(h.arn == handshake_arn(mgmt, org_id, "enable_all_features", h.id));
    CHECK(h.action == "ENABLE_ALL_FEATURES");
    REQUIRE(h.parties.size() == 1);
    CHECK(h.parties[0].type == "ORGANIZATION");
    CHECK(h.parties[0].id == org_id);
    REQUIRE(h.resources.size() == 1);
    CHECK(h.resources[0].type == "ORGANIZATION");
    CHECK(h.resources[0].value == org_id);
    CHECK(h.resources[0].resources.empty());
    CHECK(h.expiration_ms == h.requested_ms + kMigrationLifetime);
}

void check_child_shape(const Handshake& c, const Handshake& parent, const std::string& mgmt,
                       const std::string& org_id, const std::string& member) {
    CHECK(std::regex_match(c.id, std::regex("^h-[0-9a-f]{32}$")));
    CHECK(c.id != parent.id);
    CHECK(c.arn == handshake_arn(mgmt, org_id, "approve_all_features", c.id));
    CHECK(c.action == "APPROVE_ALL_FEATURES");
    REQUIRE(c.parties.size() == 2);
    CHECK(c.parties[0].type == "ORGANIZATION");
    CHECK(c.parties[0].id == org_id);
    CHECK(c.parties[1].type == "ACCOUNT");
    CHECK(c.parties[1].id == member);
    REQUIRE(c.resources.size() == 3);
    CHECK(c.resources[0].type == "PARENT_HANDSHAKE");
    CHECK(c.resources[0].value == parent.id);  // with its h- prefix
    CHECK(c.resources[1].type == "ORGANIZATION");
    CHECK(c.resources[1].value == org_id);
    CHECK(c.resources[2].type == "ACCOUNT");
    CHECK(c.resources[2].value == member);
    for (const auto& r : c.resources) CHECK(r.resources.empty());
    CHECK(c.requested_ms == parent.requested_ms);
    CHECK(c.expiration_ms == parent.expiration_ms);
}

}  // namespace

// --- EnableAllFeatures: the answer and the children -------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: EnableAllFeatures answers the REQUESTED parent handshake") {
    join(kMember1);
    join(kMember2);
    clock.advance_ms(4321);
    const Millis requested = clock.now_ms();
    auto parent = enable();

    check_parent_shape(parent, kMgmt.account_id, org.id);
    CHECK(parent.state == "REQUESTED");
    CHECK(parent.requested_ms == requested);
    CHECK(parent.expiration_ms == requested + 90LL * 24 * 3600 * 1000);

    // The management account reads the same handshake; the organization is still on CB.
    auto described = orgs.describe_handshake(repo, kMgmt, parent.id);
    check_parent_shape(described, kMgmt.account_id, org.id);
    CHECK(described.state == "REQUESTED");
    CHECK(described.requested_ms == requested);
    CHECK(feature_set() == "CONSOLIDATED_BILLING");
    CHECK(feature_set(kMember1) == "CONSOLIDATED_BILLING");
    CHECK(orgs.describe_organization(repo, kMgmt).available_policy_types.empty());

    // The organization's list shows the parent and its two children.
    auto all = sent(action_filter("ENABLE_ALL_FEATURES"));
    REQUIRE(all.size() == 1);
    CHECK(all[0].id == parent.id);
    CHECK(all[0].state == "REQUESTED");
    CHECK(sent(action_filter("APPROVE_ALL_FEATURES")).size() == 2);
    CHECK(sent(parent_filter(parent.id)).size() == 2);
}

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: each invited member receives an APPROVE_ALL_FEATURES child") {
    join(kMember1);
    join(kMember2);
    add_created_member(account_id(1));
    add_created_member(account_id(2));
    REQUIRE(repo.accounts.count_members(org.id) == 5);
    auto parent = enable();

    std::vector<std::string> children;
    for (const auto& member : {kMember1, kMember2}) {
        CAPTURE(member.account_id);
        // Filtered by ParentHandshakeId: exactly its own child.
        auto c = child_of(member, parent.id);
        check_child_shape(c, parent, kMgmt.account_id, org.id, member.account_id);
        CHECK(c.state == "OPEN");
        children.push_back(c.id);

        // Filtered by ActionType: the same one; unfiltered: the accepted INVITE and the child.
        auto by_action = received(member, action_filter("APPROVE_ALL_FEATURES"));
        REQUIRE(by_action.size() == 1);
        CHECK(by_action[0].id == c.id);
        auto everything = received(member);
        CHECK(everything.size() == 2);
        CHECK(listed_state(everything, c.id) == "OPEN");
        CHECK(received(member, action_filter("ENABLE_ALL_FEATURES")).empty());

        // Both the member and the management account can describe it.
        auto by_member = orgs.describe_handshake(repo, member, c.id);
        auto by_mgmt = orgs.describe_handshake(repo, kMgmt, c.id);
        CHECK(by_member.arn == c.arn);
        CHECK(by_mgmt.arn == c.arn);
        CHECK(by_mgmt.state == "OPEN");
    }
    CHECK(children[0] != children[1]);
    CHECK(sorted(ids_of(sent(parent_filter(parent.id)))) == sorted(children));

    // Members the organization created are not asked: approval is inferred.
    for (int i : {1, 2}) {
        CAPTURE(i);
        CHECK(received(Caller{account_id(i)}).empty());
        CHECK(received(Caller{account_id(i)}, parent_filter(parent.id)).empty());
    }
    // A stranger sees nothing, and a filter on another parent finds nothing.
    CHECK(received(kStranger).empty());
    expect_error([&] { orgs.describe_handshake(repo, kStranger, children[0]); },
                 error_code::HandshakeNotFoundException);
    expect_error([&] { orgs.describe_handshake(repo, kMember2, children[0]); },
                 error_code::HandshakeNotFoundException);
    CHECK(received(kMember1, parent_filter(children[1])).empty());
    CHECK(state(kMgmt, parent.id) == "REQUESTED");
}

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: with no invited member the parent is OPEN at once") {
    SUBCASE("management account alone") {}
    SUBCASE("only created members") {
        add_created_member(account_id(1));
        add_created_member(account_id(2));
    }
    auto parent = enable();
    check_parent_shape(parent, kMgmt.account_id, org.id);
    CHECK(parent.state == "OPEN");
    CHECK(sent(parent_filter(parent.id)).empty());
    CHECK(feature_set() == "CONSOLIDATED_BILLING");

    auto accepted = orgs.accept_handshake(repo, kMgmt, parent.id);
    CHECK(accepted.state == "ACCEPTED");
    CHECK(accepted.id == parent.id);
    CHECK(feature_set() == "ALL");
}

// --- EnableAllFeatures: refusals --------------------------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: EnableAllFeatures refusals") {
    join(kMember1);

    SUBCASE("an organization already on ALL") {
        orgs.create_organization(repo, kOtherMgmt, std::nullopt);
        auto before = states();
        expect_error([&] { enable(kOtherMgmt); }, kHandshakeConstraint, "ORGANIZATION_ALREADY_HAS_ALL_FEATURES");
        auto explicit_all = orgs.create_organization(repo, kStranger, std::string("ALL"));
        expect_error([&] { enable(kStranger); }, kHandshakeConstraint, "ORGANIZATION_ALREADY_HAS_ALL_FEATURES");
        CHECK(states() == before);
        CHECK(explicit_all.feature_set == "ALL");
    }
    SUBCASE("a migration already pending (REQUESTED)") {
        auto parent = enable();
        auto before = states();
        expect_error([&] { enable(); }, kHandshakeConstraint,
                     "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION");
        CHECK(states() == before);
        CHECK(state(kMgmt, parent.id) == "REQUESTED");
        CHECK(received(kMember1, action_filter("APPROVE_ALL_FEATURES")).size() == 1);
    }
    SUBCASE("a migration already pending (OPEN, not yet finalised)") {
        auto parent = enable();
        orgs.accept_handshake(repo, kMember1, child_of(kMember1, parent.id).id);
        REQUIRE(state(kMgmt, parent.id) == "OPEN");
        auto before = states();
        expect_error([&] { enable(); }, kHandshakeConstraint,
                     "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION");
        CHECK(states() == before);
    }
    SUBCASE("a member account") {
        auto before = states();
        expect_error([&] { enable(kMember1); }, kAccessDenied);
        CHECK(states() == before);
    }
    SUBCASE("a standalone account") {
        auto before = states();
        expect_error([&] { enable(kStranger); }, error_code::AWSOrganizationsNotInUseException);
        CHECK(states() == before);
    }
    CHECK(feature_set() == "CONSOLIDATED_BILLING");
}

// --- approvals and finalisation ---------------------------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture,
                  "all features: the parent opens once every child is accepted and management finalises") {
    join(kMember1);
    join(kMember2);
    add_created_member(account_id(1));
    auto parent = enable();
    auto c1 = child_of(kMember1, parent.id);
    auto c2 = child_of(kMember2, parent.id);

    // Not before every invited member approved.
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    CHECK(state(kMgmt, parent.id) == "REQUESTED");

    auto a1 = orgs.accept_handshake(repo, kMember1, c1.id);
    CHECK(a1.state == "ACCEPTED");
    check_child_shape(a1, parent, kMgmt.account_id, org.id, kMember1.account_id);
    CHECK(state(kMgmt, parent.id) == "REQUESTED");
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    expect_error([&] { orgs.accept_handshake(repo, kMember1, c1.id); }, error_code::HandshakeAlreadyInStateException);

    clock.advance_ms(1000);
    CHECK(orgs.accept_handshake(repo, kMember2, c2.id).state == "ACCEPTED");
    CHECK(state(kMgmt, parent.id) == "OPEN");
    CHECK(listed_state(sent(), parent.id) == "OPEN");
    CHECK(listed_state(received(kMember1), c1.id) == "ACCEPTED");
    CHECK(listed_state(received(kMember2), c2.id) == "ACCEPTED");

    // Still consolidated billing until the management account accepts the parent.
    CHECK(feature_set() == "CONSOLIDATED_BILLING");
    CHECK(orgs.describe_organization(repo, kMgmt).available_policy_types.empty());
    CHECK(root_policy_types().empty());

    auto finalised = orgs.accept_handshake(repo, kMgmt, parent.id);
    CHECK(finalised.state == "ACCEPTED");
    check_parent_shape(finalised, kMgmt.account_id, org.id);
    CHECK(finalised.requested_ms == parent.requested_ms);
    CHECK(state(kMgmt, parent.id) == "ACCEPTED");

    for (const auto& who : {kMgmt, kMember1, kMember2}) {
        CAPTURE(who.account_id);
        auto o = orgs.describe_organization(repo, who);
        CHECK(o.feature_set == "ALL");
        REQUIRE(o.available_policy_types.size() == 1);
        CHECK(o.available_policy_types[0].type == "SERVICE_CONTROL_POLICY");
        CHECK(o.available_policy_types[0].status == "ENABLED");
    }
    // Policy types stay disabled in the root until EnablePolicyType (README, The policies).
    CHECK(root_policy_types().empty());
    CHECK(org_record().feature_set == "ALL");

    // One way: no second migration, no going back; the parent is closed.
    expect_error([&] { enable(); }, kHandshakeConstraint, "ORGANIZATION_ALREADY_HAS_ALL_FEATURES");
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, parent.id); },
                 error_code::HandshakeAlreadyInStateException);
    expect_error([&] { orgs.cancel_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    expect_error([&] { orgs.decline_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    CHECK(feature_set() == "ALL");
    // Membership is untouched.
    CHECK(record(kMember1).organization_id == org.id);
    CHECK(record(kMember2).organization_id == org.id);
    CHECK(orgs.list_accounts(repo, kMgmt, {}).items.size() == 4);
}

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: an OPEN parent can still be canceled; the org stays on CB") {
    join(kMember1);
    auto parent = enable();
    orgs.accept_handshake(repo, kMember1, child_of(kMember1, parent.id).id);
    REQUIRE(state(kMgmt, parent.id) == "OPEN");
    CHECK(orgs.cancel_handshake(repo, kMgmt, parent.id).state == "CANCELED");
    CHECK(listed_state(received(kMember1), child_of(kMember1, parent.id).id) == "ACCEPTED");
    CHECK(feature_set() == "CONSOLIDATED_BILLING");
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    // A new migration may start.
    CHECK(enable().state == "REQUESTED");
}

// --- invitations while the migration is pending -----------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: invitations are canceled and refused while pending") {
    join(kMember1);
    auto to_account = invite(by_account(kMember2.account_id));
    auto to_email = invite(by_email("juan@example.com"));
    // Another organization's invitation to the same account is not affected.
    orgs.create_organization(repo, kOtherMgmt, std::string("CONSOLIDATED_BILLING"));
    auto other = invite(by_account(kMember2.account_id), kOtherMgmt);
    clock.advance_ms(5000);
    const Millis started = clock.now_ms();

    auto parent = enable();
    CHECK(state(kMember2, to_account.id) == "CANCELED");
    CHECK(state(kMgmt, to_email.id) == "CANCELED");
    CHECK(repo.handshakes.find(to_account.id)->closed_ms == started);
    CHECK(listed_state(sent(action_filter("INVITE")), to_account.id) == "CANCELED");
    CHECK(listed_state(received(kMember2), to_account.id) == "CANCELED");
    CHECK(state(kMember2, other.id) == "OPEN");
    // The accepted invitation of the member stays ACCEPTED.
    auto member_invites = received(kMember1, action_filter("INVITE"));
    REQUIRE(member_invites.size() == 1);
    CHECK(member_invites[0].state == "ACCEPTED");
    // The canceled invitation cannot be accepted any more.
    expect_error([&] { orgs.accept_handshake(repo, kMember2, to_account.id); }, kBadTransition);
    CHECK(record(kMember2).standalone());

    // New invitations are refused, by account and by email, and nothing is stored or sent.
    auto before = states();
    const auto messages = db.outbox().size();
    expect_error([&] { invite(by_account(kMember3.account_id)); }, kHandshakeConstraint,
                 "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES");
    expect_error([&] { invite(by_account(kMember2.account_id)); }, kHandshakeConstraint,
                 "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES");
    expect_error([&] { invite(by_email("someone@example.com")); }, kHandshakeConstraint,
                 "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES");
    CHECK(states() == before);
    CHECK(db.outbox().size() == messages);
    // The other organization still invites.
    CHECK(invite(by_account(kMember3.account_id), kOtherMgmt).state == "OPEN");

    SUBCASE("after finalising, invitations work again and show ALL") {
        orgs.accept_handshake(repo, kMember1, child_of(kMember1, parent.id).id);
        // OPEN but not finalised: still pending.
        REQUIRE(state(kMgmt, parent.id) == "OPEN");
        expect_error([&] { invite(by_account(kMember3.account_id)); }, kHandshakeConstraint,
                     "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES");
        orgs.accept_handshake(repo, kMgmt, parent.id);
        auto h = invite(by_account(kMember2.account_id));
        CHECK(h.state == "OPEN");
        REQUIRE(h.resources.size() == 2);
        REQUIRE(h.resources[0].resources.size() == 3);
        CHECK(h.resources[0].resources[2].type == "ORGANIZATION_FEATURE_SET");
        CHECK(h.resources[0].resources[2].value == "ALL");
        orgs.accept_handshake(repo, kMember2, h.id);
        CHECK(record(kMember2).organization_id == org.id);
    }
    SUBCASE("after canceling the parent, invitations work again and show CONSOLIDATED_BILLING") {
        orgs.cancel_handshake(repo, kMgmt, parent.id);
        auto h = invite(by_account(kMember2.account_id));
        CHECK(h.state == "OPEN");
        REQUIRE(h.resources[0].resources.size() == 3);
        CHECK(h.resources[0].resources[2].value == "CONSOLIDATED_BILLING");
    }
    SUBCASE("after the management account declines the parent, invitations work again") {
        CHECK(orgs.decline_handshake(repo, kMgmt, parent.id).state == "DECLINED");
        CHECK(state(kMember1, child_of(kMember1, parent.id).id) == "CANCELED");
        CHECK(invite(by_account(kMember2.account_id)).state == "OPEN");
        CHECK(feature_set() == "CONSOLIDATED_BILLING");
    }
}

// --- cancel, decline, removal -----------------------------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture,
                  "all features: canceling the parent cancels open children, accepted ones stay ACCEPTED") {
    join(kMember1);
    join(kMember2);
    join(kMember3);
    auto parent = enable();
    auto c1 = child_of(kMember1, parent.id);
    auto c2 = child_of(kMember2, parent.id);
    auto c3 = child_of(kMember3, parent.id);
    orgs.accept_handshake(repo, kMember1, c1.id);
    orgs.decline_handshake(repo, kMember3, c3.id);
    clock.advance_ms(2500);

    auto canceled = orgs.cancel_handshake(repo, kMgmt, parent.id);
    CHECK(canceled.state == "CANCELED");
    CHECK(canceled.id == parent.id);
    CHECK(state(kMgmt, parent.id) == "CANCELED");
    CHECK(state(kMember1, c1.id) == "ACCEPTED");
    CHECK(state(kMember2, c2.id) == "CANCELED");
    CHECK(state(kMember3, c3.id) == "DECLINED");
    CHECK(repo.handshakes.find(c2.id)->closed_ms == clock.now_ms());
    CHECK(listed_state(received(kMember2), c2.id) == "CANCELED");
    CHECK(listed_state(sent(parent_filter(parent.id)), c2.id) == "CANCELED");
    CHECK(feature_set() == "CONSOLIDATED_BILLING");

    // Nothing moves out of the closed states.
    expect_error([&] { orgs.accept_handshake(repo, kMember2, c2.id); }, kBadTransition);
    expect_error([&] { orgs.decline_handshake(repo, kMember2, c2.id); }, kBadTransition);
    expect_error([&] { orgs.cancel_handshake(repo, kMgmt, parent.id); },
                 error_code::HandshakeAlreadyInStateException);
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    CHECK(state(kMgmt, parent.id) == "CANCELED");

    // A new migration starts from scratch: every invited member is asked again.
    auto again = enable();
    CHECK(again.id != parent.id);
    CHECK(again.state == "REQUESTED");
    for (const auto& member : {kMember1, kMember2, kMember3}) {
        CAPTURE(member.account_id);
        CHECK(child_of(member, again.id).state == "OPEN");
        CHECK(received(member, action_filter("APPROVE_ALL_FEATURES")).size() == 2);
    }
}

TEST_CASE_FIXTURE(AllFeaturesFixture,
                  "all features: a declined child leaves the parent REQUESTED until the member goes") {
    join(kMember1);
    join(kMember2);
    auto parent = enable();
    auto c1 = child_of(kMember1, parent.id);
    auto c2 = child_of(kMember2, parent.id);
    orgs.accept_handshake(repo, kMember1, c1.id);

    auto declined = orgs.decline_handshake(repo, kMember2, c2.id);
    CHECK(declined.state == "DECLINED");
    CHECK(state(kMgmt, parent.id) == "REQUESTED");
    CHECK(state(kMember1, c1.id) == "ACCEPTED");
    expect_error([&] { orgs.accept_handshake(repo, kMember2, c2.id); }, kBadTransition);
    expect_error([&] { orgs.decline_handshake(repo, kMember2, c2.id); },
                 error_code::HandshakeAlreadyInStateException);
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    // Still pending: no second migration, no invitations.
    expect_error([&] { enable(); }, kHandshakeConstraint, "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION");
    expect_error([&] { invite(by_account(kMember3.account_id)); }, kHandshakeConstraint,
                 "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES");

    SUBCASE("the management account removes the member") {
        orgs.remove_account_from_organization(repo, kMgmt, kMember2.account_id);
    }
    SUBCASE("the member leaves") { orgs.leave_organization(repo, kMember2); }
    CHECK(record(kMember2).standalone());
    CHECK(state(kMgmt, parent.id) == "OPEN");
    CHECK(state(kMember2, c2.id) == "DECLINED");
    CHECK(orgs.accept_handshake(repo, kMgmt, parent.id).state == "ACCEPTED");
    CHECK(feature_set() == "ALL");
    CHECK(feature_set(kMember1) == "ALL");
}

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: removing the last member that has not approved opens the parent") {
    join(kMember1);
    join(kMember2);
    auto parent = enable();
    orgs.accept_handshake(repo, kMember1, child_of(kMember1, parent.id).id);
    REQUIRE(state(kMgmt, parent.id) == "REQUESTED");
    // Removing a member that already approved changes nothing.
    orgs.remove_account_from_organization(repo, kMgmt, kMember1.account_id);
    CHECK(state(kMgmt, parent.id) == "REQUESTED");
    // Removing the one that has not answered opens the parent, and closes its child.
    auto c2 = child_of(kMember2, parent.id);
    orgs.remove_account_from_organization(repo, kMgmt, kMember2.account_id);
    CHECK(state(kMgmt, parent.id) == "OPEN");
    CHECK(state(kMember2, c2.id) == "CANCELED");
    expect_error([&] { orgs.accept_handshake(repo, kMember2, c2.id); }, model::error_code::InvalidHandshakeTransitionException);
    orgs.accept_handshake(repo, kMgmt, parent.id);
    CHECK(feature_set() == "ALL");
}

// --- expiry -----------------------------------------------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: after 90 days everything pending expires and the org stays CB") {
    join(kMember1);
    join(kMember2);
    auto parent = enable();
    auto c1 = child_of(kMember1, parent.id);
    auto c2 = child_of(kMember2, parent.id);
    // Accepted late enough to be still listed (closed handshakes go 30 days after closing).
    clock.set_ms(parent.expiration_ms - 10 * kDay);
    orgs.accept_handshake(repo, kMember1, c1.id);

    // One millisecond before expiry: still pending.
    clock.set_ms(parent.expiration_ms - 1);
    CHECK(state(kMgmt, parent.id) == "REQUESTED");
    CHECK(state(kMember2, c2.id) == "OPEN");
    expect_error([&] { invite(by_account(kMember3.account_id)); }, kHandshakeConstraint,
                 "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES");
    expect_error([&] { enable(); }, kHandshakeConstraint, "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION");

    // At expiry: the parent and the unanswered child are EXPIRED, for every reader and in lists.
    clock.advance_ms(1);
    CHECK(state(kMgmt, parent.id) == "EXPIRED");
    CHECK(state(kMgmt, c2.id) == "EXPIRED");
    CHECK(state(kMember2, c2.id) == "EXPIRED");
    CHECK(state(kMember1, c1.id) == "ACCEPTED");
    CHECK(listed_state(sent(), parent.id) == "EXPIRED");
    CHECK(listed_state(sent(parent_filter(parent.id)), c2.id) == "EXPIRED");
    CHECK(listed_state(received(kMember2), c2.id) == "EXPIRED");
    CHECK(listed_state(received(kMember2, parent_filter(parent.id)), c2.id) == "EXPIRED");
    CHECK(feature_set() == "CONSOLIDATED_BILLING");
    CHECK(root_policy_types().empty());

    // Nothing moves out of EXPIRED.
    expect_error([&] { orgs.accept_handshake(repo, kMember2, c2.id); }, kBadTransition);
    expect_error([&] { orgs.decline_handshake(repo, kMember2, c2.id); }, kBadTransition);
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    expect_error([&] { orgs.cancel_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    expect_error([&] { orgs.cancel_handshake(repo, kMgmt, c2.id); }, kBadTransition);
    CHECK(feature_set() == "CONSOLIDATED_BILLING");

    // Invitations are allowed again, and a new migration starts afresh.
    auto h = invite(by_account(kMember3.account_id));
    CHECK(h.state == "OPEN");
    CHECK(h.resources[0].resources[2].value == "CONSOLIDATED_BILLING");
    orgs.cancel_handshake(repo, kMgmt, h.id);  // (an OPEN invite would be canceled by the migration)
    auto again = enable();
    CHECK(again.id != parent.id);
    CHECK(again.state == "REQUESTED");
    CHECK(again.requested_ms == clock.now_ms());
    CHECK(again.expiration_ms == clock.now_ms() + kMigrationLifetime);
    auto n1 = child_of(kMember1, again.id);
    auto n2 = child_of(kMember2, again.id);
    CHECK(n1.state == "OPEN");
    CHECK(n2.state == "OPEN");
    CHECK(n1.id != c1.id);
    // The old children are still listed under their own parent.
    CHECK(child_of(kMember2, parent.id).state == "EXPIRED");
    orgs.accept_handshake(repo, kMember1, n1.id);
    orgs.accept_handshake(repo, kMember2, n2.id);
    CHECK(state(kMgmt, again.id) == "OPEN");
    orgs.accept_handshake(repo, kMgmt, again.id);
    CHECK(feature_set() == "ALL");
}

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: an OPEN parent that is never finalised expires too") {
    auto parent = enable();
    REQUIRE(parent.state == "OPEN");
    clock.advance_ms(kMigrationLifetime);
    CHECK(state(kMgmt, parent.id) == "EXPIRED");
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, parent.id); }, kBadTransition);
    CHECK(feature_set() == "CONSOLIDATED_BILLING");
    CHECK(enable().state == "OPEN");
}

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: the migration outlives the 15 days of an invitation") {
    join(kMember1);
    auto parent = enable();
    clock.advance_ms(kInviteLifetime + kDay);
    CHECK(state(kMgmt, parent.id) == "REQUESTED");
    auto c1 = child_of(kMember1, parent.id);
    CHECK(c1.state == "OPEN");
    orgs.accept_handshake(repo, kMember1, c1.id);
    CHECK(state(kMgmt, parent.id) == "OPEN");
}

// --- who may act on which handshake -----------------------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: a child is answered by its member and canceled by management") {
    join(kMember1);
    join(kMember2);
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    auto parent = enable();
    auto c1 = child_of(kMember1, parent.id);
    auto c2 = child_of(kMember2, parent.id);
    auto before = states();

    // Accept and decline: only the member it is addressed to. The sender is denied; accounts
    // that are no party (another member too) are told it does not exist.
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, c1.id); }, kAccessDenied);
    expect_error([&] { orgs.decline_handshake(repo, kMgmt, c1.id); }, kAccessDenied);
    for (const auto& who : {kMember2, kStranger, kOtherMgmt}) {
        CAPTURE(who.account_id);
        expect_error([&] { orgs.accept_handshake(repo, who, c1.id); }, kNotFound);
        expect_error([&] { orgs.decline_handshake(repo, who, c1.id); }, kNotFound);
        expect_error([&] { orgs.cancel_handshake(repo, who, c1.id); }, kNotFound);
        expect_error([&] { orgs.describe_handshake(repo, who, c1.id); }, kNotFound);
    }
    // Cancel: only the management account that sent it; the member it is addressed to is denied.
    expect_error([&] { orgs.cancel_handshake(repo, kMember1, c1.id); }, kAccessDenied);
    CHECK(states() == before);

    CHECK(orgs.cancel_handshake(repo, kMgmt, c1.id).state == "CANCELED");
    CHECK(state(kMember1, c1.id) == "CANCELED");
    expect_error([&] { orgs.accept_handshake(repo, kMember1, c1.id); }, kBadTransition);
    CHECK(state(kMember2, c2.id) == "OPEN");
    CHECK(orgs.accept_handshake(repo, kMember2, c2.id).state == "ACCEPTED");
    CHECK(feature_set() == "CONSOLIDATED_BILLING");
}

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: only the management account acts on the parent") {
    join(kMember1);
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    auto parent = enable();
    auto c1 = child_of(kMember1, parent.id);

    // The parent's only party is the management account: members (even those asked to
    // approve), strangers and other organizations are told it does not exist.
    auto check_denied = [&] {
        auto before = states();
        for (const auto& who : {kMember1, kStranger, kOtherMgmt}) {
            CAPTURE(who.account_id);
            expect_error([&] { orgs.accept_handshake(repo, who, parent.id); }, kNotFound);
            expect_error([&] { orgs.decline_handshake(repo, who, parent.id); }, kNotFound);
            expect_error([&] { orgs.cancel_handshake(repo, who, parent.id); }, kNotFound);
            expect_error([&] { orgs.describe_handshake(repo, who, parent.id); }, kNotFound);
        }
        CHECK(states() == before);
    };
    check_denied();  // REQUESTED
    orgs.accept_handshake(repo, kMember1, c1.id);
    REQUIRE(state(kMgmt, parent.id) == "OPEN");
    check_denied();  // OPEN
    CHECK(feature_set() == "CONSOLIDATED_BILLING");

    SUBCASE("management accepts") {
        CHECK(orgs.accept_handshake(repo, kMgmt, parent.id).state == "ACCEPTED");
        CHECK(feature_set() == "ALL");
    }
    SUBCASE("management declines") {
        CHECK(orgs.decline_handshake(repo, kMgmt, parent.id).state == "DECLINED");
        CHECK(feature_set() == "CONSOLIDATED_BILLING");
        CHECK(state(kMember1, c1.id) == "ACCEPTED");
    }
    SUBCASE("management cancels") {
        CHECK(orgs.cancel_handshake(repo, kMgmt, parent.id).state == "CANCELED");
        CHECK(feature_set() == "CONSOLIDATED_BILLING");
    }
}

// --- invitations show the feature set ---------------------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: invitations show the organization's feature set") {
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);  // ALL by default
    auto from_all = invite(by_account(kMember1.account_id), kOtherMgmt);
    auto from_cb = invite(by_account(kMember2.account_id));
    REQUIRE(from_all.resources[0].resources.size() == 3);
    REQUIRE(from_cb.resources[0].resources.size() == 3);
    CHECK(from_all.resources[0].resources[2].type == "ORGANIZATION_FEATURE_SET");
    CHECK(from_all.resources[0].resources[2].value == "ALL");
    CHECK(from_cb.resources[0].resources[2].type == "ORGANIZATION_FEATURE_SET");
    CHECK(from_cb.resources[0].resources[2].value == "CONSOLIDATED_BILLING");
    orgs.accept_handshake(repo, kMember2, from_cb.id);

    // After the migration new invitations say ALL; an accepted one keeps what it said.
    auto parent = enable();
    orgs.accept_handshake(repo, kMember2, child_of(kMember2, parent.id).id);
    orgs.accept_handshake(repo, kMgmt, parent.id);
    auto after = invite(by_account(kMember3.account_id));
    CHECK(after.resources[0].resources[2].value == "ALL");
    CHECK(orgs.describe_handshake(repo, kMember2, from_cb.id).resources[0].resources[2].value ==
          "CONSOLIDATED_BILLING");
}

// --- DeleteOrganization -----------------------------------------------------------------------

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: DeleteOrganization during a migration") {
    join(kMember1);
    join(kMember2);
    auto parent = enable();
    auto c1 = child_of(kMember1, parent.id);
    auto c2 = child_of(kMember2, parent.id);
    orgs.accept_handshake(repo, kMember1, c1.id);

    // With members: refused, nothing changes.
    auto before = states();
    expect_error([&] { orgs.delete_organization(repo, kMgmt); }, error_code::OrganizationNotEmptyException);
    CHECK(states() == before);
    CHECK(state(kMgmt, parent.id) == "REQUESTED");

    orgs.remove_account_from_organization(repo, kMgmt, kMember1.account_id);
    orgs.remove_account_from_organization(repo, kMgmt, kMember2.account_id);
    CHECK(repo.accounts.count_members(org.id) == 1);
    clock.advance_ms(3000);
    orgs.delete_organization(repo, kMgmt);

    // The pending migration dies with the organization.
    CHECK(record(kMgmt).standalone());
    CHECK(repo.organizations.find(org.id) == std::nullopt);
    CHECK(repo.handshakes.find(parent.id)->state == "CANCELED");
    CHECK(repo.handshakes.find(parent.id)->closed_ms == clock.now_ms());
    CHECK(repo.handshakes.find(c1.id)->state == "ACCEPTED");
    CHECK(repo.handshakes.find(c2.id)->state == "CANCELED");
    CHECK(state(kMember2, c2.id) == "CANCELED");
    expect_error([&] { orgs.accept_handshake(repo, kMember2, c2.id); }, kBadTransition);

    // The former management account may start again.
    auto fresh = orgs.create_organization(repo, kMgmt, std::string("CONSOLIDATED_BILLING"));
    CHECK(fresh.id != org.id);
    auto p2 = orgs.enable_all_features(repo, kMgmt);
    CHECK(p2.state == "OPEN");
    CHECK(p2.arn == handshake_arn(kMgmt.account_id, fresh.id, "enable_all_features", p2.id));
    orgs.accept_handshake(repo, kMgmt, p2.id);
    CHECK(orgs.describe_organization(repo, kMgmt).feature_set == "ALL");
    CHECK(invite(by_account(kMember1.account_id)).state == "OPEN");
}

TEST_CASE_FIXTURE(AllFeaturesFixture, "all features: an invitation that already expired stays EXPIRED, not CANCELED") {
    auto old = invite(by_account(kMember1.account_id));
    clock.advance_ms(kInviteLifetime);
    auto fresh = invite(by_account(kMember2.account_id));
    auto parent = enable();
    CHECK(parent.state == "OPEN");  // nobody joined by invitation
    CHECK(state(kMember1, old.id) == "EXPIRED");
    CHECK(state(kMember2, fresh.id) == "CANCELED");
}
