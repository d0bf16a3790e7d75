#include "model/transfers.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "model/access.hpp"
#include "model/arn.hpp"
#include "model/errors.hpp"
#include "model/ids.hpp"
#include "model/service.hpp"

namespace localorgs::model {
namespace {

using api::HandshakePartyType;
using api::HandshakeState;
using Status = api::ResponsibilityTransferStatus;

constexpr Millis kDayMs = 24LL * 3600 * 1000;
// Deeper than any chain the quotas allow: a guard against a cycle the data should never hold.
constexpr int kChainGuard = 64;

[[noreturn]] void handshake_constraint(const char* reason, std::string message) {
    throw api_error(error_code::HandshakeConstraintViolationException, std::move(message), reason);
}

[[noreturn]] void not_found(const std::string& id) {
    throw api_error(error_code::ResponsibilityTransferNotFoundException,
                    "We can't find a transfer with the Id " + id + " that you specified.");
}

[[noreturn]] void already_exists() {
    handshake_constraint("RESPONSIBILITY_TRANSFER_ALREADY_EXISTS",
                         "You cannot perform this operation with the current transfer: a transfer between these "
                         "organizations, or one that pays for the invited organization, is already in force.");
}

// The ARN's type segment: BILLING -> billing.
std::string type_segment(api::ResponsibilityTransferType type) {
    return lowercase(std::string(api::to_string(type)));
}

}  // namespace

std::span<const Binding> Transfers::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::InviteOrganizationToTransferResponsibility,
             &Transfers::invite_organization_to_transfer_responsibility>(),
        bind<api::ops::DescribeResponsibilityTransfer, &Transfers::describe_responsibility_transfer>(),
        bind<api::ops::UpdateResponsibilityTransfer, &Transfers::update_responsibility_transfer>(),
        bind<api::ops::TerminateResponsibilityTransfer, &Transfers::terminate_responsibility_transfer>(),
        bind<api::ops::ListInboundResponsibilityTransfers, &Transfers::list_inbound_responsibility_transfers>(),
        bind<api::ops::ListOutboundResponsibilityTransfers, &Transfers::list_outbound_responsibility_transfers>(),
    };
    return kOperations;
}

// --- calendar ---------------------------------------------------------------------------------

Millis Transfers::month_start(Millis t, int months_ahead) {
    using namespace std::chrono;
    const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(t)));
    const year_month_day ymd(day);
    const year_month ym = year_month(ymd.year(), ymd.month()) + months(months_ahead);
    return duration_cast<milliseconds>(sys_days(ym / 1).time_since_epoch()).count();
}

std::string Transfers::timestamp_text(Millis t) {
    using namespace std::chrono;
    const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(t)));
    const year_month_day ymd(day);
    const Millis in_day = t - duration_cast<milliseconds>(day.time_since_epoch()).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(in_day / 3600000), int(in_day / 60000 % 60), int(in_day / 1000 % 60),
                  int(in_day % 1000));
    return buf;
}

// --- who sees what ----------------------------------------------------------------------------

bool Transfers::is_target(const ResponsibilityTransferRecord& t, const Membership& m) const {
    return t.target_organization_id == m.organization.id;
}

bool Transfers::visible_to(const ResponsibilityTransferRecord& t, const Membership& m) const {
    if (!m.is_management()) return false;
    if (is_target(t, m)) return true;
    // Accepted: the organization that accepted it. Before: the account it is addressed to.
    if (!t.source_organization_id.empty()) return t.source_organization_id == m.organization.id;
    return t.source_account_id == m.account.id ||
           (!t.recipient_email.empty() && t.recipient_email == lowercase(m.account.email));
}

ResponsibilityTransferRecord Transfers::visible(Repository& repo, const Membership& m, const std::string& id) {
    auto t = repo.transfers.find(id);
    if (!t || !visible_to(*t, m)) not_found(id);
    return *std::move(t);
}

api::ResponsibilityTransfer Transfers::shape(Repository& repo, const ResponsibilityTransferRecord& t,
                                             const std::string& side_organization_id) const {
    api::ResponsibilityTransfer out;
    out.id = t.id;
    out.name = t.name;
    out.type = t.type;
    out.status = t.lapsed(svc_.now()) ? Status::EXPIRED : t.status;
    out.start_ms = t.start_ms;
    out.end_ms = t.end_ms;
    out.active_handshake_id = t.handshake_id;
    out.target.management_account_id = t.target_account_id;
    if (auto a = repo.accounts.find(t.target_account_id)) out.target.management_account_email = a->email;
    out.source.management_account_id = t.source_account_id;
    if (auto a = t.source_account_id.empty() ? std::nullopt : repo.accounts.find(t.source_account_id))
        out.source.management_account_email = a->email;
    else
        out.source.management_account_email = t.recipient_email;

    const bool inbound = side_organization_id == t.target_organization_id;
    std::string mgmt = t.target_account_id;
    if (!inbound) {
        auto org = repo.organizations.find(side_organization_id);
        mgmt = org ? org->management_account_id : t.source_account_id;
    }
    out.arn = arn::transfer(t.partition, mgmt, side_organization_id, type_segment(t.type), inbound, t.id);
    return out;
}

