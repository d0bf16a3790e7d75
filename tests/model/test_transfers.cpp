// Responsibility (billing) transfers (issue 17; API Reference of InviteOrganizationToTransferResponsibility,
// Describe/Update/TerminateResponsibilityTransfer, ListInbound/ListOutboundResponsibilityTransfers,
// AcceptHandshake; Billing User Guide, "Transferring billing management to external accounts"):
// the invitation and its handshake, every status of the transfer on the injected clock, every
// refusal whose condition can arise, the quotas, and what transfers do to DeleteOrganization.
// Every call goes through its binding, as the server runs it. Every test case name starts "transfers: ".
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "model/calls.hpp"
#include "model/errors.hpp"
#include "model/expect_error.hpp"
#include "model/test_store.hpp"

using namespace localorgs;
using model::Caller;
using model::error_code;
using model::Millis;
using testing::expect_error;
namespace api = model::api;
namespace ops = model::api::ops;

namespace {

constexpr Millis kMinute = 60 * 1000;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;
constexpr Millis kNow = 1773144000000;           // 2026-03-10T12:00:00Z
constexpr Millis kApril1 = 1775001600000;        // 2026-04-01T00:00:00Z
constexpr Millis kMay1 = 1777593600000;          // 2026-05-01T00:00:00Z
constexpr Millis kMarch15 = 1773532800000;       // 2026-03-15T00:00:00Z
constexpr Millis kMarch2027 = 1803859200000;     // 2027-03-01T00:00:00Z: 12 months ahead, the latest start
constexpr Millis kApril2027 = 1806537600000;     // 2027-04-01T00:00:00Z
constexpr Millis kEndOfMarch = 1775001599999;    // 2026-03-31T23:59:59.999Z
constexpr Millis kEndOfApril = 1777593599999;    // 2026-04-30T23:59:59.999Z
constexpr Millis kEndOfMay = 1780271999999;      // 2026-05-31T23:59:59.999Z
constexpr Millis kEndOfJune = 1782863999999;     // 2026-06-30T23:59:59.999Z

const Caller kPayer{"111111111111"};     // management account of organization A: it invites, it pays
const Caller kSource{"222222222222"};    // management account of organization B: invited
const Caller kThird{"333333333333"};     // management account of organization C
const Caller kFourth{"444444444444"};    // management account of organization D
const Caller kMember{"555555555555"};    // a member of A
const Caller kAlone{"666666666666"};     // standalone
const Caller kStranger{"777777777777"};  // management account of organization E, party to nothing

constexpr auto kHandshakeConstraint = error_code::HandshakeConstraintViolationException;

struct TransferFixture {
    model::FakeClock clock{kNow};
    model::IdGenerator ids{17};
    testing::Orgs orgs{clock, ids, {}};
    testing::TestStore db;
    model::Repository& repo = db.repo();
    std::string org_a, org_b, org_c, org_d;

    TransferFixture() {
        enroll(kPayer, "payer@example.com", "Payer Corp");
        enroll(kSource, "source@example.com", "Source Ltd");
        enroll(kThird, "third@example.com", "Third Inc");
        enroll(kFourth, "fourth@example.com", "Fourth Inc");
        enroll(kMember, "member@example.com", "Member");
        enroll(kAlone, "alone@example.com", "Alone");
        enroll(kStranger, "stranger@example.com", "Stranger");
        org_a = orgs.create_organization(repo, kPayer).id;
        org_b = orgs.create_organization(repo, kSource).id;
        org_c = orgs.create_organization(repo, kThird).id;
        org_d = orgs.create_organization(repo, kFourth).id;
        orgs.create_organization(repo, kStranger);
        auto h = orgs.invite_account_to_organization(repo, kPayer, {{kMember.account_id, "ACCOUNT"}, {}, {}});
        orgs.accept_handshake(repo, kMember, h.id);
    }

    void enroll(const Caller& who, const std::string& email, const std::string& name) {
        model::AccountRecord entry = model::default_account(who.account_id);
        entry.email = email;
        entry.name = name;
        orgs.register_account(repo, entry);
    }
    void set_quotas(const std::string& org_id, void (*change)(model::Quotas&)) {
        auto o = *repo.organizations.find(org_id);
        change(o.quotas);
        repo.organizations.save(o);
    }

