// The invitation and the handshake lifecycle (issue 3 items 1-6; API Reference of each operation):
// InviteAccountToOrganization with every refusal, Accept/Decline/Cancel/Describe, the state
// machine, expiry and retention on the fake clock, the two lists with filters and paging,
// Remove/Leave/DeleteOrganization, and the outbox. Every test case name starts "handshakes: ".
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
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
using model::api::HandshakeResource;
using testing::InviteRequest;
using model::Millis;
using model::PageRequest;
using model::Tag;
using testing::expect_error;

namespace {

constexpr Millis kMinute = 60 * 1000;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;
constexpr Millis kLifetime = 15 * kDay;   // an INVITE is OPEN for exactly 15 days
constexpr Millis kRetention = 30 * kDay;  // closed handshakes stay visible 30 days

const Caller kMgmt{"111111111111"};       // management account of the fixture's organization
const Caller kInvitee{"222222222222"};    // standalone; registered as invitee@example.com
const Caller kStranger{"333333333333"};   // standalone; party to nothing unless a test says so
const Caller kOtherMgmt{"444444444444"};  // manages a second organization when a test creates one

constexpr auto kHandshakeConstraint = error_code::HandshakeConstraintViolationException;

// Numbered accounts for tests that need many; their registry entries are the defaults.
std::string account_id(int i) {
    return std::to_string(500000000000LL + i);
}
Caller account(int i) {
    return Caller{account_id(i)};
}

InviteRequest by_account(const std::string& id, std::optional<std::string> notes = std::nullopt,
                         std::vector<Tag> tags = {}) {
    return InviteRequest{{id, "ACCOUNT"}, std::move(notes), std::move(tags)};
}
InviteRequest by_email(const std::string& email, std::optional<std::string> notes = std::nullopt,
                       std::vector<Tag> tags = {}) {
    return InviteRequest{{email, "EMAIL"}, std::move(notes), std::move(tags)};
}

std::vector<Tag> numbered_tags(int n) {
    std::vector<Tag> tags;
    for (int i = 0; i < n; ++i) tags.push_back({std::to_string(i) + "-key", std::to_string(i) + "-value"});
    return tags;
}

std::vector<std::string> ids_of(const std::vector<Handshake>& hs) {
    std::vector<std::string> out;
    for (const auto& h : hs) out.push_back(h.id);
    return out;
}

bool same_resources(const std::vector<HandshakeResource>& a, const std::vector<HandshakeResource>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].type != b[i].type || a[i].value != b[i].value ||
            !same_resources(a[i].resources, b[i].resources))
            return false;
    return true;
}

// Everything but the state, which depends on when and by whom it is read.
void check_same_handshake(const Handshake& a, const Handshake& b) {
    CHECK(a.id == b.id);
    CHECK(a.arn == b.arn);
    CHECK(a.action == b.action);
    REQUIRE(a.parties.size() == b.parties.size());
    for (std::size_t i = 0; i < a.parties.size(); ++i) {
        CHECK(a.parties[i].id == b.parties[i].id);
        CHECK(a.parties[i].type == b.parties[i].type);
    }
    CHECK(same_resources(a.resources, b.resources));
    CHECK(a.requested_ms == b.requested_ms);
    CHECK(a.expiration_ms == b.expiration_ms);
}

struct HandshakeFixture {
    model::FakeClock clock{1'700'000'000'123};
    model::IdGenerator ids{2024};
    testing::Orgs orgs{clock, ids, {}};
    testing::TestStore db;
    model::Repository& repo = db.repo();
    model::api::Organization org;

    HandshakeFixture() {
        enroll(kMgmt.account_id, "boss@example.com", "Boss Corp");
        enroll(kInvitee.account_id, "invitee@example.com", "Invitee Ltd");
        enroll(kStranger.account_id, "stranger@example.com", "Stranger Inc");
        enroll(kOtherMgmt.account_id, "other-boss@example.com", "Other Boss");
        org = orgs.create_organization(repo, kMgmt, std::nullopt);
    }

    // Creates or updates an account's registry entry, keeping its membership.
    model::AccountRecord enroll(const std::string& id, const std::string& email, const std::string& name,
                                const std::string& seller = "AWS_INC", const std::string& partition = "aws",
                                bool verified = true) {
        model::AccountRecord entry = model::default_account(id);
        entry.email = email;
        entry.name = name;
        entry.seller_of_record = seller;
        entry.partition = partition;
        entry.email_verified = verified;
        return orgs.register_account(repo, entry);
    }
    void set_seller(const Caller& who, const std::string& seller, const std::string& partition = "aws") {
        auto entry = *repo.accounts.find(who.account_id);
        entry.seller_of_record = seller;
        entry.partition = partition;
        orgs.register_account(repo, entry);
    }
    void set_verified(const Caller& who, bool verified) {
        auto entry = *repo.accounts.find(who.account_id);
        entry.email_verified = verified;
        orgs.register_account(repo, entry);
    }
    model::AccountRecord record(const Caller& who) { return *repo.accounts.find(who.account_id); }
    model::Quotas quotas() { return repo.organizations.find(org.id)->quotas; }
    // Changes the organization's quotas, as the control plane does.
    template <class Change>
    void set_quotas(Change change) {
        auto record = *repo.organizations.find(org.id);
        change(record.quotas);
        repo.organizations.save(record);
    }

    Handshake invite(const InviteRequest& request, const Caller& sender = kMgmt) {
        return orgs.invite_account_to_organization(repo, sender, request);
    }
    // Invites and accepts: the account becomes a member of the sender's organization.
    Handshake join(const Caller& who, const Caller& sender = kMgmt) {
        auto h = invite(by_account(who.account_id), sender);
        return orgs.accept_handshake(repo, who, h.id);
    }
    std::string state(const Caller& reader, const std::string& id) {
        return testing::text(orgs.describe_handshake(repo, reader, id).state);
    }

    // The invitation is refused with exactly this error and leaves no trace: no handshake (nor a
    // changed one), no message, no tag, no membership.
    void expect_refused(const InviteRequest& request, error_code code, const std::string& reason = "",
                        const Caller& sender = kMgmt) {
        std::map<std::string, std::string> before;
        for (const auto& [id, h] : db.handshakes()) before[id] = testing::text(h.state) + "/" + std::to_string(h.closed_ms);
        const auto messages = db.outbox().size();
        const auto tags = db.tags();
        std::map<std::string, std::string> membership;
        for (const auto& [id, a] : db.accounts()) membership[id] = a.organization_id;

        expect_error([&] { invite(request, sender); }, code, reason);

        std::map<std::string, std::string> after;
        for (const auto& [id, h] : db.handshakes()) after[id] = testing::text(h.state) + "/" + std::to_string(h.closed_ms);
        CHECK(after == before);
        CHECK(db.outbox().size() == messages);
        CHECK(db.tags() == tags);
        for (const auto& [id, a] : db.accounts())
            if (membership.count(id)) CHECK(a.organization_id == membership[id]);
    }

    // Pages through a list with `max_results`, checking each page's size and token.
    template <class List>
    std::vector<Handshake> drain(List&& list, int max_results, const HandshakeFilter& filter = {}) {
        std::vector<Handshake> out;
        std::set<std::string> tokens;
        PageRequest page{max_results, std::nullopt};
        for (int guard = 0; guard < 1000; ++guard) {
            auto result = list(filter, page);
            CHECK(result.items.size() <= std::size_t(max_results));
            if (result.next_token) {
                CHECK(result.items.size() == std::size_t(max_results));
                CHECK(tokens.insert(*result.next_token).second);
            }
            out.insert(out.end(), result.items.begin(), result.items.end());
            page.next_token = result.next_token;
            if (!page.next_token) break;
        }
        return out;
    }
    std::vector<Handshake> received(const Caller& who, int max_results = 20,
                                    const HandshakeFilter& filter = {}) {
        return drain([&](const HandshakeFilter& f,
                         const PageRequest& p) { return orgs.list_handshakes_for_account(repo, who, f, p); },
                     max_results, filter);
    }
    std::vector<Handshake> sent(const Caller& mgmt = kMgmt, int max_results = 20,
                                const HandshakeFilter& filter = {}) {
        return drain(
            [&](const HandshakeFilter& f, const PageRequest& p) {
                return orgs.list_handshakes_for_organization(repo, mgmt, f, p);
            },
            max_results, filter);
    }
    // The state of `id` in a list, or "" when the list does not show it.
    static std::string listed_state(const std::vector<Handshake>& list, const std::string& id) {
        for (const auto& h : list)
            if (h.id == id) return testing::text(h.state);
        return "";
    }
};

}  // namespace