// --- the invitation ---------------------------------------------------------------------------

api::Handshake Transfers::invite_organization_to_transfer_responsibility(
    Repository& repo, const Caller& caller, const api::InviteOrganizationToTransferResponsibilityRequest& in) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    const Millis now = svc_.now();
    const auto& target = in.target;

    // The invitee: an account id for ACCOUNT, an address for EMAIL ("Currently, only ACCOUNT and
    // EMAIL are supported": API Reference, InviteOrganizationToTransferResponsibility).
    auto [invitee, email] = Handshakes::invitee(repo, target);
    Tags::check_keys(in.tags);
    Tags::check_count(in.tags.size());

    // The start: the first instant of a month, late enough that the invitation can be accepted
    // 24 hours before it (Billing User Guide, "Sending an invitation"), within a year.
    const Millis start = in.start_ms;
    if (((start % kDayMs) + kDayMs) % kDayMs != 0)
        throw_invalid_input("START_DATE_NOT_BEGINNING_OF_DAY",
                            "You provided an invalid start date. The start date must be the beginning of the day "
                            "(00:00:00.000).");
    if (month_start(start) != start)
        throw_invalid_input("START_DATE_NOT_BEGINNING_OF_MONTH",
                            "You provided an invalid start date. The start date must be the first day of the month.");
    if (start - kAcceptBeforeStartMs <= now)
        throw_invalid_input("START_DATE_TOO_EARLY",
                            "You provided an invalid start date. The start date is too early: the invitation must "
                            "be accepted at least 24 hours before it.");
    if (start > month_start(now, 12))
        throw_invalid_input("START_DATE_TOO_LATE",
                            "You provided an invalid start date. The start date is too late: it must be within "
                            "the next 12 months.");

    if (invitee && (invitee->id == m.account.id || invitee->organization_id == org.id))
        handshake_constraint("SOURCE_AND_TARGET_CANNOT_MATCH",
                             "An organization can't transfer a responsibility to itself: the invited account "
                             "belongs to your organization.");
    const std::string invitee_email = invitee && email.empty() ? lowercase(invitee->email) : email;
    if (repo.transfers.find_open_invitation(org.id, invitee ? invitee->id : "", invitee_email, now))
        throw api_error(error_code::DuplicateHandshakeException,
                        "A transfer invitation to this account is already open. Cancel it, or wait until it is "
                        "declined or expires, before you invite the account again.");
    // The invited organization: not already paid for by this one, nor paying for it, nor paid
    // for by anyone else up to its outbound quota.
    if (invitee && !invitee->standalone()) {
        auto source = repo.organizations.find(invitee->organization_id);
        if (source && source->management_account_id == invitee->id) {
            const auto outbound = repo.transfers.in_force_outbound(source->id, now);
            for (const auto& t : outbound)
                if (t.target_organization_id == org.id) already_exists();
            for (const auto& t : repo.transfers.in_force_inbound(source->id, now))
                if (t.source_organization_id == org.id) already_exists();
            if (outbound.size() >= std::size_t(source->quotas.max_outbound_transfers)) already_exists();
        }
    }
    if (repo.transfers.count_inbound(org.id, now) >= std::size_t(org.quotas.max_inbound_transfers))
        throw_constraint("RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION",
                         "You have exceeded your inbound transfers limit (" +
                             std::to_string(org.quotas.max_inbound_transfers) +
                             ", invitations still open included).");

    ResponsibilityTransferRecord t;
    do {
        t.id = svc_.ids.responsibility_transfer_id();
    } while (repo.transfers.find(t.id));
    t.type = in.type;
    t.name = in.source_name;
    t.status = Status::REQUESTED;
    t.partition = m.account.partition;
    t.target_organization_id = org.id;
    t.target_account_id = m.account.id;
    if (target.type == HandshakePartyType::ACCOUNT)
        t.source_account_id = target.id;
    else
        t.recipient_email = email;
    t.requested_ms = now;
    t.expiration_ms = std::min(start - kAcceptBeforeStartMs, now + kInviteLifetimeMs);
    t.start_ms = start;

    HandshakeRecord h;
    h.id = svc_.handshakes.new_id(repo);
    h.organization_id = org.id;
    h.management_account_id = m.account.id;
    h.partition = m.account.partition;
    h.action = api::ActionType::TRANSFER_RESPONSIBILITY;
    h.state = HandshakeState::OPEN;
    h.target_type = target.type;
    h.target_id = target.id;
    h.recipient_account_id = t.source_account_id;
    h.recipient_email = t.recipient_email;
    h.notes = in.notes;
    h.master_email = m.account.email;
    h.master_name = m.account.name;
    h.feature_set = org.feature_set;
    h.tags = in.tags;
    h.transfer_id = t.id;
    h.transfer_type = t.type;
    h.transfer_start_ms = start;
    h.requested_ms = now;
    h.expiration_ms = t.expiration_ms;
    t.handshake_id = h.id;
    repo.handshakes.save(h);
    repo.transfers.save(t);

    OutboxMessage mail;
    mail.id = "m-" + h.id.substr(2);
    mail.to = target.type == HandshakePartyType::EMAIL ? target.id : invitee->email;
    mail.subject = "AWS Organizations: " + m.account.name + " invites your organization to transfer its " +
                   type_segment(t.type) + " responsibility";
    mail.body = "The management account " + m.account.name + " (" + m.account.email + ", " + m.account.id +
                ") of AWS organization " + org.id + " asks to manage and pay for your organization's consolidated " +
                "bill from " + timestamp_text(start) + ".\n" + (h.notes ? "Notes: " + *h.notes + "\n" : std::string()) +
                "Transfer: " + t.id + "\nHandshake: " + h.id + "\nThis invitation expires at " +
                timestamp_text(h.expiration_ms) +
                ". Accept or decline it from your management account with AcceptHandshake / DeclineHandshake.\n";
    mail.handshake_id = h.id;
    mail.sent_ms = now;
    repo.outbox.add(mail);
    return svc_.handshakes.shape(h);
}