    api::Handshake invite(const Caller& from, const std::string& target, Millis start = kMay1,
                          const std::string& type = "ACCOUNT", std::optional<std::string> notes = std::nullopt,
                          std::vector<model::Tag> tags = {}, const std::string& name = "Bill of B") {
        api::InviteOrganizationToTransferResponsibilityRequest in;
        in.type = api::ResponsibilityTransferType::BILLING;
        in.target = {target, testing::as<api::HandshakePartyType>(type)};
        in.notes = std::move(notes);
        in.start_ms = start;
        in.source_name = name;
        in.tags = std::move(tags);
        return orgs.call<ops::InviteOrganizationToTransferResponsibility>(repo, from, in).handshake;
    }
    static std::string transfer_of(const api::Handshake& h) {
        for (const auto& r : h.resources)
            if (r.type == api::HandshakeResourceType::RESPONSIBILITY_TRANSFER) return r.value;
        return {};
    }
    api::ResponsibilityTransfer describe(const Caller& who, const std::string& id) {
        return orgs.call<ops::DescribeResponsibilityTransfer>(repo, who, {id}).responsibility_transfer;
    }
    api::ResponsibilityTransfer terminate(const Caller& who, const std::string& id,
                                          std::optional<Millis> end = std::nullopt) {
        return orgs.call<ops::TerminateResponsibilityTransfer>(repo, who, {end, id}).responsibility_transfer;
    }
    api::ResponsibilityTransfer rename(const Caller& who, const std::string& id, const std::string& name) {
        return orgs.call<ops::UpdateResponsibilityTransfer>(repo, who, {id, name}).responsibility_transfer;
    }
    api::Handshake accept(const Caller& who, const std::string& handshake) {
        return orgs.call<ops::AcceptHandshake>(repo, who, {handshake}).handshake;
    }
    api::ListInboundResponsibilityTransfersResponse inbound(const Caller& who, std::optional<int> max = std::nullopt,
                                                            std::optional<std::string> token = std::nullopt,
                                                            std::optional<std::string> id = std::nullopt) {
        return orgs.call<ops::ListInboundResponsibilityTransfers>(
            repo, who, {std::move(id), max, std::move(token), api::ResponsibilityTransferType::BILLING});
    }
    api::ListOutboundResponsibilityTransfersResponse outbound(const Caller& who, std::optional<int> max = std::nullopt,
                                                              std::optional<std::string> token = std::nullopt) {
        return orgs.call<ops::ListOutboundResponsibilityTransfers>(
            repo, who, {max, std::move(token), api::ResponsibilityTransferType::BILLING});
    }
    // Invites and accepts: `from` pays for `to`'s organization from May.
    std::string transfer(const Caller& from, const Caller& to) {
        auto h = invite(from, to.account_id);
        accept(to, h.id);
        return transfer_of(h);
    }
    std::size_t rows(const char* table) {
        storage::Statement s(db.store().connection(), (std::string("SELECT COUNT(*) FROM ") + table).c_str());
        s.step();
        return std::size_t(s.int64(0));
    }
};

const api::HandshakeResource* resource(const std::vector<api::HandshakeResource>& rs, const std::string& type) {
    for (const auto& r : rs)
        if (r.type == testing::as<api::HandshakeResourceType>(type)) return &r;
    return nullptr;
}

}  // namespace