// --- InviteAccountToOrganization: the answer ------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: invite by ACCOUNT answers the exact handshake") {
    clock.advance_ms(777);
    const Millis requested = clock.now_ms();
    auto h = invite(by_account(kInvitee.account_id, std::string("Welcome aboard")));

    CHECK(std::regex_match(h.id, std::regex("^h-[0-9a-f]{32}$")));
    CHECK(h.arn == "arn:aws:organizations::111111111111:handshake/" + org.id + "/invite/" + h.id);
    CHECK(h.action == "INVITE");
    CHECK(h.state == "OPEN");
    CHECK(h.requested_ms == requested);
    CHECK(h.expiration_ms == requested + 15LL * 24 * 3600 * 1000);

    REQUIRE(h.parties.size() == 2);
    CHECK(h.parties[0].type == "ORGANIZATION");
    CHECK(h.parties[0].id == org.id);
    CHECK(h.parties[1].type == "ACCOUNT");
    CHECK(h.parties[1].id == "222222222222");

    REQUIRE(h.resources.size() == 3);
    CHECK(h.resources[0].type == "ORGANIZATION");
    CHECK(h.resources[0].value == org.id);
    REQUIRE(h.resources[0].resources.size() == 3);
    CHECK(h.resources[0].resources[0].type == "MASTER_EMAIL");
    CHECK(h.resources[0].resources[0].value == "boss@example.com");
    CHECK(h.resources[0].resources[1].type == "MASTER_NAME");
    CHECK(h.resources[0].resources[1].value == "Boss Corp");
    CHECK(h.resources[0].resources[2].type == "ORGANIZATION_FEATURE_SET");
    CHECK(h.resources[0].resources[2].value == "ALL");
    for (const auto& nested : h.resources[0].resources) CHECK(nested.resources.empty());
    CHECK(h.resources[1].type == "ACCOUNT");
    CHECK(h.resources[1].value == "222222222222");
    CHECK(h.resources[1].resources.empty());
    CHECK(h.resources[2].type == "NOTES");
    CHECK(h.resources[2].value == "Welcome aboard");
    CHECK(h.resources[2].resources.empty());

    // Both parties read the same handshake; the invitee is not a member yet.
    check_same_handshake(orgs.describe_handshake(repo, kMgmt, h.id), h);
    check_same_handshake(orgs.describe_handshake(repo, kInvitee, h.id), h);
    CHECK(state(kInvitee, h.id) == "OPEN");
    CHECK(record(kInvitee).standalone());
    CHECK(orgs.list_accounts(repo, kMgmt, {}).items.size() == 1);
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: invite by EMAIL keeps the address as given, no NOTES without notes") {
    auto cb = orgs.create_organization(repo, kOtherMgmt, std::string("CONSOLIDATED_BILLING"));
    auto h = invite(by_email("Juan.Perez@Example.com"), kOtherMgmt);

    CHECK(std::regex_match(h.id, std::regex("^h-[0-9a-f]{32}$")));
    CHECK(h.arn == "arn:aws:organizations::444444444444:handshake/" + cb.id + "/invite/" + h.id);
    CHECK(h.state == "OPEN");
    CHECK(h.expiration_ms - h.requested_ms == kLifetime);
    REQUIRE(h.parties.size() == 2);
    CHECK(h.parties[0].type == "ORGANIZATION");
    CHECK(h.parties[0].id == cb.id);
    CHECK(h.parties[1].type == "EMAIL");
    CHECK(h.parties[1].id == "Juan.Perez@Example.com");
    REQUIRE(h.resources.size() == 2);
    CHECK(h.resources[0].type == "ORGANIZATION");
    CHECK(h.resources[0].value == cb.id);
    REQUIRE(h.resources[0].resources.size() == 3);
    CHECK(h.resources[0].resources[0].value == "other-boss@example.com");
    CHECK(h.resources[0].resources[1].value == "Other Boss");
    CHECK(h.resources[0].resources[2].type == "ORGANIZATION_FEATURE_SET");
    CHECK(h.resources[0].resources[2].value == "CONSOLIDATED_BILLING");
    CHECK(h.resources[1].type == "EMAIL");
    CHECK(h.resources[1].value == "Juan.Perez@Example.com");

    // An empty note is a note.
    auto with_empty_notes = invite(by_account(kInvitee.account_id, std::string("")), kOtherMgmt);
    REQUIRE(with_empty_notes.resources.size() == 3);
    CHECK(with_empty_notes.resources[2].type == "NOTES");
    CHECK(with_empty_notes.resources[2].value.empty());
    CHECK(with_empty_notes.id != h.id);
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: notes are carried verbatim, up to the model's 1024 characters") {
    std::string notes = "Line one\nLine two: \xc3\xa9t\xc3\xa9 \xe2\x9c\x93\t<b>&amp;</b>\n";
    notes += std::string(1024 - notes.size(), 'x');
    REQUIRE(notes.size() == 1024);
    auto h = invite(by_account(kInvitee.account_id, notes));
    REQUIRE(h.resources.size() == 3);
    CHECK(h.resources[2].type == "NOTES");
    CHECK(h.resources[2].value == notes);
    CHECK(orgs.describe_handshake(repo, kInvitee, h.id).resources[2].value == notes);
    REQUIRE(db.outbox().size() == 1);
    CHECK(db.outbox()[0].body.find(notes) != std::string::npos);
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: the ARN names the sender's partition and management account") {
    enroll(kOtherMgmt.account_id, "other-boss@example.com", "Other Boss", "AWS_INC", "aws-cn");
    auto cn = orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    enroll(kStranger.account_id, "stranger@example.com", "Stranger Inc", "AWS_INC", "aws-cn");
    auto h = invite(by_account(kStranger.account_id), kOtherMgmt);
    CHECK(h.arn == "arn:aws-cn:organizations::444444444444:handshake/" + cn.id + "/invite/" + h.id);
    // The invitee reads the sender's ARN too.
    CHECK(orgs.describe_handshake(repo, kStranger, h.id).arn == h.arn);
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: the handshake keeps the organization as it was when sent") {
    auto h = invite(by_account(kInvitee.account_id));
    enroll(kMgmt.account_id, "new-boss@example.com", "Renamed Corp");
    auto later = orgs.describe_handshake(repo, kInvitee, h.id);
    CHECK(later.resources[0].resources[0].value == "boss@example.com");
    CHECK(later.resources[0].resources[1].value == "Boss Corp");
    auto next = invite(by_account(kStranger.account_id));
    CHECK(next.resources[0].resources[0].value == "new-boss@example.com");
    CHECK(next.resources[0].resources[1].value == "Renamed Corp");
}

