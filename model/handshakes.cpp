#include "model/handshakes.hpp"

#include <algorithm>

#include "model/access.hpp"
#include "model/arn.hpp"
#include "model/errors.hpp"
#include "model/ids.hpp"
#include "model/service.hpp"

namespace localorgs::model {
namespace {

using api::ActionType;
using api::HandshakePartyType;
using api::HandshakeResourceType;
using api::HandshakeState;

constexpr const char* kHandshakeReason = "ALREADY_IN_AN_ORGANIZATION";

[[noreturn]] void handshake_constraint(const char* reason, std::string message) {
    throw api_error(error_code::HandshakeConstraintViolationException, std::move(message), reason);
}

}  // namespace

// INVITE -> "invite": the handshake type segment of the ARN.
std::string Handshakes::arn_segment(ActionType action) {
    return lowercase(std::string(api::to_string(action)));
}

namespace {

bool pending(const HandshakeRecord& h) {
    return h.state == HandshakeState::OPEN || h.state == HandshakeState::REQUESTED;
}

// The sender of a handshake is its organization's management account, while it still is.
bool is_sender(const HandshakeRecord& h, const AccountRecord& account) {
    return account.id == h.management_account_id && account.organization_id == h.organization_id;
}
bool lapsed(const HandshakeRecord& h, Millis now) {
    return pending(h) && now >= h.expiration_ms;
}

}  // namespace

std::span<const Binding> Handshakes::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::InviteAccountToOrganization, &Handshakes::invite_account_to_organization>(),
        bind<api::ops::AcceptHandshake, &Handshakes::accept_handshake>(),
        bind<api::ops::DeclineHandshake, &Handshakes::decline_handshake>(),
        bind<api::ops::CancelHandshake, &Handshakes::cancel_handshake>(),
        bind<api::ops::DescribeHandshake, &Handshakes::describe_handshake>(),
        bind<api::ops::ListHandshakesForAccount, &Handshakes::list_handshakes_for_account>(),
        bind<api::ops::ListHandshakesForOrganization, &Handshakes::list_handshakes_for_organization>(),
    };
    return kOperations;
}

bool Handshakes::is_recipient(const HandshakeRecord& h, const AccountRecord& account) const {
    if (h.target_type == HandshakePartyType::EMAIL) return lowercase(account.email) == h.recipient_email;
    return account.id == h.recipient_account_id;
}

void Handshakes::check_seller(const AccountRecord& management, const AccountRecord& account) const {
    // AWS India accounts and others never mix, nor do partitions (User Guide, "Quotas and service limits"
    // and the seller-of-record notes of InviteAccountToOrganization).
    bool india_mismatch =
        (management.seller_of_record == "AWS_INDIA") != (account.seller_of_record == "AWS_INDIA");
    if (india_mismatch || management.partition != account.partition)
        handshake_constraint(
            "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD",
            "You can only join an organization whose seller of record and AWS partition are the "
            "same as your account's.");
}