TEST_CASE("transfers: the calendar rules") {
    using model::Transfers;
    CHECK(Transfers::month_start(kNow) == 1772323200000);  // 2026-03-01
    CHECK(Transfers::month_start(kNow, 1) == kApril1);
    CHECK(Transfers::month_start(kNow, 12) == kMarch2027);
    CHECK(Transfers::month_end(kNow) == kEndOfMarch);
    CHECK(Transfers::month_end(kEndOfMarch) == kEndOfMarch);
    CHECK(Transfers::month_end(kApril1) == kEndOfApril);
    CHECK(Transfers::timestamp_text(kMay1) == "2026-05-01T00:00:00.000Z");
    CHECK(Transfers::timestamp_text(kEndOfMarch) == "2026-03-31T23:59:59.999Z");
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: the invitation is a TRANSFER_RESPONSIBILITY handshake with its resources") {
    auto h = invite(kPayer, kSource.account_id, kMay1, "ACCOUNT", "Let us pay", {{"team", "finance"}});
    CHECK(h.action == "TRANSFER_RESPONSIBILITY");
    CHECK(h.state == "OPEN");
    CHECK(h.arn == "arn:aws:organizations::111111111111:handshake/" + org_a + "/transfer_responsibility/" + h.id);
    CHECK(h.requested_ms == kNow);
    CHECK(h.expiration_ms == kNow + 15 * kDay);  // before May 1st minus a day
    REQUIRE(h.parties.size() == 2);
    CHECK(h.parties[0].id == org_a);
    CHECK(h.parties[0].type == "ORGANIZATION");
    CHECK(h.parties[1].id == kSource.account_id);
    CHECK(h.parties[1].type == "ACCOUNT");
    const auto* rt = resource(h.resources, "RESPONSIBILITY_TRANSFER");
    REQUIRE(rt);
    CHECK(rt->value.starts_with("rt-"));
    CHECK(rt->value.size() == 19);
    REQUIRE(rt->resources.size() == 2);
    CHECK(resource(rt->resources, "TRANSFER_TYPE")->value == "BILLING");
    CHECK(resource(rt->resources, "TRANSFER_START_TIMESTAMP")->value == "2026-05-01T00:00:00.000Z");
    const auto* mgmt = resource(h.resources, "MANAGEMENT_ACCOUNT");
    REQUIRE(mgmt);
    CHECK(mgmt->value == kPayer.account_id);
    CHECK(resource(mgmt->resources, "MANAGEMENT_EMAIL")->value == "payer@example.com");
    CHECK(resource(mgmt->resources, "MANAGEMENT_NAME")->value == "Payer Corp");
    CHECK(resource(h.resources, "ACCOUNT")->value == kSource.account_id);
    CHECK(resource(h.resources, "NOTES")->value == "Let us pay");

    // Both sides find it: the handshake lists, DescribeHandshake, and the transfer lists.
    auto received = orgs.list_handshakes_for_account(repo, kSource, {"TRANSFER_RESPONSIBILITY", {}}, {});
    REQUIRE(received.items.size() == 1);
    CHECK(received.items[0] == h);
    CHECK(orgs.list_handshakes_for_account(repo, kSource, {"INVITE", {}}, {}).items.empty());
    auto sent = orgs.list_handshakes_for_organization(repo, kPayer, {}, {});
    CHECK(std::count(sent.items.begin(), sent.items.end(), h) == 1);
    CHECK(orgs.describe_handshake(repo, kSource, h.id) == h);

    auto in = inbound(kPayer).responsibility_transfers;
    REQUIRE(in.size() == 1);
    const auto& t = in[0];
    CHECK(t.id == rt->value);
    CHECK(t.arn == "arn:aws:organizations::111111111111:transfer/" + org_a + "/billing/inbound/" + t.id);
    CHECK(t.name == "Bill of B");
    CHECK(t.type == api::ResponsibilityTransferType::BILLING);
    CHECK(t.status == api::ResponsibilityTransferStatus::REQUESTED);
    CHECK(t.target.management_account_id == kPayer.account_id);
    CHECK(t.target.management_account_email == "payer@example.com");
    CHECK(t.source.management_account_id == kSource.account_id);
    CHECK(t.source.management_account_email == "source@example.com");
    CHECK(t.start_ms == kMay1);
    CHECK(t.end_ms == 0);
    CHECK(t.active_handshake_id == h.id);
    auto out = outbound(kSource).responsibility_transfers;
    REQUIRE(out.size() == 1);
    CHECK(out[0].arn == "arn:aws:organizations::222222222222:transfer/" + org_b + "/billing/outbound/" + t.id);
    CHECK(describe(kSource, t.id) == out[0]);
    CHECK(describe(kPayer, t.id) == t);
    CHECK(outbound(kPayer).responsibility_transfers.empty());
    CHECK(inbound(kSource).responsibility_transfers.empty());

    // The email AWS would send, to the invited management account.
    auto mail = db.outbox();
    REQUIRE(mail.size() == 2);  // the member's invitation, then this one
    CHECK(mail[1].to == "source@example.com");
    CHECK(mail[1].handshake_id == h.id);
    CHECK(mail[1].body.find(t.id) != std::string::npos);
    CHECK(mail[1].body.find("Let us pay") != std::string::npos);
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: the invitation lapses a day before the start when that comes first") {
    clock.set_ms(kMarch15 + 5 * kDay);  // 2026-03-20
    auto h = invite(kPayer, kSource.account_id, kApril1);
    CHECK(h.expiration_ms == kApril1 - kDay);
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: accepted, then withdrawn by either side") {
    auto h = invite(kPayer, kSource.account_id, kMay1, "ACCOUNT", std::nullopt, {{"team", "finance"}});
    const std::string id = transfer_of(h);
    clock.advance_ms(kHour);
    auto accepted = accept(kSource, h.id);
    CHECK(accepted.state == "ACCEPTED");
    auto t = describe(kPayer, id);
    CHECK(t.status == api::ResponsibilityTransferStatus::ACCEPTED);
    CHECK(t.source.management_account_id == kSource.account_id);
    CHECK(t.active_handshake_id == h.id);
    CHECK(describe(kSource, id).status == api::ResponsibilityTransferStatus::ACCEPTED);
    // The invitation's tags are the transfer's now, seen from both sides.
    CHECK(db.tags()[id] == std::map<std::string, std::string>{{"team", "finance"}});
    CHECK(orgs.list_tags_for_resource(repo, kSource, id, std::nullopt).items.size() == 1);
    orgs.tag_resource(repo, kPayer, id, {{"cost", "1"}});
    CHECK(orgs.list_tags_for_resource(repo, kPayer, id, std::nullopt).items.size() == 2);
    expect_error([&] { orgs.list_tags_for_resource(repo, kStranger, id, std::nullopt); },
                 error_code::TargetNotFoundException);

    SUBCASE("the payer withdraws: at the earliest end by default") {
        auto w = terminate(kPayer, id);
        CHECK(w.status == api::ResponsibilityTransferStatus::WITHDRAWN);
        CHECK(w.end_ms == kEndOfApril);  // the month before it starts: it never takes effect
        CHECK(describe(kSource, id).end_ms == kEndOfApril);
        expect_error([&] { terminate(kSource, id); }, error_code::ResponsibilityTransferAlreadyInStatusException);
    }
    SUBCASE("the source withdraws, with an end date in whole seconds, as botocore sends it") {
        auto w = terminate(kSource, id, kEndOfMay - 999);
        CHECK(w.status == api::ResponsibilityTransferStatus::WITHDRAWN);
        CHECK(w.end_ms == kEndOfMay);
        CHECK(w.arn.find("/outbound/") != std::string::npos);
    }
    SUBCASE("end dates it refuses") {
        expect_error([&] { terminate(kPayer, id, kEndOfMay - kMinute); }, error_code::InvalidInputException,
                     "END_DATE_NOT_END_OF_MONTH");
        expect_error([&] { terminate(kPayer, id, kMay1); }, error_code::InvalidInputException,
                     "END_DATE_NOT_END_OF_MONTH");
        expect_error([&] { terminate(kPayer, id, kEndOfMay - 1000); }, error_code::InvalidInputException,
                     "END_DATE_NOT_END_OF_MONTH");
        expect_error([&] { terminate(kPayer, id, kEndOfMarch); }, error_code::InvalidInputException,
                     "END_DATE_TOO_EARLY");
        expect_error([&] { terminate(kPayer, id, kEndOfJune); }, error_code::InvalidInputException,
                     "INVALID_END_DATE");
        CHECK(describe(kPayer, id).status == api::ResponsibilityTransferStatus::ACCEPTED);
    }
    SUBCASE("once started, the end is this month's or the next's") {
        clock.set_ms(kMay1 + 3 * kDay);
        expect_error([&] { terminate(kPayer, id, kEndOfApril); }, error_code::InvalidInputException,
                     "END_DATE_TOO_EARLY");
        CHECK(terminate(kPayer, id, kEndOfJune).end_ms == kEndOfJune);
    }
    SUBCASE("nobody else can") {
        expect_error([&] { terminate(kStranger, id); }, error_code::ResponsibilityTransferNotFoundException);
        expect_error([&] { terminate(kMember, id); }, error_code::AccessDeniedException);
        expect_error([&] { terminate(kAlone, id); }, error_code::AWSOrganizationsNotInUseException);
    }
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: declined, canceled and expired invitations") {
    auto h = invite(kPayer, kSource.account_id);
    const std::string id = transfer_of(h);
    api::ResponsibilityTransferStatus expected{};
    SUBCASE("declined by the invitee") {
        CHECK(orgs.decline_handshake(repo, kSource, h.id).state == "DECLINED");
        expected = api::ResponsibilityTransferStatus::DECLINED;
    }
    SUBCASE("canceled by the inviter") {
        CHECK(orgs.cancel_handshake(repo, kPayer, h.id).state == "CANCELED");
        expected = api::ResponsibilityTransferStatus::CANCELED;
    }
    SUBCASE("expired: fifteen days later") {
        clock.advance_ms(15 * kDay - 1);
        CHECK(describe(kPayer, id).status == api::ResponsibilityTransferStatus::REQUESTED);
        clock.advance_ms(1);
        CHECK(orgs.describe_handshake(repo, kSource, h.id).state == "EXPIRED");
        expect_error([&] { accept(kSource, h.id); }, error_code::InvalidHandshakeTransitionException);
        expected = api::ResponsibilityTransferStatus::EXPIRED;
    }
    CHECK(describe(kPayer, id).status == expected);
    CHECK(describe(kSource, id).status == expected);
    CHECK(inbound(kPayer).responsibility_transfers.at(0).status == expected);
    CHECK(outbound(kSource).responsibility_transfers.at(0).status == expected);
    expect_error([&] { terminate(kPayer, id); }, error_code::InvalidResponsibilityTransferTransitionException);
    // Closed, it holds nothing back: B may be deleted, and A may invite again.
    orgs.delete_organization(repo, kSource);
    invite(kPayer, kThird.account_id);
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: a pending one cannot be terminated, only canceled") {
    auto h = invite(kPayer, kSource.account_id);
    expect_error([&] { terminate(kPayer, transfer_of(h)); },
                 error_code::InvalidResponsibilityTransferTransitionException);
    expect_error([&] { terminate(kSource, transfer_of(h)); },
                 error_code::InvalidResponsibilityTransferTransitionException);
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: only the paying side renames") {
    auto h = invite(kPayer, kSource.account_id);
    const std::string id = transfer_of(h);
    CHECK(rename(kPayer, id, "Source's bill").name == "Source's bill");
    CHECK(describe(kSource, id).name == "Source's bill");
    expect_error([&] { rename(kSource, id, "Mine"); }, error_code::AccessDeniedException);
    expect_error([&] { rename(kStranger, id, "Mine"); }, error_code::ResponsibilityTransferNotFoundException);
    expect_error([&] { rename(kMember, id, "Mine"); }, error_code::AccessDeniedException);
    expect_error([&] { rename(kPayer, "rt-0000000000000000", "Mine"); },
                 error_code::ResponsibilityTransferNotFoundException);
    accept(kSource, h.id);
    CHECK(rename(kPayer, id, "Accepted").name == "Accepted");
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: who may invite, and what") {
    const auto before_handshakes = rows("handshakes");
    const auto before_transfers = rows("responsibility_transfers");
    expect_error([&] { invite(kMember, kSource.account_id); }, error_code::AccessDeniedException);
    expect_error([&] { invite(kAlone, kSource.account_id); }, error_code::AWSOrganizationsNotInUseException);
    expect_error([&] { invite(kPayer, org_b, kMay1, "ORGANIZATION"); }, error_code::InvalidInputException,
                 "INVALID_PARTY_TYPE_TARGET");
    expect_error([&] { invite(kPayer, "not-an-account", kMay1, "ACCOUNT"); }, error_code::InvalidInputException,
                 "INVALID_PARTY_TYPE_TARGET");
    expect_error([&] { invite(kPayer, "nobody", kMay1, "EMAIL"); }, error_code::InvalidInputException,
                 "INVALID_EMAIL_ADDRESS_TARGET");
    expect_error([&] { invite(kPayer, kSource.account_id, kMay1, "ACCOUNT", {}, {{"aws:x", "y"}}); },
                 error_code::InvalidInputException, "INVALID_SYSTEM_TAGS_PARAMETER");
    // The start: midnight on the first of a month, late enough, within a year.
    expect_error([&] { invite(kPayer, kSource.account_id, kMay1 + kHour); }, error_code::InvalidInputException,
                 "START_DATE_NOT_BEGINNING_OF_DAY");
    expect_error([&] { invite(kPayer, kSource.account_id, kMay1 + 1); }, error_code::InvalidInputException,
                 "START_DATE_NOT_BEGINNING_OF_DAY");
    expect_error([&] { invite(kPayer, kSource.account_id, kMarch15); }, error_code::InvalidInputException,
                 "START_DATE_NOT_BEGINNING_OF_MONTH");
    expect_error([&] { invite(kPayer, kSource.account_id, 1772323200000); },  // March 1st: past
                 error_code::InvalidInputException, "START_DATE_TOO_EARLY");
    expect_error([&] { invite(kPayer, kSource.account_id, kApril2027); }, error_code::InvalidInputException,
                 "START_DATE_TOO_LATE");
    // Not to itself, nor to one of its own accounts.
    expect_error([&] { invite(kPayer, kPayer.account_id); }, kHandshakeConstraint, "SOURCE_AND_TARGET_CANNOT_MATCH");
    expect_error([&] { invite(kPayer, "payer@example.com", kMay1, "EMAIL"); }, kHandshakeConstraint,
                 "SOURCE_AND_TARGET_CANNOT_MATCH");
    expect_error([&] { invite(kPayer, kMember.account_id); }, kHandshakeConstraint, "SOURCE_AND_TARGET_CANNOT_MATCH");
    CHECK(rows("handshakes") == before_handshakes);
    CHECK(rows("responsibility_transfers") == before_transfers);

    // The latest start is accepted, and so is the earliest the 24 hours allow.
    invite(kPayer, kSource.account_id, kMarch2027);
    clock.set_ms(kApril1 - kDay - 1);
    invite(kPayer, kThird.account_id, kApril1);
    clock.set_ms(kApril1 - kDay);
    expect_error([&] { invite(kPayer, kFourth.account_id, kApril1); }, error_code::InvalidInputException,
                 "START_DATE_TOO_EARLY");
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: one open invitation per target, and none while a transfer exists") {
    auto h = invite(kPayer, kSource.account_id);
    expect_error([&] { invite(kPayer, kSource.account_id); }, error_code::DuplicateHandshakeException);
    expect_error([&] { invite(kPayer, "SOURCE@example.com", kMay1, "EMAIL"); }, error_code::DuplicateHandshakeException);
    invite(kThird, kSource.account_id);  // another payer may ask too
    accept(kSource, h.id);
    // A pays for B now: neither may invite the other, and nobody else may invite B (outbound: 1).
    expect_error([&] { invite(kPayer, kSource.account_id); }, kHandshakeConstraint,
                 "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS");
    expect_error([&] { invite(kSource, kPayer.account_id); }, kHandshakeConstraint,
                 "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS");
    expect_error([&] { invite(kFourth, kSource.account_id); }, kHandshakeConstraint,
                 "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS");
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: the inbound quota counts open invitations") {
    set_quotas(org_a, [](model::Quotas& q) { q.max_inbound_transfers = 2; });
    auto to_b = invite(kPayer, kSource.account_id);
    invite(kPayer, kThird.account_id);
    expect_error([&] { invite(kPayer, kFourth.account_id); }, error_code::ConstraintViolationException,
                 "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION");
    accept(kSource, to_b.id);  // accepted: still counts
    expect_error([&] { invite(kPayer, kFourth.account_id); }, error_code::ConstraintViolationException,
                 "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION");
    clock.advance_ms(15 * kDay);  // the one to C expired: released
    auto to_d = invite(kPayer, kFourth.account_id);
    orgs.cancel_handshake(repo, kPayer, to_d.id);  // canceled: released
    invite(kPayer, kFourth.account_id, kMay1 + 31 * kDay);
    set_quotas(org_a, [](model::Quotas& q) { q.max_inbound_transfers = 0; });  // AWS's default
    expect_error([&] { invite(kPayer, "new@example.com", kMay1 + 31 * kDay, "EMAIL"); },
                 error_code::ConstraintViolationException, "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION");
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: who may accept") {
    auto h = invite(kPayer, kSource.account_id);
    expect_error([&] { accept(kPayer, h.id); }, error_code::AccessDeniedException);
    expect_error([&] { accept(kStranger, h.id); }, error_code::HandshakeNotFoundException);
    expect_error([&] { orgs.decline_handshake(repo, kPayer, h.id); }, error_code::AccessDeniedException);
    expect_error([&] { orgs.cancel_handshake(repo, kSource, h.id); }, error_code::AccessDeniedException);

    // Only a management account: a member, or an account in no organization, cannot.
    auto to_member = invite(kThird, kMember.account_id);
    expect_error([&] { accept(kMember, to_member.id); }, error_code::AccessDeniedException);
    auto to_alone = invite(kThird, kAlone.account_id);
    expect_error([&] { accept(kAlone, to_alone.id); }, error_code::AWSOrganizationsNotInUseException);
    CHECK(describe(kThird, transfer_of(to_alone)).status == api::ResponsibilityTransferStatus::REQUESTED);
    // An account in no organization may still decline.
    CHECK(orgs.decline_handshake(repo, kAlone, to_alone.id).state == "DECLINED");

    // An EMAIL invitation whose address became the inviter's own.
    auto by_email = invite(kPayer, "later@example.com", kMay1, "EMAIL");
    CHECK(outbound(kSource).responsibility_transfers.size() == 1);
    enroll(kPayer, "later@example.com", "Payer Corp");
    expect_error([&] { accept(kPayer, by_email.id); }, kHandshakeConstraint, "SOURCE_AND_TARGET_CANNOT_MATCH");
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: an EMAIL invitation is the account's with that address") {
    auto h = invite(kPayer, "Source@Example.com", kMay1, "EMAIL");
    CHECK(h.parties[1].type == "EMAIL");
    CHECK(resource(h.resources, "EMAIL")->value == "Source@Example.com");
    auto listed = outbound(kSource).responsibility_transfers;
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].source.management_account_id.empty());
    CHECK(listed[0].source.management_account_email == "source@example.com");
    accept(kSource, h.id);
    auto t = describe(kPayer, transfer_of(h));
    CHECK(t.status == api::ResponsibilityTransferStatus::ACCEPTED);
    CHECK(t.source.management_account_id == kSource.account_id);
    CHECK(db.outbox().back().to == "Source@Example.com");
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: the outbound quota is checked when accepting") {
    auto from_a = invite(kPayer, kSource.account_id);
    auto from_c = invite(kThird, kSource.account_id);
    accept(kSource, from_a.id);
    expect_error([&] { accept(kSource, from_c.id); }, error_code::ConstraintViolationException,
                 "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION");
    CHECK(orgs.describe_handshake(repo, kSource, from_c.id).state == "OPEN");
    // Withdrawn, it still counts until it ends; then B may accept another.
    terminate(kPayer, transfer_of(from_a));
    expect_error([&] { accept(kSource, from_c.id); }, error_code::ConstraintViolationException,
                 "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION");
    clock.set_ms(kEndOfApril);
    // Lapsed on March 25th, gone 30 days later, as every handshake.
    expect_error([&] { accept(kSource, from_c.id); }, error_code::HandshakeNotFoundException);
    clock.set_ms(kEndOfApril + 1);
    auto again = invite(kThird, kSource.account_id, kMay1 + 31 * kDay);
    CHECK(accept(kSource, again.id).state == "ACCEPTED");
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: chains of payers") {
    // B is paid for by A; A accepts C's invitation: B -> A -> C, two levels.
    transfer(kPayer, kSource);
    const std::string a_to_c = transfer(kThird, kPayer);
    CHECK(describe(kThird, a_to_c).status == api::ResponsibilityTransferStatus::ACCEPTED);
    SUBCASE("a third level is refused") {
        auto h = invite(kFourth, kThird.account_id);
        expect_error([&] { accept(kThird, h.id); }, error_code::ConstraintViolationException,
                     "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION");
        set_quotas(org_d, [](model::Quotas& q) { q.max_transfer_chain_levels = 3; });  // the top decides
        CHECK(accept(kThird, h.id).state == "ACCEPTED");
    }
    SUBCASE("and so is a chain with too many transfers") {
        set_quotas(org_c, [](model::Quotas& q) { q.max_transfers_in_chain = 2; });
        auto h = invite(kThird, kFourth.account_id);
        expect_error([&] { accept(kFourth, h.id); }, error_code::ConstraintViolationException,
                     "RESPONSIBILITY_TRANSFER_MAX_TRANSFERS_QUOTA_VIOLATION");
    }
    SUBCASE("one that pays cannot be paid for below itself") {
        // B invites... A? A already has an outbound (to C).
        auto h = invite(kSource, kFourth.account_id);
        expect_error([&] { accept(kFourth, h.id); }, error_code::ConstraintViolationException,
                     "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION");  // D -> B -> A -> C
    }
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: no deleting an organization with a transfer process") {
    auto h = invite(kPayer, kSource.account_id);
    const std::string id = transfer_of(h);
    orgs.remove_account_from_organization(repo, kPayer, kMember.account_id);
    for (const Caller& who : {kPayer, kSource})
        expect_error([&] { orgs.delete_organization(repo, who); }, error_code::ConstraintViolationException,
                     "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS");
    accept(kSource, h.id);
    for (const Caller& who : {kPayer, kSource})
        expect_error([&] { orgs.delete_organization(repo, who); }, error_code::ConstraintViolationException,
                     "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS");
    // The management account never leaves: a transfer changes nothing there.
    expect_error([&] { orgs.leave_organization(repo, kSource); }, error_code::MasterCannotLeaveOrganizationException);
    terminate(kSource, id);
    clock.set_ms(kEndOfApril);
    expect_error([&] { orgs.delete_organization(repo, kPayer); }, error_code::ConstraintViolationException,
                 "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS");
    clock.set_ms(kEndOfApril + 1);  // ended
    orgs.delete_organization(repo, kSource);
    orgs.delete_organization(repo, kPayer);
    CHECK(rows("responsibility_transfers") == 1);  // the record stays, for nobody to see
}