// --- InviteAccountToOrganization: refusals --------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: wrong target types and malformed targets are refused") {
    expect_refused({{org.id, "ORGANIZATION"}, std::nullopt, {}}, error_code::InvalidInputException,
                   "INVALID_PARTY_TYPE_TARGET");
    expect_refused({{"222222222222", "ORGANIZATION"}, std::nullopt, {}}, error_code::InvalidInputException,
                   "INVALID_PARTY_TYPE_TARGET");
    for (const char* bad : {"22222222222", "2222222222222", "22222222222a", "invitee@example.com", "",
                            " 222222222222", "o-abcdefghij"})
        expect_refused(by_account(bad), error_code::InvalidInputException, "INVALID_PARTY_TYPE_TARGET");
    for (const char* bad :
         {"not-an-email", "a@b", "@example.com", "juan@", "juan@example", "juan@@example.com",
          "ju an@example.com", "juan@example.", "juan@.com", "222222222222"})
        expect_refused(by_email(bad), error_code::InvalidInputException, "INVALID_EMAIL_ADDRESS_TARGET");
    CHECK(db.handshakes().empty());
    CHECK(db.outbox().empty());
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: invitation tags are checked and a refused request sends nothing") {
    expect_refused(by_account(kInvitee.account_id, std::nullopt, {{"team", "a"}, {"aws:createdBy", "x"}}),
                   error_code::InvalidInputException, "INVALID_SYSTEM_TAGS_PARAMETER");
    expect_refused(by_email("juan@example.com", std::nullopt, {{"aws:x", ""}}),
                   error_code::InvalidInputException, "INVALID_SYSTEM_TAGS_PARAMETER");
    expect_refused(
        by_account(kInvitee.account_id, std::nullopt, {{"team", "a"}, {"env", "b"}, {"team", "c"}}),
        error_code::InvalidInputException, "DUPLICATE_TAG_KEY");
    expect_refused(by_account(kInvitee.account_id, std::nullopt, numbered_tags(51)),
                   error_code::ConstraintViolationException, "MAX_TAG_LIMIT_EXCEEDED");
    expect_refused(by_email("juan@example.com", std::string("notes"), numbered_tags(51)),
                   error_code::ConstraintViolationException, "MAX_TAG_LIMIT_EXCEEDED");
    CHECK(db.handshakes().empty());
    CHECK(db.outbox().empty());

    // Exactly 50 is fine; the tags are not part of the handshake's resources.
    auto h = invite(by_account(kInvitee.account_id, std::nullopt, numbered_tags(50)));
    CHECK(h.resources.size() == 2);
    CHECK(db.outbox().size() == 1);
    CHECK(repo.tags.list(kInvitee.account_id).empty());  // attached only on acceptance
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: a second OPEN invitation to the same account is a duplicate") {
    SUBCASE("ACCOUNT then ACCOUNT") {
        invite(by_account(kInvitee.account_id));
        expect_refused(by_account(kInvitee.account_id), error_code::DuplicateHandshakeException);
    }
    SUBCASE("EMAIL then EMAIL, whatever the case") {
        invite(by_email("juan@example.com"));
        expect_refused(by_email("juan@example.com"), error_code::DuplicateHandshakeException);
        expect_refused(by_email("JUAN@Example.COM"), error_code::DuplicateHandshakeException);
    }
    SUBCASE("EMAIL then ACCOUNT resolving to the same account") {
        invite(by_email("invitee@example.com"));
        expect_refused(by_account(kInvitee.account_id), error_code::DuplicateHandshakeException);
    }
    SUBCASE("ACCOUNT then EMAIL resolving to the same account") {
        invite(by_account(kInvitee.account_id));
        expect_refused(by_email("invitee@example.com"), error_code::DuplicateHandshakeException);
        expect_refused(by_email("Invitee@EXAMPLE.com"), error_code::DuplicateHandshakeException);
    }
    SUBCASE("EMAIL to an address that later names an account, then ACCOUNT") {
        invite(by_email("nobody-yet@example.com"));
        enroll(account_id(8), "nobody-yet@example.com", "Newcomer");
        expect_refused(by_account(account_id(8)), error_code::DuplicateHandshakeException);
    }
    // Other targets and other organizations are not duplicates.
    CHECK(invite(by_account(kStranger.account_id)).state == "OPEN");
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    CHECK(invite(by_account(kInvitee.account_id), kOtherMgmt).state == "OPEN");
    CHECK(invite(by_email("juan@example.com"), kOtherMgmt).state == "OPEN");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: after decline, cancel or expiry the account can be invited again") {
    auto first = invite(by_account(kInvitee.account_id));
    std::string closed;
    SUBCASE("declined") {
        orgs.decline_handshake(repo, kInvitee, first.id);
        closed = "DECLINED";
    }
    SUBCASE("canceled") {
        orgs.cancel_handshake(repo, kMgmt, first.id);
        closed = "CANCELED";
    }
    SUBCASE("expired") {
        clock.advance_ms(kLifetime - 1);
        expect_refused(by_email("invitee@example.com"), error_code::DuplicateHandshakeException);
        clock.advance_ms(1);
        closed = "EXPIRED";
    }
    auto again = invite(by_email("Invitee@Example.com"));
    CHECK(again.id != first.id);
    CHECK(again.state == "OPEN");
    CHECK(state(kInvitee, first.id) == closed);
    // The new one blocks in turn, by either way of naming the account.
    expect_refused(by_account(kInvitee.account_id), error_code::DuplicateHandshakeException);
    expect_refused(by_email("invitee@example.com"), error_code::DuplicateHandshakeException);
    // And the invitee can accept the new one.
    CHECK(orgs.accept_handshake(repo, kInvitee, again.id).state == "ACCEPTED");
    CHECK(record(kInvitee).organization_id == org.id);
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: members of this organization and its management account are refused") {
    expect_refused(by_account(kMgmt.account_id), kHandshakeConstraint, "ALREADY_IN_AN_ORGANIZATION");
    expect_refused(by_email("boss@example.com"), kHandshakeConstraint, "ALREADY_IN_AN_ORGANIZATION");
    expect_refused(by_email("BOSS@Example.com"), kHandshakeConstraint, "ALREADY_IN_AN_ORGANIZATION");

    join(kInvitee);
    expect_refused(by_account(kInvitee.account_id), kHandshakeConstraint, "ALREADY_IN_AN_ORGANIZATION");
    expect_refused(by_email("invitee@example.com"), kHandshakeConstraint, "ALREADY_IN_AN_ORGANIZATION");

    // A member (or the management account) of another organization may be invited.
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    join(kStranger, kOtherMgmt);
    CHECK(invite(by_account(kStranger.account_id)).state == "OPEN");
    CHECK(invite(by_account(kOtherMgmt.account_id)).state == "OPEN");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: members plus OPEN invitations may not exceed the account quota") {
    REQUIRE(quotas().max_accounts == 10);  // the default; the management account counts
    for (int i = 0; i < 9; ++i) invite(by_account(account_id(i)));
    expect_refused(by_account(account_id(9)), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");
    expect_refused(by_email("juan@example.com"), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");

    auto open_to = [&](int i) {
        for (const auto& [id, h] : db.handshakes())
            if (h.recipient_account_id == account_id(i) && h.state == "OPEN") return id;
        FAIL("no open invitation to " << account_id(i));
        return std::string();
    };

    // A decline releases one place.
    orgs.decline_handshake(repo, account(0), open_to(0));
    invite(by_account(account_id(9)));
    expect_refused(by_account(account_id(10)), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");

    // So does a cancel.
    orgs.cancel_handshake(repo, kMgmt, open_to(1));
    invite(by_account(account_id(10)));
    expect_refused(by_account(account_id(11)), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");

    // Acceptance keeps the place taken: 3 members + 7 open = 10.
    orgs.accept_handshake(repo, account(2), open_to(2));
    orgs.accept_handshake(repo, account(3), open_to(3));
    CHECK(repo.accounts.count_members(org.id) == 3);
    expect_refused(by_account(account_id(11)), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");

    // Expiry releases the rest, exactly at the expiry.
    clock.advance_ms(kLifetime - 1);
    expect_refused(by_account(account_id(11)), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");
    clock.advance_ms(1);
    for (int i = 11; i < 18; ++i) invite(by_account(account_id(i)));
    expect_refused(by_account(account_id(18)), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");

    // The quota is the organization's own: raising it lets more through.
    set_quotas([](model::Quotas& q) { q.max_accounts = 11; });
    invite(by_account(account_id(18)));
    expect_refused(by_account(account_id(19)), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: the configured default quota seeds new organizations") {
    model::ServiceOptions options;
    options.default_quotas.max_accounts = 3;
    testing::Orgs small{clock, ids, options};
    auto b = small.create_organization(repo, kOtherMgmt, std::nullopt);
    CHECK(repo.organizations.find(b.id)->quotas.max_accounts == 3);
    small.invite_account_to_organization(repo, kOtherMgmt, by_account(kInvitee.account_id));
    small.invite_account_to_organization(repo, kOtherMgmt, by_account(kStranger.account_id));
    expect_error([&] { small.invite_account_to_organization(repo, kOtherMgmt, by_account(account_id(1))); },
                 kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");
    // The fixture's organization, created with the defaults, still has 10.
    CHECK(quotas().max_accounts == 10);
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: at most max(20, quota) invitations in a rolling 24 hours") {
    const Millis t0 = clock.now_ms();
    // Quota 10 (< 20): the limit is 20 attempts. Closing them keeps the quota free but they count.
    for (int i = 0; i < 20; ++i) {
        auto h = invite(by_account(account_id(i)));
        if (i % 2)
            orgs.decline_handshake(repo, account(i), h.id);
        else
            orgs.cancel_handshake(repo, kMgmt, h.id);
        clock.advance_ms(kMinute);
    }
    expect_refused(by_account(account_id(100)), kHandshakeConstraint, "HANDSHAKE_RATE_LIMIT_EXCEEDED");
    expect_refused(by_email("juan@example.com"), kHandshakeConstraint, "HANDSHAKE_RATE_LIMIT_EXCEEDED");

    // The window rolls: the first attempt (at t0) leaves it exactly 24 hours later.
    clock.set_ms(t0 + kDay - 1);
    expect_refused(by_account(account_id(100)), kHandshakeConstraint, "HANDSHAKE_RATE_LIMIT_EXCEEDED");
    clock.set_ms(t0 + kDay);
    CHECK(invite(by_account(account_id(100))).state == "OPEN");
    expect_refused(by_account(account_id(101)), kHandshakeConstraint, "HANDSHAKE_RATE_LIMIT_EXCEEDED");
    clock.set_ms(t0 + kDay + kMinute);
    CHECK(invite(by_account(account_id(101))).state == "OPEN");
    expect_refused(by_account(account_id(102)), kHandshakeConstraint, "HANDSHAKE_RATE_LIMIT_EXCEEDED");
    // A day after the last attempt, the whole allowance is back (up to the account quota: the two
    // invitations above are still OPEN, so 7 more fill it).
    clock.set_ms(t0 + 2 * kDay + kMinute);
    for (int i = 102; i < 109; ++i) invite(by_account(account_id(i)));
    expect_refused(by_account(account_id(109)), kHandshakeConstraint, "ACCOUNT_NUMBER_LIMIT_EXCEEDED");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: a quota above 20 raises the daily invitation limit to the quota") {
    set_quotas([](model::Quotas& q) { q.max_accounts = 30; });
    std::vector<std::string> first;
    for (int i = 0; i < 25; ++i) first.push_back(invite(by_account(account_id(i))).id);
    for (const auto& id : first) orgs.cancel_handshake(repo, kMgmt, id);
    for (int i = 25; i < 30; ++i) invite(by_account(account_id(i)));  // attempts 26..30 pass
    expect_refused(by_account(account_id(30)), kHandshakeConstraint, "HANDSHAKE_RATE_LIMIT_EXCEEDED");
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: accepted invitations do not count against the daily limit") {
    for (int i = 0; i < 3; ++i) join(account(i));
    CHECK(repo.accounts.count_members(org.id) == 4);
    for (int i = 10; i < 30; ++i) orgs.cancel_handshake(repo, kMgmt, invite(by_account(account_id(i))).id);
    // 23 attempts today, 3 of them accepted: 20 count.
    expect_refused(by_account(account_id(30)), kHandshakeConstraint, "HANDSHAKE_RATE_LIMIT_EXCEEDED");
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: an explicit InvitationsPerDay replaces max(20, quota)") {
    set_quotas([](model::Quotas& q) { q.invitations_per_day = 3; });
    for (int i = 0; i < 3; ++i) invite(by_account(account_id(i)));
    expect_refused(by_account(account_id(3)), kHandshakeConstraint, "HANDSHAKE_RATE_LIMIT_EXCEEDED");
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: AWS India and other sellers, or partitions, never mix") {
    SUBCASE("AWS_INC organization, AWS_INDIA account: refused at invite by ACCOUNT") {
        set_seller(kInvitee, "AWS_INDIA");
        expect_refused(by_account(kInvitee.account_id), kHandshakeConstraint,
                       "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD");
    }
    SUBCASE("AWS_INDIA organization, AWS_INC account: refused at invite by ACCOUNT") {
        set_seller(kOtherMgmt, "AWS_INDIA");
        orgs.create_organization(repo, kOtherMgmt, std::nullopt);
        expect_refused(by_account(kInvitee.account_id), kHandshakeConstraint,
                       "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD", kOtherMgmt);
        // India with India is fine, and the account can join.
        set_seller(kStranger, "AWS_INDIA");
        join(kStranger, kOtherMgmt);
        CHECK(record(kStranger).organization_id == record(kOtherMgmt).organization_id);
    }
    SUBCASE("other sellers mix freely") {
        set_seller(kInvitee, "AWS_EMEA");
        join(kInvitee);
        CHECK(record(kInvitee).organization_id == org.id);
    }
    SUBCASE("different partitions: refused at invite by ACCOUNT") {
        set_seller(kInvitee, "AWS_INC", "aws-cn");
        expect_refused(by_account(kInvitee.account_id), kHandshakeConstraint,
                       "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD");
    }
    SUBCASE("EMAIL target: accepted at invite, refused at acceptance (seller)") {
        set_seller(kInvitee, "AWS_INDIA");
        auto h = invite(by_email("invitee@example.com"));
        CHECK(h.state == "OPEN");
        expect_error([&] { orgs.accept_handshake(repo, kInvitee, h.id); }, kHandshakeConstraint,
                     "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD");
        CHECK(state(kInvitee, h.id) == "OPEN");
        CHECK(record(kInvitee).standalone());
        set_seller(kInvitee, "AWS_INC");
        CHECK(orgs.accept_handshake(repo, kInvitee, h.id).state == "ACCEPTED");
    }
    SUBCASE("EMAIL target: accepted at invite, refused at acceptance (partition)") {
        set_seller(kInvitee, "AWS_INC", "aws-us-gov");
        auto h = invite(by_email("invitee@example.com"));
        expect_error([&] { orgs.accept_handshake(repo, kInvitee, h.id); }, kHandshakeConstraint,
                     "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD");
        CHECK(state(kMgmt, h.id) == "OPEN");
        CHECK(record(kInvitee).standalone());
        // It can still decline.
        CHECK(orgs.decline_handshake(repo, kInvitee, h.id).state == "DECLINED");
    }
    SUBCASE("ACCOUNT target whose seller changed after the invitation: re-checked at acceptance") {
        auto h = invite(by_account(kInvitee.account_id));
        set_seller(kInvitee, "AWS_INDIA");
        expect_error([&] { orgs.accept_handshake(repo, kInvitee, h.id); }, kHandshakeConstraint,
                     "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD");
        CHECK(record(kInvitee).standalone());
    }
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: an unverified management email may not invite") {
    set_verified(kMgmt, false);
    expect_refused(by_account(kInvitee.account_id), error_code::AccountOwnerNotVerifiedException);
    expect_refused(by_email("juan@example.com"), error_code::AccountOwnerNotVerifiedException);
    set_verified(kMgmt, true);
    CHECK(invite(by_account(kInvitee.account_id)).state == "OPEN");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: no invitations while the organization is still initializing") {
    model::ServiceOptions options;
    options.default_quotas.initialization_seconds = 3600;
    testing::Orgs slow{clock, ids, options};
    const Millis created = clock.now_ms();
    auto b = slow.create_organization(repo, kOtherMgmt, std::nullopt);
    CHECK(repo.organizations.find(b.id)->quotas.initialization_seconds == 3600);

    auto attempt = [&] {
        slow.invite_account_to_organization(repo, kOtherMgmt, by_account(kInvitee.account_id));
    };
    try {
        attempt();
        FAIL("expected FinalizingOrganizationException");
    } catch (const model::api_error& e) {
        CHECK(e.code() == error_code::FinalizingOrganizationException);
        CHECK(e.reason().empty());
        CHECK(e.message().find("still initializing") != std::string::npos);
    }
    clock.set_ms(created + 3600 * 1000 - 1);
    expect_refused(by_account(kInvitee.account_id), error_code::FinalizingOrganizationException, "",
                   kOtherMgmt);
    CHECK(db.handshakes().empty());
    clock.set_ms(created + 3600 * 1000);
    attempt();
    CHECK(db.handshakes().size() == 1);
    // The default window is 0: the fixture's organization invited from its first millisecond (above).
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: only a management account invites") {
    join(kInvitee);
    expect_refused(by_account(kStranger.account_id), error_code::AccessDeniedException, "", kInvitee);
    expect_refused(by_email("juan@example.com"), error_code::AccessDeniedException, "", kInvitee);
    expect_refused(by_account(kInvitee.account_id), error_code::AWSOrganizationsNotInUseException, "",
                   kStranger);
    expect_refused(by_account(kInvitee.account_id), error_code::AWSOrganizationsNotInUseException, "",
                   Caller{"999999999999"});
    CHECK(db.handshakes().size() == 1);  // the one kInvitee accepted
}

// --- The other side: who may do what -------------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: only the recipient accepts or declines, only the sender cancels") {
    join(account(1));  // a member of the sending organization, not its management account
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    auto h = invite(by_account(kInvitee.account_id));

    // A party in the wrong role is denied.
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, h.id); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.decline_handshake(repo, kMgmt, h.id); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.cancel_handshake(repo, kInvitee, h.id); }, error_code::AccessDeniedException);
    // Anyone else, a member of the sending organization included, is told it does not exist.
    for (const Caller& c : {kStranger, account(1), kOtherMgmt}) {
        CAPTURE(c.account_id);
        expect_error([&] { orgs.accept_handshake(repo, c, h.id); }, error_code::HandshakeNotFoundException);
        expect_error([&] { orgs.decline_handshake(repo, c, h.id); }, error_code::HandshakeNotFoundException);
        expect_error([&] { orgs.cancel_handshake(repo, c, h.id); }, error_code::HandshakeNotFoundException);
    }
    CHECK(state(kMgmt, h.id) == "OPEN");
    CHECK(record(kInvitee).standalone());
    CHECK(repo.accounts.count_members(org.id) == 2);

    // The parties themselves may.
    SUBCASE("recipient declines") {
        CHECK(orgs.decline_handshake(repo, kInvitee, h.id).state == "DECLINED");
    }
    SUBCASE("sender cancels") {
        CHECK(orgs.cancel_handshake(repo, kMgmt, h.id).state == "CANCELED");
    }
    SUBCASE("recipient accepts") {
        CHECK(orgs.accept_handshake(repo, kInvitee, h.id).state == "ACCEPTED");
    }
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: an EMAIL invitation belongs to the account registered with that address") {
    enroll(account_id(5), "Juan.Perez@Example.COM", "Juan");
    auto h = invite(by_email("juan.perez@example.com"));
    expect_error([&] { orgs.accept_handshake(repo, kMgmt, h.id); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.decline_handshake(repo, kMgmt, h.id); }, error_code::AccessDeniedException);
    // Another address is no party, even the account the emulator would otherwise invite.
    for (const Caller& c : {kInvitee, kStranger}) {
        expect_error([&] { orgs.accept_handshake(repo, c, h.id); }, error_code::HandshakeNotFoundException);
        expect_error([&] { orgs.decline_handshake(repo, c, h.id); }, error_code::HandshakeNotFoundException);
    }
    expect_error([&] { orgs.describe_handshake(repo, kInvitee, h.id); },
                 error_code::HandshakeNotFoundException);
    expect_error([&] { orgs.cancel_handshake(repo, account(5), h.id); }, error_code::AccessDeniedException);

    // The owner of the address (compared case-insensitively) reads, lists and accepts it.
    CHECK(state(account(5), h.id) == "OPEN");
    CHECK(ids_of(received(account(5))) == std::vector<std::string>{h.id});
    CHECK(received(kInvitee).empty());
    auto accepted = orgs.accept_handshake(repo, account(5), h.id);
    CHECK(accepted.state == "ACCEPTED");
    CHECK(accepted.parties[1].id == "juan.perez@example.com");
    CHECK(record(account(5)).organization_id == org.id);
    CHECK(record(account(5)).joined_method == "INVITED");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: a third account learns nothing about a handshake between two others") {
    join(account(1));                                           // a member of the sending organization
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);  // the manager of another one
    auto h = invite(by_account(kInvitee.account_id, std::string("Project Bluebird")));
    auto mailed = invite(by_email("Invitee.Alias@Example.com"));
    const std::string never_issued = "h-00000000000000000000000000000000";

    // What each operation answers for an id that was never issued: exactly that, word for word,
    // is what a prober gets for a real handshake that is not theirs.
    using Call = Handshake (testing::Orgs::*)(model::Repository&, const Caller&, const std::string&);
    const std::pair<const char*, Call> operations[] = {{"describe", &testing::Orgs::describe_handshake},
                                                        {"accept", &testing::Orgs::accept_handshake},
                                                        {"decline", &testing::Orgs::decline_handshake},
                                                        {"cancel", &testing::Orgs::cancel_handshake}};
    auto refusal = [&](Call call, const Caller& who, const std::string& id) {
        try {
            (orgs.*call)(repo, who, id);
        } catch (const model::api_error& e) {
            return std::tuple(e.code(), e.message(), e.reason());
        }
        FAIL("the call succeeded");
        return std::tuple(error_code::ServiceException, std::string(), std::string());
    };
    auto probe_all = [&](const char* when) {
        for (const auto& operation : operations) {
            // Not a structured binding: clang 14 (the sanitizer builds) cannot capture one in CAPTURE.
            const char* const name = operation.first;
            const Call call = operation.second;
            const auto expected = refusal(call, kStranger, never_issued);
            CHECK(std::get<0>(expected) == error_code::HandshakeNotFoundException);
            for (const Caller& prober : {kStranger, kOtherMgmt, account(1)}) {
                for (const auto& id : {h.id, mailed.id}) {
                    CAPTURE(when);
                    CAPTURE(name);
                    CAPTURE(prober.account_id);
                    auto got = refusal(call, prober, id);
                    CHECK(got == expected);
                    // Nothing about the parties, the organization or the notes in the message.
                    for (const std::string& secret : {org.id, kMgmt.account_id, kInvitee.account_id, h.id,
                                                      std::string("boss@example.com"), std::string("invitee"),
                                                      std::string("Bluebird"), std::string("Boss Corp")})
                        CHECK(std::get<1>(got).find(secret) == std::string::npos);
                }
            }
        }
    };

    probe_all("OPEN");
    CHECK(repo.handshakes.find(h.id)->state == "OPEN");  // probing changed nothing
    CHECK(repo.handshakes.find(mailed.id)->state == "OPEN");
    // Nor is the state leaked once it is closed (no HandshakeAlreadyInState or
    // InvalidHandshakeTransition to a stranger).
    orgs.decline_handshake(repo, kInvitee, h.id);
    orgs.cancel_handshake(repo, kMgmt, mailed.id);
    probe_all("closed");
    CHECK(repo.handshakes.find(h.id)->state == "DECLINED");
    CHECK(repo.handshakes.find(mailed.id)->state == "CANCELED");

    // The lists of the others do not show it either.
    for (const Caller& prober : {kStranger, kOtherMgmt, account(1)}) {
        CAPTURE(prober.account_id);
        CHECK(listed_state(received(prober), h.id).empty());
        CHECK(listed_state(received(prober), mailed.id).empty());
    }
    CHECK(sent(kOtherMgmt).empty());
    // While the parties still see it.
    CHECK(state(kInvitee, h.id) == "DECLINED");
    CHECK(state(kMgmt, mailed.id) == "CANCELED");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: an EMAIL invitation to an address nobody has stays OPEN and expires") {
    auto h = invite(by_email("nobody@example.com"));
    CHECK(h.state == "OPEN");
    CHECK(state(kMgmt, h.id) == "OPEN");
    clock.advance_ms(kLifetime);
    CHECK(state(kMgmt, h.id) == "EXPIRED");
    // Registering the address afterwards does not revive it.
    enroll(account_id(3), "nobody@example.com", "Late");
    CHECK(state(account(3), h.id) == "EXPIRED");
    expect_error([&] { orgs.accept_handshake(repo, account(3), h.id); },
                 error_code::InvalidHandshakeTransitionException);
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: DescribeHandshake answers the two parties only") {
    join(account(1));
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    auto h = invite(by_account(kInvitee.account_id));
    CHECK(orgs.describe_handshake(repo, kMgmt, h.id).state == "OPEN");
    CHECK(orgs.describe_handshake(repo, kInvitee, h.id).state == "OPEN");  // while standalone
    for (const Caller& c : {kStranger, account(1), kOtherMgmt, Caller{"999999999999"}})
        expect_error([&] { orgs.describe_handshake(repo, c, h.id); }, error_code::HandshakeNotFoundException);

    // Still true once closed.
    orgs.decline_handshake(repo, kInvitee, h.id);
    CHECK(state(kMgmt, h.id) == "DECLINED");
    CHECK(state(kInvitee, h.id) == "DECLINED");
    expect_error([&] { orgs.describe_handshake(repo, account(1), h.id); },
                 error_code::HandshakeNotFoundException);
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: an unknown handshake id is not found by any operation") {
    invite(by_account(kInvitee.account_id));
    const std::string unknown = "h-0123456789abcdef0123456789abcdef";
    for (const Caller& c : {kMgmt, kInvitee}) {
        expect_error([&] { orgs.accept_handshake(repo, c, unknown); },
                     error_code::HandshakeNotFoundException);
        expect_error([&] { orgs.decline_handshake(repo, c, unknown); },
                     error_code::HandshakeNotFoundException);
        expect_error([&] { orgs.cancel_handshake(repo, c, unknown); },
                     error_code::HandshakeNotFoundException);
        expect_error([&] { orgs.describe_handshake(repo, c, unknown); },
                     error_code::HandshakeNotFoundException);
    }
    CHECK(record(kInvitee).standalone());
}

// --- The state machine ----------------------------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: each party's move closes an OPEN handshake once") {
    auto h = invite(by_account(kInvitee.account_id));
    clock.advance_ms(3 * kHour);
    Handshake closed;
    std::string expected;
    SUBCASE("accept") {
        closed = orgs.accept_handshake(repo, kInvitee, h.id);
        expected = "ACCEPTED";
    }
    SUBCASE("decline") {
        closed = orgs.decline_handshake(repo, kInvitee, h.id);
        expected = "DECLINED";
    }
    SUBCASE("cancel") {
        closed = orgs.cancel_handshake(repo, kMgmt, h.id);
        expected = "CANCELED";
    }
    CHECK(closed.state == expected);
    check_same_handshake(closed, h);  // only the state changes
    CHECK(state(kMgmt, h.id) == expected);
    CHECK(state(kInvitee, h.id) == expected);
    CHECK(repo.handshakes.find(h.id)->closed_ms == clock.now_ms());
    CHECK(record(kInvitee).standalone() == (expected != "ACCEPTED"));
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: a closed handshake refuses every further move") {
    auto h = invite(by_account(kInvitee.account_id));
    std::string closed;
    SUBCASE("ACCEPTED") {
        orgs.accept_handshake(repo, kInvitee, h.id);
        closed = "ACCEPTED";
    }
    SUBCASE("DECLINED") {
        orgs.decline_handshake(repo, kInvitee, h.id);
        closed = "DECLINED";
    }
    SUBCASE("CANCELED") {
        orgs.cancel_handshake(repo, kMgmt, h.id);
        closed = "CANCELED";
    }
    SUBCASE("EXPIRED") {
        clock.advance_ms(kLifetime);
        closed = "EXPIRED";
    }
    const auto stored = *repo.handshakes.find(h.id);
    const bool member = !record(kInvitee).standalone();
    CAPTURE(closed);
    for (int round = 0; round < 2; ++round) {  // and again, days later
        expect_error([&] { orgs.accept_handshake(repo, kInvitee, h.id); },
                     closed == "ACCEPTED" ? error_code::HandshakeAlreadyInStateException
                                          : error_code::InvalidHandshakeTransitionException);
        expect_error([&] { orgs.decline_handshake(repo, kInvitee, h.id); },
                     closed == "DECLINED" ? error_code::HandshakeAlreadyInStateException
                                          : error_code::InvalidHandshakeTransitionException);
        expect_error([&] { orgs.cancel_handshake(repo, kMgmt, h.id); },
                     closed == "CANCELED" ? error_code::HandshakeAlreadyInStateException
                                          : error_code::InvalidHandshakeTransitionException);
        CHECK(state(kMgmt, h.id) == closed);
        CHECK(state(kInvitee, h.id) == closed);
        CHECK(repo.handshakes.find(h.id)->state == stored.state);
        CHECK(repo.handshakes.find(h.id)->closed_ms == stored.closed_ms);
        CHECK(!record(kInvitee).standalone() == member);
        clock.advance_ms(5 * kDay);
    }
}

// --- Accepting ------------------------------------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: accepting makes the account an ACTIVE INVITED member with the tags") {
    auto h =
        invite(by_account(kInvitee.account_id, std::string("hi"), {{"team", "blue"}, {"cost-center", "42"}}));
    clock.advance_ms(5 * kHour + 17);
    const Millis accepted_at = clock.now_ms();
    auto accepted = orgs.accept_handshake(repo, kInvitee, h.id);
    CHECK(accepted.state == "ACCEPTED");
    CHECK(accepted.requested_ms == h.requested_ms);

    auto a = orgs.describe_account(repo, kMgmt, kInvitee.account_id);
    CHECK(a.arn == "arn:aws:organizations::111111111111:account/" + org.id + "/222222222222");
    CHECK(a.email == "invitee@example.com");
    CHECK(a.name == "Invitee Ltd");
    CHECK(a.status == "ACTIVE");
    CHECK(a.state == "ACTIVE");
    CHECK(a.joined_method == "INVITED");
    CHECK(a.joined_ms == accepted_at);

    auto root = orgs.list_roots(repo, kMgmt, {}).items.at(0).id;
    auto parents = orgs.list_parents(repo, kMgmt, kInvitee.account_id, {});
    REQUIRE(parents.items.size() == 1);
    CHECK(parents.items[0].id == root);
    CHECK(parents.items[0].type == "ROOT");
    CHECK(orgs.list_accounts(repo, kMgmt, {}).items.size() == 2);
    CHECK(orgs.list_accounts_for_parent(repo, kMgmt, root, {}).items.size() == 2);

    auto tags = orgs.list_tags_for_resource(repo, kMgmt, kInvitee.account_id, std::nullopt).items;
    REQUIRE(tags.size() == 2);
    CHECK(tags[0] == Tag{"cost-center", "42"});
    CHECK(tags[1] == Tag{"team", "blue"});

    CHECK(orgs.describe_organization(repo, kInvitee).id == org.id);
    expect_error([&] { orgs.list_accounts(repo, kInvitee, {}); }, error_code::AccessDeniedException);
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: accepting an EMAIL invitation joins the owner of the address") {
    auto h = invite(by_email("INVITEE@example.com", std::nullopt, {{"via", "email"}}));
    auto accepted = orgs.accept_handshake(repo, kInvitee, h.id);
    CHECK(accepted.state == "ACCEPTED");
    auto a = orgs.describe_account(repo, kMgmt, kInvitee.account_id);
    CHECK(a.joined_method == "INVITED");
    CHECK(a.joined_ms == clock.now_ms());
    CHECK(repo.tags.list(kInvitee.account_id) == std::vector<Tag>{{"via", "email"}});
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: the account quota is checked again at acceptance") {
    auto h = invite(by_account(kInvitee.account_id));
    set_quotas([](model::Quotas& q) { q.max_accounts = 1; });  // lowered after the invitation was sent
    expect_error([&] { orgs.accept_handshake(repo, kInvitee, h.id); }, kHandshakeConstraint,
                 "ACCOUNT_NUMBER_LIMIT_EXCEEDED");
    CHECK(state(kInvitee, h.id) == "OPEN");
    CHECK(record(kInvitee).standalone());
    set_quotas([](model::Quotas& q) { q.max_accounts = 2; });
    CHECK(orgs.accept_handshake(repo, kInvitee, h.id).state == "ACCEPTED");
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: an unverified management email blocks acceptance") {
    auto h = invite(by_account(kInvitee.account_id));
    set_verified(kMgmt, false);
    expect_error([&] { orgs.accept_handshake(repo, kInvitee, h.id); }, kHandshakeConstraint,
                 "MANAGEMENT_ACCOUNT_EMAIL_NOT_VERIFIED");
    CHECK(state(kInvitee, h.id) == "OPEN");
    CHECK(record(kInvitee).standalone());
    set_verified(kMgmt, true);
    CHECK(orgs.accept_handshake(repo, kInvitee, h.id).state == "ACCEPTED");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: the management account of another organization cannot accept") {
    auto other = orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    auto h = invite(by_account(kOtherMgmt.account_id));
    expect_error([&] { orgs.accept_handshake(repo, kOtherMgmt, h.id); },
                 error_code::MasterCannotLeaveOrganizationException);
    CHECK(state(kMgmt, h.id) == "OPEN");
    CHECK(record(kOtherMgmt).organization_id == other.id);
    CHECK(repo.organizations.find(other.id));

    // Once it has deleted its organization it is standalone and may join.
    orgs.delete_organization(repo, kOtherMgmt);
    CHECK(orgs.accept_handshake(repo, kOtherMgmt, h.id).state == "ACCEPTED");
    CHECK(record(kOtherMgmt).organization_id == org.id);
    CHECK(record(kOtherMgmt).joined_method == "INVITED");
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: a member of another organization moves directly") {
    auto other = orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    join(kInvitee, kOtherMgmt);
    orgs.tag_resource(repo, kOtherMgmt, kInvitee.account_id, {{"old-org", "yes"}, {"team", "old"}});
    auto h = invite(by_account(kInvitee.account_id, std::nullopt, {{"team", "new"}}));
    clock.advance_ms(kHour);

    auto accepted = orgs.accept_handshake(repo, kInvitee, h.id);
    CHECK(accepted.state == "ACCEPTED");
    auto a = record(kInvitee);
    CHECK(a.organization_id == org.id);
    CHECK(a.parent_id == repo.organizations.find(org.id)->root_id);
    CHECK(a.joined_method == "INVITED");
    CHECK(a.joined_ms == clock.now_ms());
    CHECK(repo.tags.list(kInvitee.account_id) ==
          std::vector<Tag>{{"team", "new"}});  // the old org's tags are gone
    CHECK(repo.accounts.count_members(other.id) == 1);
    expect_error([&] { orgs.describe_account(repo, kOtherMgmt, kInvitee.account_id); },
                 error_code::AccountNotFoundException);
    CHECK(orgs.list_accounts(repo, kMgmt, {}).items.size() == 2);
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: with DirectTransfer off a member of another organization is refused") {
    model::ServiceOptions options;
    options.direct_transfer = false;
    testing::Orgs legacy{clock, ids, options};
    auto other = orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    join(kInvitee, kOtherMgmt);
    orgs.tag_resource(repo, kOtherMgmt, kInvitee.account_id, {{"old-org", "yes"}});
    auto h = invite(by_account(kInvitee.account_id, std::nullopt, {{"team", "new"}}));

    expect_error([&] { legacy.accept_handshake(repo, kInvitee, h.id); }, kHandshakeConstraint,
                 "ALREADY_IN_AN_ORGANIZATION");
    CHECK(record(kInvitee).organization_id == other.id);
    CHECK(repo.tags.list(kInvitee.account_id) == std::vector<Tag>{{"old-org", "yes"}});
    CHECK(legacy.describe_handshake(repo, kInvitee, h.id).state == "OPEN");

    // After leaving, it can accept.
    legacy.leave_organization(repo, kInvitee);
    CHECK(legacy.accept_handshake(repo, kInvitee, h.id).state == "ACCEPTED");
    CHECK(record(kInvitee).organization_id == org.id);
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: accepting while already a member of the inviting organization is refused") {
    auto by_mail = invite(by_email("later@example.com"));  // nobody has this address yet
    join(kInvitee);
    enroll(kInvitee.account_id, "later@example.com", "Invitee Ltd");  // the member takes the address
    expect_error([&] { orgs.accept_handshake(repo, kInvitee, by_mail.id); }, kHandshakeConstraint,
                 "ALREADY_IN_AN_ORGANIZATION");
    CHECK(state(kInvitee, by_mail.id) == "OPEN");
    CHECK(orgs.decline_handshake(repo, kInvitee, by_mail.id).state == "DECLINED");
}

// --- Time: expiry and retention -------------------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: an OPEN invitation becomes EXPIRED exactly at its expiry") {
    auto h = invite(by_account(kInvitee.account_id));
    auto everywhere = [&](const std::string& expected) {
        CHECK(state(kMgmt, h.id) == expected);
        CHECK(state(kInvitee, h.id) == expected);
        CHECK(listed_state(sent(), h.id) == expected);
        CHECK(listed_state(received(kInvitee), h.id) == expected);
    };
    clock.set_ms(h.expiration_ms - 1);
    everywhere("OPEN");
    clock.set_ms(h.expiration_ms);
    everywhere("EXPIRED");
    for (auto move : {0, 1, 2}) {
        expect_error(
            [&] {
                if (move == 0) orgs.accept_handshake(repo, kInvitee, h.id);
                if (move == 1) orgs.decline_handshake(repo, kInvitee, h.id);
                if (move == 2) orgs.cancel_handshake(repo, kMgmt, h.id);
            },
            error_code::InvalidHandshakeTransitionException);
    }
    CHECK(record(kInvitee).standalone());

    // Visible for 30 days after the expiry, then gone from describe and both lists.
    clock.set_ms(h.expiration_ms + kRetention - 1);
    everywhere("EXPIRED");
    clock.set_ms(h.expiration_ms + kRetention);
    expect_error([&] { orgs.describe_handshake(repo, kMgmt, h.id); }, error_code::HandshakeNotFoundException);
    expect_error([&] { orgs.describe_handshake(repo, kInvitee, h.id); },
                 error_code::HandshakeNotFoundException);
    expect_error([&] { orgs.accept_handshake(repo, kInvitee, h.id); },
                 error_code::HandshakeNotFoundException);
    expect_error([&] { orgs.cancel_handshake(repo, kMgmt, h.id); }, error_code::HandshakeNotFoundException);
    CHECK(sent().empty());
    CHECK(received(kInvitee).empty());
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: the last millisecond before expiry still accepts") {
    auto h = invite(by_account(kInvitee.account_id));
    clock.set_ms(h.expiration_ms - 1);
    CHECK(orgs.accept_handshake(repo, kInvitee, h.id).state == "ACCEPTED");
    clock.set_ms(h.expiration_ms + kDay);
    CHECK(state(kInvitee, h.id) == "ACCEPTED");  // closed ones never turn EXPIRED
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: closed handshakes disappear 30 days after closing") {
    auto h = invite(by_account(kInvitee.account_id));
    clock.advance_ms(2 * kDay + 5);
    const Millis closed_at = clock.now_ms();
    std::string closed;
    SUBCASE("ACCEPTED") {
        orgs.accept_handshake(repo, kInvitee, h.id);
        closed = "ACCEPTED";
    }
    SUBCASE("DECLINED") {
        orgs.decline_handshake(repo, kInvitee, h.id);
        closed = "DECLINED";
    }
    SUBCASE("CANCELED") {
        orgs.cancel_handshake(repo, kMgmt, h.id);
        closed = "CANCELED";
    }
    // A refused repeat later on does not restart the 30 days.
    clock.advance_ms(20 * kDay);
    expect_error([&] { orgs.cancel_handshake(repo, kMgmt, h.id); },
                 closed == "CANCELED" ? error_code::HandshakeAlreadyInStateException
                                      : error_code::InvalidHandshakeTransitionException);

    clock.set_ms(closed_at + kRetention - 1);
    CHECK(state(kMgmt, h.id) == closed);  // past the 15-day expiry, still the closed state
    CHECK(state(kInvitee, h.id) == closed);
    CHECK(listed_state(sent(), h.id) == closed);
    CHECK(listed_state(received(kInvitee), h.id) == closed);

    clock.set_ms(closed_at + kRetention);
    expect_error([&] { orgs.describe_handshake(repo, kMgmt, h.id); }, error_code::HandshakeNotFoundException);
    expect_error([&] { orgs.describe_handshake(repo, kInvitee, h.id); },
                 error_code::HandshakeNotFoundException);
    expect_error([&] { orgs.decline_handshake(repo, kInvitee, h.id); },
                 error_code::HandshakeNotFoundException);
    CHECK(sent().empty());
    CHECK(received(kInvitee).empty());
    // Membership outlives the handshake.
    CHECK(record(kInvitee).standalone() == (closed != "ACCEPTED"));
}