api::Handshake Handshakes::shape(const HandshakeRecord& h) const {
    api::Handshake out;
    out.id = h.id;
    out.arn =
        arn::handshake(h.partition, h.management_account_id, h.organization_id, arn_segment(h.action), h.id);
    out.state = lapsed(h, svc_.now()) ? HandshakeState::EXPIRED : h.state;
    out.action = h.action;
    out.requested_ms = h.requested_ms;
    out.expiration_ms = h.expiration_ms;
    out.parties = {{h.organization_id, HandshakePartyType::ORGANIZATION}};
    const auto target = api::parse_enum<HandshakeResourceType>(api::to_string(h.target_type));
    if (h.action == ActionType::INVITE) {
        out.parties.push_back({h.target_id, h.target_type});
        out.resources.push_back({{{{}, HandshakeResourceType::MASTER_EMAIL, h.master_email},
                                  {{}, HandshakeResourceType::MASTER_NAME, h.master_name},
                                  {{},
                                   HandshakeResourceType::ORGANIZATION_FEATURE_SET,
                                   std::string(api::to_string(h.feature_set))}},
                                 HandshakeResourceType::ORGANIZATION,
                                 h.organization_id});
        out.resources.push_back({{}, target, h.target_id});
        if (h.notes) out.resources.push_back({{}, HandshakeResourceType::NOTES, *h.notes});
    } else if (h.action == ActionType::APPROVE_ALL_FEATURES) {
        // As AWS shows it to an invited member (API Reference, Handshake examples of EnableAllFeatures).
        out.parties.push_back({h.target_id, h.target_type});
        out.resources.push_back({{}, HandshakeResourceType::PARENT_HANDSHAKE, h.parent_handshake_id});
        out.resources.push_back({{}, HandshakeResourceType::ORGANIZATION, h.organization_id});
        out.resources.push_back({{}, target, h.target_id});
    } else if (h.action == ActionType::TRANSFER_RESPONSIBILITY) {
        // The transfer offered, and who offers it (reference: the HandshakeResourceType values
        // RESPONSIBILITY_TRANSFER, TRANSFER_TYPE, TRANSFER_START_TIMESTAMP, MANAGEMENT_*).
        out.parties.push_back({h.target_id, h.target_type});
        const std::string type(h.transfer_type ? api::to_string(*h.transfer_type) : "BILLING");
        out.resources.push_back(
            {{{{}, HandshakeResourceType::TRANSFER_TYPE, type},
              {{}, HandshakeResourceType::TRANSFER_START_TIMESTAMP, Transfers::timestamp_text(h.transfer_start_ms)}},
             HandshakeResourceType::RESPONSIBILITY_TRANSFER,
             h.transfer_id});
        out.resources.push_back({{{{}, HandshakeResourceType::MANAGEMENT_EMAIL, h.master_email},
                                  {{}, HandshakeResourceType::MANAGEMENT_NAME, h.master_name}},
                                 HandshakeResourceType::MANAGEMENT_ACCOUNT,
                                 h.management_account_id});
        out.resources.push_back({{}, target, h.target_id});
        if (h.notes) out.resources.push_back({{}, HandshakeResourceType::NOTES, *h.notes});
    } else {
        out.resources.push_back({{}, HandshakeResourceType::ORGANIZATION, h.organization_id});
    }
    return out;
}

// A handshake exists only for its parties. Anyone else is told that there is no such handshake,
// exactly as for an id that was never used, so probing ids reveals nothing about other
// accounts' invitations. A party acting outside its role (the sender accepting, the recipient
// canceling) is denied instead: it knows the handshake already.
void Handshakes::check_role(const HandshakeRecord& h, const AccountRecord& account, bool allowed) const {
    if (allowed) return;
    if (!is_sender(h, account) && !is_recipient(h, account))
        throw api_error(error_code::HandshakeNotFoundException);
    throw api_error(error_code::AccessDeniedException);
}

HandshakeRecord Handshakes::visible(Repository& repo, const std::string& id) {
    auto h = repo.handshakes.find(id);
    // Closed handshakes are deleted 30 days after closing (lapsed ones: after their expiry).
    if (!h || svc_.now() >= h->visible_until_ms()) throw api_error(error_code::HandshakeNotFoundException);
    if (lapsed(*h, svc_.now())) {
        h->state = HandshakeState::EXPIRED;
        h->closed_ms = h->expiration_ms;
    }
    return *std::move(h);
}

void Handshakes::cancel_quietly(Repository& repo, HandshakeRecord& h) {
    h.state = HandshakeState::CANCELED;
    h.closed_ms = svc_.now();
    repo.handshakes.save(h);
}

std::string Handshakes::new_id(Repository& repo) {
    std::string id;
    do {
        id = svc_.ids.handshake_id();
    } while (repo.handshakes.find(id));
    return id;
}

HandshakeRecord& Handshakes::close(HandshakeRecord& h, HandshakeState to) {
    const std::string from_text(api::to_string(h.state)), to_text(api::to_string(to));
    if (h.state == to)
        throw api_error(error_code::HandshakeAlreadyInStateException,
                        "The handshake " + h.id + " is already " + to_text + ".");
    // A REQUESTED handshake still waits for others: it can be canceled or declined, not accepted.
    if (h.state != HandshakeState::OPEN &&
        !(h.state == HandshakeState::REQUESTED && to != HandshakeState::ACCEPTED))
        throw api_error(
            error_code::InvalidHandshakeTransitionException,
            "You can't change the handshake " + h.id + " from " + from_text + " to " + to_text + ".");
    h.state = to;
    h.closed_ms = svc_.now();
    return h;
}