// --- the handshake's side ---------------------------------------------------------------------

std::optional<std::string> Transfers::payer_of(Repository& repo, const std::string& organization_id) {
    auto out = repo.transfers.in_force_outbound(organization_id, svc_.now());
    if (out.empty()) return std::nullopt;
    return out.front().target_organization_id;
}

int Transfers::levels_below(Repository& repo, const std::string& organization_id, int guard) {
    if (guard <= 0) return kChainGuard;
    int deepest = 0;
    for (const auto& t : repo.transfers.in_force_inbound(organization_id, svc_.now()))
        deepest = std::max(deepest, 1 + levels_below(repo, t.source_organization_id, guard - 1));
    return deepest;
}

std::size_t Transfers::transfers_under(Repository& repo, const std::string& organization_id, int guard) {
    if (guard <= 0) return 0;
    std::size_t n = 0;
    for (const auto& t : repo.transfers.in_force_inbound(organization_id, svc_.now()))
        n += 1 + transfers_under(repo, t.source_organization_id, guard - 1);
    return n;
}

void Transfers::check_acceptance(Repository& repo, const AccountRecord& acceptor, const HandshakeRecord& h) {
    // "Only the management account can accept" a TRANSFER_RESPONSIBILITY handshake (API
    // Reference, AcceptHandshake).
    if (acceptor.standalone()) throw api_error(error_code::AWSOrganizationsNotInUseException);
    auto source = repo.organizations.find(acceptor.organization_id);
    if (!source) throw api_error(error_code::AWSOrganizationsNotInUseException);
    if (source->management_account_id != acceptor.id)
        throw api_error(error_code::AccessDeniedException,
                        "Only the management account of an organization can accept a transfer invitation.");
    auto t = repo.transfers.find_by_handshake(h.id);
    auto target = t ? repo.organizations.find(t->target_organization_id) : std::nullopt;
    if (!target) throw api_error(error_code::InvalidHandshakeTransitionException);
    if (target->id == source->id)
        handshake_constraint("SOURCE_AND_TARGET_CANNOT_MATCH",
                             "An account can't accept a transfer invitation if it is both the sender and "
                             "recipient of the invitation.");
    const Millis now = svc_.now();
    const auto outbound = repo.transfers.in_force_outbound(source->id, now);
    for (const auto& o : outbound)
        if (o.target_organization_id == target->id) already_exists();
    for (const auto& i : repo.transfers.in_force_inbound(source->id, now))
        if (i.source_organization_id == target->id) already_exists();
    if (outbound.size() >= std::size_t(source->quotas.max_outbound_transfers))
        throw_constraint("RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION",
                         "You have exceeded your outbound transfers limit (" +
                             std::to_string(source->quotas.max_outbound_transfers) + ").");

    // The chain this transfer joins: the payers above the inviter, the organizations the acceptor
    // already pays for below it. The organization at the top decides how long and large it may be.
    std::string top = target->id;
    int above = 0;
    for (auto p = payer_of(repo, target->id); p && above < kChainGuard; p = payer_of(repo, *p)) {
        ++above;
        top = *p;
    }
    const int levels = above + 1 + levels_below(repo, source->id, kChainGuard);
    auto head = top == target->id ? target : repo.organizations.find(top);
    const Quotas& q = head ? head->quotas : target->quotas;
    if (levels > q.max_transfer_chain_levels)
        throw_constraint("RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION",
                         "You have exceeded the maximum length of your transfer chain (" +
                             std::to_string(q.max_transfer_chain_levels) + " levels).");
    const std::size_t total = transfers_under(repo, top, kChainGuard) + transfers_under(repo, source->id, kChainGuard) + 1;
    if (total > std::size_t(q.max_transfers_in_chain))
        throw_constraint("RESPONSIBILITY_TRANSFER_MAX_TRANSFERS_QUOTA_VIOLATION",
                         "You have exceeded the maximum number of inbound transfers allowed in a transfer chain (" +
                             std::to_string(q.max_transfers_in_chain) + ").");
}