TEST_CASE_FIXTURE(TransferFixture, "transfers: the lists page, and Id picks one") {
    set_quotas(org_a, [](model::Quotas& q) { q.max_inbound_transfers = 10; });
    std::vector<std::string> sent;
    for (const Caller& to : {kSource, kThird, kFourth, kStranger}) {
        sent.push_back(transfer_of(invite(kPayer, to.account_id)));
        clock.advance_ms(kMinute);
    }
    sent.push_back(transfer_of(invite(kPayer, "nobody@example.com", kMay1, "EMAIL")));
    std::vector<std::string> seen;
    std::optional<std::string> token;
    int pages = 0;
    do {
        auto page = inbound(kPayer, 2, token);
        for (const auto& t : page.responsibility_transfers) seen.push_back(t.id);
        token = page.next_token.empty() ? std::nullopt : std::optional<std::string>(page.next_token);
        ++pages;
    } while (token);
    CHECK(seen == sent);
    CHECK(pages == 3);
    auto one = inbound(kPayer, std::nullopt, std::nullopt, sent[2]);
    REQUIRE(one.responsibility_transfers.size() == 1);
    CHECK(one.responsibility_transfers[0].id == sent[2]);
    expect_error([&] { inbound(kPayer, std::nullopt, std::nullopt, std::string("rt-0000000000000000")); },
                 error_code::ResponsibilityTransferNotFoundException);
    expect_error([&] { inbound(kSource, std::nullopt, std::nullopt, sent[0]); },
                 error_code::ResponsibilityTransferNotFoundException);  // outbound to B, not inbound
    expect_error([&] { inbound(kPayer, 2, std::string("garbage")); }, error_code::InvalidInputException,
                 "INVALID_NEXT_TOKEN");
    auto first = inbound(kPayer, 2);
    expect_error([&] { outbound(kPayer, 2, first.next_token); }, error_code::InvalidInputException,
                 "INVALID_NEXT_TOKEN");
    for (const Caller& to : {kSource, kThird, kFourth, kStranger})
        CHECK(outbound(to).responsibility_transfers.size() == 1);
    expect_error([&] { outbound(kMember); }, error_code::AccessDeniedException);
    expect_error([&] { inbound(kAlone); }, error_code::AWSOrganizationsNotInUseException);
}