Handshakes::Invitee Handshakes::invitee(Repository& repo, const api::HandshakeParty& target) {
    if (target.type == HandshakePartyType::ACCOUNT) {
        if (!is_account_id(target.id))
            throw_invalid_input(
                "INVALID_PARTY_TYPE_TARGET",
                "You specified the wrong type of entity as a party: an ACCOUNT target must be a "
                "12-digit account id.");
        return {known_account(repo, target.id), {}};
    }
    if (target.type == HandshakePartyType::EMAIL) {
        if (!is_email(target.id))
            throw_invalid_input("INVALID_EMAIL_ADDRESS_TARGET",
                                "You specified an invalid email address for the invited account owner.");
        std::string email = lowercase(target.id);
        auto account = repo.accounts.find_by_email(email);
        return {std::move(account), std::move(email)};
    }
    throw_invalid_input("INVALID_PARTY_TYPE_TARGET",
                        "You specified the wrong type of entity as a party: the target must be an ACCOUNT or an "
                        "EMAIL.");
}

api::Handshake Handshakes::invite_account_to_organization(Repository& repo, const Caller& caller,
                                                          const api::InviteAccountToOrganizationRequest& in) {
    Membership m = management_of_organization(repo, caller);
    const Millis now = svc_.now();
    const auto& target = in.target;

    // The target: an account id for ACCOUNT, an address for EMAIL, nothing else.
    auto [invitee, email] = Handshakes::invitee(repo, target);
    Tags::check_keys(in.tags);
    Tags::check_count(in.tags.size());

    const auto& org = m.organization;
    if (svc_.all_features.pending(repo, org.id))
        handshake_constraint("INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES",
                             "You can't invite accounts while the organization is enabling all features.");
    if (now < org.created_ms + Millis(org.quotas.initialization_seconds) * 1000)
        throw api_error(error_code::FinalizingOrganizationException,
                        "AWS Organizations couldn't perform the operation because your organization is still "
                        "initializing. Try again later.");
    if (!m.account.email_verified) throw api_error(error_code::AccountOwnerNotVerifiedException);

    if (invitee && invitee->organization_id == org.id)
        handshake_constraint(kHandshakeReason, "The account " + invitee->id +
                                                   " is already a member of this "
                                                   "organization.");
    if (repo.handshakes.find_open_invitation(org.id, invitee ? invitee->id : "",
                                             invitee ? lowercase(invitee->email) : email, now))
        throw api_error(error_code::DuplicateHandshakeException,
                        "A handshake with the same action and target already exists. Cancel or decline it "
                        "before you invite the account again.");
    if (target.type == HandshakePartyType::ACCOUNT) check_seller(m.account, *invitee);

    const std::size_t members = repo.accounts.count_members(org.id);
    if (members + repo.handshakes.count_open_invitations(org.id, now) >= std::size_t(org.quotas.max_accounts))
        handshake_constraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED",
                             "You have exceeded the allowed number of AWS accounts.");
    const int per_day = org.quotas.invitations_per_day.value_or(std::max(20, org.quotas.max_accounts));
    if (repo.handshakes.invitation_rate_reached(org.id, now - kRateWindowMs, std::size_t(per_day)))
        handshake_constraint("HANDSHAKE_RATE_LIMIT_EXCEEDED",
                             "You have sent too many invitations in one day. Try again later.");

    HandshakeRecord h;
    h.id = new_id(repo);
    h.organization_id = org.id;
    h.management_account_id = m.account.id;
    h.partition = m.account.partition;
    h.action = ActionType::INVITE;
    h.state = HandshakeState::OPEN;
    h.target_type = target.type;
    h.target_id = target.id;
    if (target.type == HandshakePartyType::ACCOUNT)
        h.recipient_account_id = target.id;
    else
        h.recipient_email = email;
    h.notes = in.notes;
    h.master_email = m.account.email;
    h.master_name = m.account.name;
    h.feature_set = org.feature_set;
    h.tags = in.tags;
    h.requested_ms = now;
    h.expiration_ms = now + kInviteLifetimeMs;
    repo.handshakes.save(h);

    OutboxMessage mail;
    mail.id = "m-" + h.id.substr(2);
    mail.to = target.type == HandshakePartyType::EMAIL ? target.id : invitee->email;
    mail.subject =
        "AWS Organizations: " + m.account.name + " invites your AWS account to join organization " + org.id;
    mail.body = "The management account " + m.account.name + " (" + m.account.email +
                ") of AWS organization " + org.id + " invites your AWS account to join it.\n" +
                (h.notes ? "Notes: " + *h.notes + "\n" : std::string()) + "Handshake: " + h.id + "\n" +
                "This invitation expires at " + std::to_string(h.expiration_ms / 1000) +
                " (epoch seconds). Accept or decline it with AcceptHandshake / DeclineHandshake.\n";
    mail.handshake_id = h.id;
    mail.sent_ms = now;
    repo.outbox.add(mail);
    return shape(h);
}