// --- Lists ----------------------------------------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: each list shows what the caller received or its organization sent") {
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    auto to_invitee = invite(by_account(kInvitee.account_id));
    clock.advance_ms(1);
    auto by_mail = invite(by_email("INVITEE@Example.com"), kOtherMgmt);
    clock.advance_ms(1);
    auto to_stranger = invite(by_account(kStranger.account_id));

    // ListHandshakesForAccount: by id and by address, oldest first, callable while standalone.
    CHECK(record(kInvitee).standalone());
    auto mine = received(kInvitee);
    CHECK(ids_of(mine) == std::vector<std::string>{to_invitee.id, by_mail.id});
    check_same_handshake(mine[0], to_invitee);
    check_same_handshake(mine[1], by_mail);
    CHECK(ids_of(received(kStranger)) == std::vector<std::string>{to_stranger.id});
    CHECK(received(Caller{"999999999999"}).empty());
    // It does not list what the caller sent.
    CHECK(received(kMgmt).empty());
    CHECK(received(kOtherMgmt).empty());

    // ListHandshakesForOrganization: what this organization sent, and nothing else.
    CHECK(ids_of(sent(kMgmt)) == std::vector<std::string>{to_invitee.id, to_stranger.id});
    CHECK(ids_of(sent(kOtherMgmt)) == std::vector<std::string>{by_mail.id});
    check_same_handshake(sent(kMgmt)[0], to_invitee);

    // Closed ones stay listed, with their state, on both sides.
    orgs.decline_handshake(repo, kInvitee, to_invitee.id);
    CHECK(listed_state(received(kInvitee), to_invitee.id) == "DECLINED");
    CHECK(listed_state(sent(kMgmt), to_invitee.id) == "DECLINED");
    CHECK(listed_state(received(kInvitee), by_mail.id) == "OPEN");

    // The organization's list is its management account's alone.
    join(account(1));
    expect_error([&] { orgs.list_handshakes_for_organization(repo, account(1), {}, {}); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.list_handshakes_for_organization(repo, kInvitee, {}, {}); },
                 error_code::AWSOrganizationsNotInUseException);
    // The member's own list shows the invitation it accepted.
    CHECK(received(account(1)).size() == 1);
    CHECK(received(account(1))[0].state == "ACCEPTED");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: the ActionType and ParentHandshakeId filters, one at a time") {
    auto a = invite(by_account(kInvitee.account_id));
    auto b = invite(by_email("juan@example.com"));
    HandshakeFilter invites{std::string("INVITE"), std::nullopt};
    HandshakeFilter enable{std::string("ENABLE_ALL_FEATURES"), std::nullopt};
    HandshakeFilter parent{std::nullopt, a.id};
    HandshakeFilter both{std::string("INVITE"), a.id};

    CHECK(ids_of(sent(kMgmt, 20, invites)) == std::vector<std::string>{a.id, b.id});
    CHECK(sent(kMgmt, 20, enable).empty());
    CHECK(sent(kMgmt, 20, parent).empty());  // invitations have no parent
    CHECK(ids_of(received(kInvitee, 20, invites)) == std::vector<std::string>{a.id});
    CHECK(received(kInvitee, 20, enable).empty());
    CHECK(received(kInvitee, 20, parent).empty());

    expect_error([&] { orgs.list_handshakes_for_organization(repo, kMgmt, both, {}); },
                 error_code::InvalidInputException, "MAX_LIMIT_EXCEEDED_FILTER");
    expect_error([&] { orgs.list_handshakes_for_account(repo, kInvitee, both, {}); },
                 error_code::InvalidInputException, "MAX_LIMIT_EXCEEDED_FILTER");
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: ListHandshakesForOrganization pages every item exactly once, in order") {
    set_quotas([](model::Quotas& q) { q.max_accounts = 100; });
    std::vector<std::tuple<Millis, std::string>> expected;
    for (int i = 0; i < 23; ++i) {
        auto h = i % 4 == 3 ? invite(by_email(std::to_string(i) + "-someone@example.com"))
                            : invite(by_account(account_id(i)));
        expected.emplace_back(h.requested_ms, h.id);
        if (i % 3 == 2) clock.advance_ms(1);  // three at a time share a millisecond: ids break the tie
        if (i == 10) orgs.cancel_handshake(repo, kMgmt, h.id);
    }
    std::sort(expected.begin(), expected.end());
    std::vector<std::string> expected_ids;
    for (const auto& [_, id] : expected) expected_ids.push_back(id);

    for (int max_results : {1, 4, 7, 20}) {
        CAPTURE(max_results);
        CHECK(ids_of(sent(kMgmt, max_results)) == expected_ids);
        CHECK(ids_of(sent(kMgmt, max_results, {std::string("INVITE"), std::nullopt})) == expected_ids);
    }
    // Absent MaxResults: 20 per page.
    auto first = orgs.list_handshakes_for_organization(repo, kMgmt, {}, {});
    CHECK(first.items.size() == 20);
    REQUIRE(first.next_token);
    auto second = orgs.list_handshakes_for_organization(repo, kMgmt, {}, {std::nullopt, first.next_token});
    CHECK(second.items.size() == 3);
    CHECK(!second.next_token);

    // Tokens are validated: altered, foreign, or reused with another filter.
    auto page = orgs.list_handshakes_for_organization(repo, kMgmt, {}, {5, std::nullopt});
    REQUIRE(page.next_token);
    const std::string token = *page.next_token;
    std::string flipped = token;
    flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
    for (const std::string& bad : {token + "A", flipped, std::string("not a token!"), std::string("abc"),
                                   token.substr(0, token.size() - 1)})
        expect_error(
            [&] {
                orgs.list_handshakes_for_organization(repo, kMgmt, {}, {5, bad});
            },
            error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    expect_error(
        [&] {
            orgs.list_handshakes_for_organization(repo, kMgmt, {std::string("INVITE"), std::nullopt},
                                                  {5, token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    expect_error(
        [&] {
            orgs.list_handshakes_for_account(repo, kMgmt, {}, {5, token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    expect_error(
        [&] {
            orgs.list_accounts(repo, kMgmt, {5, token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    expect_error(
        [&] {
            orgs.list_handshakes_for_organization(repo, kOtherMgmt, {}, {5, token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    // The genuine token still works, with a different page size too.
    auto next = orgs.list_handshakes_for_organization(repo, kMgmt, {}, {20, token});
    CHECK(next.items.size() == 18);
    CHECK(next.items.front().id == expected_ids[5]);

    // A token with a filter only works with that filter.
    auto filtered = orgs.list_handshakes_for_organization(repo, kMgmt, {std::string("INVITE"), std::nullopt},
                                                          {3, std::nullopt});
    REQUIRE(filtered.next_token);
    expect_error(
        [&] {
            orgs.list_handshakes_for_organization(repo, kMgmt, {}, {3, filtered.next_token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    expect_error(
        [&] {
            orgs.list_handshakes_for_organization(repo, kMgmt, {std::nullopt, expected_ids[0]},
                                                  {3, filtered.next_token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    CHECK(orgs.list_handshakes_for_organization(repo, kMgmt, {std::string("INVITE"), std::nullopt},
                                                {3, filtered.next_token})
              .items.front()
              .id == expected_ids[3]);
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: ListHandshakesForAccount pages invitations from many organizations") {
    std::vector<std::string> expected;
    for (int i = 0; i < 13; ++i) {
        Caller sender{std::to_string(800000000000LL + i)};
        orgs.create_organization(repo, sender, std::nullopt);
        auto h = i % 2 ? invite(by_email(i % 4 == 1 ? "Invitee@Example.com" : "invitee@example.com"), sender)
                       : invite(by_account(kInvitee.account_id), sender);
        expected.push_back(h.id);
        if (i == 4) orgs.decline_handshake(repo, kInvitee, h.id);
        if (i == 7) orgs.cancel_handshake(repo, sender, h.id);
        if (i % 2) clock.advance_ms(1);
    }
    // Pairs share a millisecond; sort as the list does.
    std::vector<std::tuple<Millis, std::string>> keyed;
    for (const auto& id : expected) keyed.emplace_back(repo.handshakes.find(id)->requested_ms, id);
    std::sort(keyed.begin(), keyed.end());
    expected.clear();
    for (const auto& [_, id] : keyed) expected.push_back(id);

    for (int max_results : {1, 3, 5, 13, 20}) {
        CAPTURE(max_results);
        CHECK(ids_of(received(kInvitee, max_results)) == expected);
    }
    auto page = orgs.list_handshakes_for_account(repo, kInvitee, {}, {4, std::nullopt});
    REQUIRE(page.next_token);
    expect_error(
        [&] {
            orgs.list_handshakes_for_account(repo, kStranger, {}, {4, page.next_token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    expect_error(
        [&] {
            orgs.list_handshakes_for_account(repo, kInvitee, {std::string("INVITE"), std::nullopt},
                                             {4, page.next_token});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    expect_error(
        [&] {
            orgs.list_handshakes_for_account(repo, kInvitee, {}, {4, *page.next_token + "x"});
        },
        error_code::InvalidInputException, "INVALID_NEXT_TOKEN");
    CHECK(orgs.list_handshakes_for_account(repo, kInvitee, {}, {4, page.next_token}).items.front().id ==
          expected[4]);
}

// --- Membership changes ---------------------------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: RemoveAccountFromOrganization, and the removed account is invited again") {
    join(kInvitee);
    join(account(1));
    orgs.tag_resource(repo, kMgmt, kInvitee.account_id, {{"team", "blue"}});

    expect_error([&] { orgs.remove_account_from_organization(repo, account(1), kInvitee.account_id); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.remove_account_from_organization(repo, kStranger, kInvitee.account_id); },
                 error_code::AWSOrganizationsNotInUseException);
    expect_error([&] { orgs.remove_account_from_organization(repo, kMgmt, kMgmt.account_id); },
                 error_code::MasterCannotLeaveOrganizationException);
    expect_error([&] { orgs.remove_account_from_organization(repo, kMgmt, kStranger.account_id); },
                 error_code::AccountNotFoundException);
    expect_error([&] { orgs.remove_account_from_organization(repo, kMgmt, "999999999999"); },
                 error_code::AccountNotFoundException);
    orgs.create_organization(repo, kOtherMgmt, std::nullopt);
    expect_error([&] { orgs.remove_account_from_organization(repo, kMgmt, kOtherMgmt.account_id); },
                 error_code::AccountNotFoundException);
    CHECK(repo.accounts.count_members(org.id) == 3);

    orgs.remove_account_from_organization(repo, kMgmt, kInvitee.account_id);
    auto a = record(kInvitee);
    CHECK(a.standalone());
    CHECK(a.parent_id.empty());
    CHECK(!a.joined_method);
    CHECK(repo.tags.list(kInvitee.account_id).empty());
    CHECK(repo.accounts.count_members(org.id) == 2);
    expect_error([&] { orgs.describe_account(repo, kMgmt, kInvitee.account_id); },
                 error_code::AccountNotFoundException);
    expect_error([&] { orgs.describe_organization(repo, kInvitee); },
                 error_code::AWSOrganizationsNotInUseException);
    expect_error([&] { orgs.remove_account_from_organization(repo, kMgmt, kInvitee.account_id); },
                 error_code::AccountNotFoundException);

    // Invited again, by either way of naming it.
    auto again = invite(by_email("invitee@example.com", std::nullopt, {{"round", "2"}}));
    clock.advance_ms(kMinute);
    CHECK(orgs.accept_handshake(repo, kInvitee, again.id).state == "ACCEPTED");
    CHECK(record(kInvitee).organization_id == org.id);
    CHECK(record(kInvitee).joined_ms == clock.now_ms());
    CHECK(repo.tags.list(kInvitee.account_id) == std::vector<Tag>{{"round", "2"}});
}

TEST_CASE_FIXTURE(HandshakeFixture,
                  "handshakes: LeaveOrganization: members leave, the management account cannot") {
    join(kInvitee);
    orgs.tag_resource(repo, kMgmt, kInvitee.account_id, {{"team", "blue"}});
    expect_error([&] { orgs.leave_organization(repo, kMgmt); },
                 error_code::MasterCannotLeaveOrganizationException);
    expect_error([&] { orgs.leave_organization(repo, kStranger); },
                 error_code::AWSOrganizationsNotInUseException);

    orgs.leave_organization(repo, kInvitee);
    CHECK(record(kInvitee).standalone());
    CHECK(repo.tags.list(kInvitee.account_id).empty());
    CHECK(repo.accounts.count_members(org.id) == 1);
    expect_error([&] { orgs.leave_organization(repo, kInvitee); },
                 error_code::AWSOrganizationsNotInUseException);
    CHECK(record(kMgmt).organization_id == org.id);

    // And it can be invited again.
    auto again = invite(by_account(kInvitee.account_id));
    CHECK(orgs.accept_handshake(repo, kInvitee, again.id).state == "ACCEPTED");
}

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: DeleteOrganization cancels its OPEN invitations") {
    auto lapsed = invite(by_account(account_id(1)));
    clock.advance_ms(kLifetime);
    auto open = invite(by_account(kInvitee.account_id));
    auto by_mail = invite(by_email("juan@example.com"));
    auto declined = invite(by_account(kStranger.account_id));
    orgs.decline_handshake(repo, kStranger, declined.id);
    clock.advance_ms(kHour);
    const Millis deleted_at = clock.now_ms();

    // Not while it has members.
    auto member = invite(by_account(account_id(2)));
    orgs.accept_handshake(repo, account(2), member.id);
    expect_error([&] { orgs.delete_organization(repo, kMgmt); }, error_code::OrganizationNotEmptyException);
    CHECK(state(kInvitee, open.id) == "OPEN");
    orgs.remove_account_from_organization(repo, kMgmt, account_id(2));

    orgs.delete_organization(repo, kMgmt);
    CHECK(state(kInvitee, open.id) == "CANCELED");
    CHECK(listed_state(received(kInvitee), open.id) == "CANCELED");
    CHECK(state(kStranger, declined.id) == "DECLINED");
    CHECK(state(account(1), lapsed.id) == "EXPIRED");
    CHECK(repo.handshakes.find(by_mail.id)->state == "CANCELED");
    expect_error([&] { orgs.accept_handshake(repo, kInvitee, open.id); },
                 error_code::InvalidHandshakeTransitionException);
    expect_error([&] { orgs.decline_handshake(repo, kInvitee, open.id); },
                 error_code::InvalidHandshakeTransitionException);
    CHECK(record(kInvitee).standalone());
    expect_error([&] { orgs.list_handshakes_for_organization(repo, kMgmt, {}, {}); },
                 error_code::AWSOrganizationsNotInUseException);
    // The former management account no longer speaks for the sender: no party any more.
    expect_error([&] { orgs.cancel_handshake(repo, kMgmt, lapsed.id); }, error_code::HandshakeNotFoundException);

    // Canceled then, so visible to the invitee for 30 days from the deletion.
    clock.set_ms(deleted_at + kRetention - 1);
    CHECK(state(kInvitee, open.id) == "CANCELED");
    clock.set_ms(deleted_at + kRetention);
    expect_error([&] { orgs.describe_handshake(repo, kInvitee, open.id); },
                 error_code::HandshakeNotFoundException);
}

// --- The outbox -----------------------------------------------------------------------------

TEST_CASE_FIXTURE(HandshakeFixture, "handshakes: every invitation sent leaves one message in the outbox") {
    auto to_account = invite(by_account(kInvitee.account_id, std::string("Please join us, team Blue")));
    clock.advance_ms(kMinute);
    auto to_address = invite(by_email("Juan.Perez@Example.com"));
    // Refused invitations send nothing.
    expect_refused(by_account(kInvitee.account_id), error_code::DuplicateHandshakeException);
    expect_refused(by_account(kMgmt.account_id), kHandshakeConstraint, "ALREADY_IN_AN_ORGANIZATION");

    REQUIRE(db.outbox().size() == 2);
    const auto first = db.outbox()[0];
    CHECK(first.to == "invitee@example.com");  // the target account's registered address
    CHECK(first.handshake_id == to_account.id);
    CHECK(first.sent_ms == to_account.requested_ms);
    CHECK(!first.subject.empty());
    for (const std::string& needle : {org.id, std::string("Boss Corp"), std::string("boss@example.com"),
                                      std::string("Please join us, team Blue"), to_account.id})
        CHECK_MESSAGE(first.body.find(needle) != std::string::npos, "body lacks " << needle << ":\n"
                                                                                  << first.body);

    const auto second = db.outbox()[1];
    CHECK(second.to == "Juan.Perez@Example.com");  // the EMAIL target as given
    CHECK(second.handshake_id == to_address.id);
    CHECK(second.sent_ms == to_address.requested_ms);
    for (const std::string& needle :
         {org.id, std::string("Boss Corp"), std::string("boss@example.com"), to_address.id})
        CHECK_MESSAGE(second.body.find(needle) != std::string::npos, "body lacks " << needle << ":\n"
                                                                                   << second.body);
    CHECK(second.body.find("Please join us") == std::string::npos);
    CHECK(first.id != second.id);

    CHECK(repo.outbox.list("invitee@example.com").size() == 1);
    // Accepting, declining and canceling send nothing further.
    orgs.accept_handshake(repo, kInvitee, to_account.id);
    orgs.cancel_handshake(repo, kMgmt, to_address.id);
    CHECK(db.outbox().size() == 2);
}

// --- Email addresses are case-insensitive ---------------------------------------------------

namespace {


}  // namespace

TEST_CASE(
    "handshakes: a mixed-case registered address resolves EMAIL invitations (production email semantics)") {
    model::FakeClock clock;
    model::IdGenerator ids{99};
    testing::Orgs orgs{clock, ids, {}};
    testing::TestStore db;  // compares emails without regard to case
    model::Repository& repo = db.repo();
    auto enroll = [&](const std::string& id, const std::string& email) {
        auto entry = model::default_account(id);
        entry.email = email;
        orgs.register_account(repo, entry);
    };
    enroll(kMgmt.account_id, "The.Boss@Example.com");
    enroll(kInvitee.account_id, "Juan.Perez@Example.COM");
    orgs.create_organization(repo, kMgmt, std::nullopt);
    auto invite = [&](const InviteRequest& r) { return orgs.invite_account_to_organization(repo, kMgmt, r); };

    // The management account, by an address in another case.
    expect_error([&] { invite(by_email("the.boss@example.com")); }, kHandshakeConstraint,
                 "ALREADY_IN_AN_ORGANIZATION");

    SUBCASE("ACCOUNT, then EMAIL in another case: duplicate") {
        invite(by_account(kInvitee.account_id));
        expect_error([&] { invite(by_email("juan.perez@example.com")); },
                     error_code::DuplicateHandshakeException);
    }
    SUBCASE("EMAIL in another case, then ACCOUNT: duplicate") {
        invite(by_email("JUAN.PEREZ@EXAMPLE.COM"));
        expect_error([&] { invite(by_account(kInvitee.account_id)); },
                     error_code::DuplicateHandshakeException);
    }
    SUBCASE("a member, by its address in another case: already in the organization") {
        auto h = invite(by_email("juan.perez@example.com"));
        orgs.accept_handshake(repo, kInvitee, h.id);
        expect_error([&] { invite(by_email("Juan.Perez@example.com")); }, kHandshakeConstraint,
                     "ALREADY_IN_AN_ORGANIZATION");
        expect_error([&] { invite(by_account(kInvitee.account_id)); }, kHandshakeConstraint,
                     "ALREADY_IN_AN_ORGANIZATION");
    }
    CHECK(db.outbox().size() == db.handshakes().size());
}