void Transfers::handshake_closed(Repository& repo, const HandshakeRecord& h, const AccountRecord& by) {
    auto t = repo.transfers.find_by_handshake(h.id);
    if (!t) return;
    switch (h.state) {
        case HandshakeState::ACCEPTED:
            t->status = Status::ACCEPTED;
            t->source_account_id = by.id;
            t->source_organization_id = by.organization_id;
            // The invitation's tags go to the transfer, without another check (API Reference,
            // InviteOrganizationToTransferResponsibility, Tags).
            if (!h.tags.empty()) repo.tags.put(t->id, h.tags);
            break;
        case HandshakeState::DECLINED:
            t->status = Status::DECLINED;
            t->source_account_id = by.id;
            break;
        case HandshakeState::CANCELED:
            t->status = Status::CANCELED;
            break;
        default:
            return;
    }
    t->closed_ms = svc_.now();
    repo.transfers.save(*t);
}

void Transfers::check_no_active_process(Repository& repo, const OrganizationRecord& org) {
    const Millis now = svc_.now();
    const AccountRecord mgmt = known_account(repo, org.management_account_id);
    if (repo.transfers.count_inbound(org.id, now) == 0 && repo.transfers.in_force_outbound(org.id, now).empty() &&
        repo.transfers.count_open_invitations_to(mgmt.id, lowercase(mgmt.email), now) == 0)
        return;
    throw_constraint("ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS",
                     "You cannot delete organization due to an ongoing responsibility transfer process: a pending "
                     "invitation or a transfer in force. Resolve it first.");
}

// --- describe, update, terminate --------------------------------------------------------------

api::ResponsibilityTransfer Transfers::describe_responsibility_transfer(
    Repository& repo, const Caller& caller, const api::DescribeResponsibilityTransferRequest& in) {
    Membership m = management_of_organization(repo, caller);
    return shape(repo, visible(repo, m, in.id), m.organization.id);
}

api::ResponsibilityTransfer Transfers::update_responsibility_transfer(
    Repository& repo, const Caller& caller, const api::UpdateResponsibilityTransferRequest& in) {
    Membership m = management_of_organization(repo, caller);
    auto t = visible(repo, m, in.id);
    // Only the side that pays names the transfer (Billing User Guide, "Updating a transfer's name":
    // transfers "that allow you to manage and pay for another organization's consolidated bill").
    if (!is_target(t, m))
        throw api_error(error_code::AccessDeniedException,
                        "Only the management account that pays for the transfer " + t.id + " can rename it.");
    t.name = in.name;
    repo.transfers.save(t);
    return shape(repo, t, m.organization.id);
}