api::Handshake Handshakes::accept_handshake(Repository& repo, const Caller& caller,
                                            const api::AcceptHandshakeRequest& in) {
    AccountRecord acceptor = known_account(repo, caller.account_id);
    HandshakeRecord h = visible(repo, in.handshake_id);
    check_role(h, acceptor, is_recipient(h, acceptor));
    if (h.state != HandshakeState::OPEN) close(h, HandshakeState::ACCEPTED);  // throws the state error
    if (h.action == ActionType::INVITE) return accept_invitation(repo, acceptor, h);
    if (h.action == ActionType::TRANSFER_RESPONSIBILITY) svc_.transfers.check_acceptance(repo, acceptor, h);

    repo.handshakes.save(close(h, HandshakeState::ACCEPTED));
    if (h.action == ActionType::APPROVE_ALL_FEATURES) {
        svc_.all_features.approved(repo, h.organization_id);
    } else if (h.action == ActionType::ENABLE_ALL_FEATURES) {
        svc_.all_features.finalize(repo, h.organization_id);
    } else if (h.action == ActionType::TRANSFER_RESPONSIBILITY) {
        svc_.transfers.handshake_closed(repo, h, acceptor);
    }
    return shape(h);
}

api::Handshake Handshakes::accept_invitation(Repository& repo, AccountRecord& acceptor, HandshakeRecord& h) {
    auto org = repo.organizations.find(h.organization_id);
    if (!org) throw api_error(error_code::InvalidHandshakeTransitionException);
    AccountRecord management = known_account(repo, org->management_account_id);

    if (acceptor.organization_id == org->id)
        handshake_constraint(kHandshakeReason, "Your account is already a member of this organization.");
    if (!acceptor.standalone()) {
        auto current = repo.organizations.find(acceptor.organization_id);
        if (current && current->management_account_id == acceptor.id)
            throw api_error(error_code::MasterCannotLeaveOrganizationException,
                            "Your account is the management account of organization " + current->id +
                                ". Delete that organization before you join another one.");
        if (!svc_.options.direct_transfer)
            handshake_constraint(kHandshakeReason, "Your account is already a member of an organization.");
    }
    if (!management.email_verified)
        handshake_constraint(
            "MANAGEMENT_ACCOUNT_EMAIL_NOT_VERIFIED",
            "The management account of the organization has not verified its email address.");
    check_seller(management, acceptor);
    if (repo.accounts.count_members(org->id) >= std::size_t(org->quotas.max_accounts))
        handshake_constraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED",
                             "You have exceeded the allowed number of AWS accounts.");

    // Direct transfer: leaving the old organization and joining the new one are one step, and
    // the old organization's SCPs must let the account leave.
    if (!acceptor.standalone()) {
        if (auto current = repo.organizations.find(acceptor.organization_id)) {
            static const std::string kAny[] = {"*"};
            svc_.policies.authorize(repo, *current, acceptor, "organizations:LeaveOrganization", kAny);
        }
        svc_.accounts.detach(repo, acceptor);
    }
    acceptor.organization_id = org->id;
    acceptor.parent_id = org->root_id;
    acceptor.joined_method = api::AccountJoinedMethod::INVITED;
    acceptor.joined_ms = svc_.now();
    repo.accounts.save(acceptor);
    // Tags of the invitation are attached without another check (API Reference, InviteAccountToOrganization:
    // "Tags" are attached when the account joins).
    if (!h.tags.empty()) repo.tags.put(acceptor.id, h.tags);
    svc_.policies.attach_defaults(repo, *org, acceptor.id);

    repo.handshakes.save(close(h, HandshakeState::ACCEPTED));
    return shape(h);
}

api::Handshake Handshakes::decline_handshake(Repository& repo, const Caller& caller,
                                             const api::DeclineHandshakeRequest& in) {
    AccountRecord account = known_account(repo, caller.account_id);
    HandshakeRecord h = visible(repo, in.handshake_id);
    check_role(h, account, is_recipient(h, account));
    repo.handshakes.save(close(h, HandshakeState::DECLINED));
    svc_.all_features.parent_closed(repo, h);  // a declined child leaves its parent REQUESTED
    if (h.action == ActionType::TRANSFER_RESPONSIBILITY) svc_.transfers.handshake_closed(repo, h, account);
    return shape(h);
}

api::Handshake Handshakes::cancel_handshake(Repository& repo, const Caller& caller,
                                            const api::CancelHandshakeRequest& in) {
    AccountRecord account = known_account(repo, caller.account_id);
    HandshakeRecord h = visible(repo, in.handshake_id);
    check_role(h, account, is_sender(h, account));
    repo.handshakes.save(close(h, HandshakeState::CANCELED));
    svc_.all_features.parent_closed(repo, h);
    if (h.action == ActionType::TRANSFER_RESPONSIBILITY) svc_.transfers.handshake_closed(repo, h, account);
    return shape(h);
}

api::Handshake Handshakes::describe_handshake(Repository& repo, const Caller& caller,
                                              const api::DescribeHandshakeRequest& in) {
    AccountRecord account = known_account(repo, caller.account_id);
    HandshakeRecord h = visible(repo, in.handshake_id);
    check_role(h, account, is_sender(h, account) || is_recipient(h, account));
    return shape(h);
}

template <class Response>
Response Handshakes::page(Repository& repo, HandshakeQuery query, std::string_view kind,
                          const std::string& scope, const std::optional<api::HandshakeFilter>& filter,
                          const PageRequest& page) {
    if (filter && filter->action_type && filter->parent_handshake_id)
        throw_invalid_input("MAX_LIMIT_EXCEEDED_FILTER",
                            "You can specify only one filter parameter: ActionType or ParentHandshakeId.");
    if (filter && filter->action_type) query.action = std::string(api::to_string(*filter->action_type));
    if (filter && filter->parent_handshake_id) query.parent_handshake_id = *filter->parent_handshake_id;
    std::string filter_scope = scope + "/" + query.action + "/" + query.parent_handshake_id;
    std::string after = decode_page_token(page, kind, filter_scope);
    if (!after.empty()) {
        auto colon = after.find(':');
        if (colon == std::string::npos) throw_invalid_input("INVALID_NEXT_TOKEN");
        query.after_requested_ms = std::stoll(after.substr(0, colon));
        query.after_id = after.substr(colon + 1);
    }
    query.visible_at = svc_.now();
    query.limit = page.limit() + 1;
    auto rows = repo.handshakes.list(query);
    Response out;
    if (rows.size() > page.limit()) {
        rows.resize(page.limit());
        out.next_token = encode_page_token(kind, filter_scope,
                                           std::to_string(rows.back().requested_ms) + ":" + rows.back().id);
    }
    out.handshakes.reserve(rows.size());
    for (const auto& r : rows) out.handshakes.push_back(shape(r));
    return out;
}

api::ListHandshakesForAccountResponse Handshakes::list_handshakes_for_account(
    Repository& repo, const Caller& caller, const api::ListHandshakesForAccountRequest& in) {
    // Callable while standalone: an invitee lists what it received before it joins anything.
    AccountRecord account = known_account(repo, caller.account_id);
    HandshakeQuery query;
    query.recipient_account_id = account.id;
    query.recipient_email = lowercase(account.email);
    return page<api::ListHandshakesForAccountResponse>(repo, std::move(query), "handshakes-for-account",
                                                       account.id, in.filter, page_of(in));
}

api::ListHandshakesForOrganizationResponse Handshakes::list_handshakes_for_organization(
    Repository& repo, const Caller& caller, const api::ListHandshakesForOrganizationRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    HandshakeQuery query;
    query.organization_id = m.organization.id;
    return page<api::ListHandshakesForOrganizationResponse>(
        repo, std::move(query), "handshakes-for-organization", m.organization.id, in.filter, page_of(in));
}

}  // namespace localorgs::model