api::ResponsibilityTransfer Transfers::terminate_responsibility_transfer(
    Repository& repo, const Caller& caller, const api::TerminateResponsibilityTransferRequest& in) {
    Membership m = management_of_organization(repo, caller);
    auto t = visible(repo, m, in.id);
    const Millis now = svc_.now();
    const Status status = t.lapsed(now) ? Status::EXPIRED : t.status;
    if (status == Status::WITHDRAWN)
        throw api_error(error_code::ResponsibilityTransferAlreadyInStatusException,
                        "The transfer " + t.id + " is already WITHDRAWN.");
    if (status != Status::ACCEPTED)
        throw api_error(error_code::InvalidResponsibilityTransferTransitionException,
                        "The transfer " + t.id + " is " + std::string(api::to_string(status)) +
                            ": only an ACCEPTED transfer can be withdrawn (cancel or decline its invitation "
                            "instead).");
    // It ends at the end of this month, or of the next (Billing User Guide, "Withdrawing a
    // transfer"); one that has not started yet ends just before it starts.
    const Millis earliest = std::max(month_end(now), t.start_ms - 1);
    const Millis latest = month_end(month_start(earliest, 1));
    Millis end = earliest;
    if (in.end_ms) {
        // botocore (the AWS CLI, boto3) sends timestamps in whole seconds by default: 23:59:59
        // stands for 23:59:59.999.
        end = *in.end_ms;
        if (month_end(end) / 1000 != end / 1000)
            throw_invalid_input("END_DATE_NOT_END_OF_MONTH",
                                "You provided an invalid end date. The end date must be the end of the last day of "
                                "the month (23.59.59.999).");
        end = month_end(end);
        if (end < earliest)
            throw_invalid_input("END_DATE_TOO_EARLY",
                                "You provided an invalid end date. It is too early for the transfer to end: the "
                                "earliest end is " + timestamp_text(earliest) + ".");
        if (end > latest)
            throw_invalid_input("INVALID_END_DATE",
                                "The selected withdrawal date is too late: the transfer can end at the end of this "
                                "month or the next, " + timestamp_text(latest) + " at the latest.");
    }
    t.status = Status::WITHDRAWN;
    t.end_ms = end;
    t.closed_ms = now;
    repo.transfers.save(t);
    return shape(repo, t, m.organization.id);
}

// --- the lists --------------------------------------------------------------------------------

template <class Response>
Response Transfers::page(Repository& repo, TransferQuery query, std::string_view kind, const std::string& scope,
                         const std::string& side, const PageRequest& page) {
    std::string after = decode_page_token(page, kind, scope);
    if (!after.empty()) {
        const auto colon = after.find(':');
        if (colon == std::string::npos) throw_invalid_input("INVALID_NEXT_TOKEN");
        query.after_requested_ms = std::stoll(after.substr(0, colon));
        query.after_id = after.substr(colon + 1);
    }
    query.limit = page.limit() + 1;
    auto rows = repo.transfers.list(query);
    Response out;
    if (rows.size() > page.limit()) {
        rows.resize(page.limit());
        out.next_token =
            encode_page_token(kind, scope, std::to_string(rows.back().requested_ms) + ":" + rows.back().id);
    }
    out.responsibility_transfers.reserve(rows.size());
    for (const auto& r : rows) out.responsibility_transfers.push_back(shape(repo, r, side));
    return out;
}

api::ListInboundResponsibilityTransfersResponse Transfers::list_inbound_responsibility_transfers(
    Repository& repo, const Caller& caller, const api::ListInboundResponsibilityTransfersRequest& in) {
    Membership m = management_of_organization(repo, caller);
    const std::string scope = m.organization.id + "/" + std::string(api::to_string(in.type));
    if (in.id) {
        // One transfer: the caller's own inbound one, or none such.
        decode_page_token(page_of(in), "inbound-transfers", scope + "/" + *in.id);
        auto t = repo.transfers.find(*in.id);
        if (!t || !is_target(*t, m) || t->type != in.type) not_found(*in.id);
        api::ListInboundResponsibilityTransfersResponse out;
        out.responsibility_transfers.push_back(shape(repo, *t, m.organization.id));
        return out;
    }
    TransferQuery query;
    query.target_organization_id = m.organization.id;
    // One type exists (BILLING); a second would need the type in the query.
    return page<api::ListInboundResponsibilityTransfersResponse>(repo, std::move(query), "inbound-transfers", scope,
                                                                 m.organization.id, page_of(in));
}

api::ListOutboundResponsibilityTransfersResponse Transfers::list_outbound_responsibility_transfers(
    Repository& repo, const Caller& caller, const api::ListOutboundResponsibilityTransfersRequest& in) {
    Membership m = management_of_organization(repo, caller);
    TransferQuery query;
    query.source_account_id = m.account.id;
    query.source_email = lowercase(m.account.email);
    query.source_organization_id = m.organization.id;
    return page<api::ListOutboundResponsibilityTransfersResponse>(
        repo, std::move(query), "outbound-transfers",
        m.organization.id + "/" + std::string(api::to_string(in.type)), m.organization.id, page_of(in));
}

}  // namespace localorgs::model
