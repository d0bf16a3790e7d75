#pragma once
// InviteAccountToOrganization and the handshake lifecycle: AcceptHandshake, DeclineHandshake,
// CancelHandshake, DescribeHandshake, ListHandshakesForAccount, ListHandshakesForOrganization
// (AWS API Reference of each operation and the User Guide's "Inviting an AWS account to join your
// organization"; README, Invitations and handshakes).
#include <span>
#include <string>
#include <string_view>

#include "model/operation.hpp"
#include "model/pagination.hpp"

namespace localorgs::model {

class Handshakes {
public:
    explicit Handshakes(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::Handshake invite_account_to_organization(Repository& repo, const Caller& caller,
                                                  const api::InviteAccountToOrganizationRequest& in);
    api::Handshake accept_handshake(Repository& repo, const Caller& caller,
                                    const api::AcceptHandshakeRequest& in);
    api::Handshake decline_handshake(Repository& repo, const Caller& caller,
                                     const api::DeclineHandshakeRequest& in);
    api::Handshake cancel_handshake(Repository& repo, const Caller& caller,
                                    const api::CancelHandshakeRequest& in);
    api::Handshake describe_handshake(Repository& repo, const Caller& caller,
                                      const api::DescribeHandshakeRequest& in);
    api::ListHandshakesForAccountResponse list_handshakes_for_account(
        Repository& repo, const Caller& caller, const api::ListHandshakesForAccountRequest& in);
    api::ListHandshakesForOrganizationResponse list_handshakes_for_organization(
        Repository& repo, const Caller& caller, const api::ListHandshakesForOrganizationRequest& in);

    static constexpr Millis kInviteLifetimeMs = 15LL * 24 * 3600 * 1000;
    static constexpr Millis kRateWindowMs = 24LL * 3600 * 1000;

    // INVITE -> "invite": the handshake type segment of the ARN.
    static std::string arn_segment(api::ActionType action);
    // The handshake as the API shows it (a lapsed OPEN one as EXPIRED).
    api::Handshake shape(const HandshakeRecord& h) const;
    // The service closes a handshake (organization deleted, migration started, member gone).
    void cancel_quietly(Repository& repo, HandshakeRecord& h);
    // Who an invitation's Target names: an account id for ACCOUNT (registered on first sight),
    // an address for EMAIL (lower-cased; the account that has it, if any), InvalidInputException
    // INVALID_PARTY_TYPE_TARGET / INVALID_EMAIL_ADDRESS_TARGET for anything else.
    struct Invitee {
        std::optional<AccountRecord> account;
        std::string email;  // for EMAIL targets
    };
    static Invitee invitee(Repository& repo, const api::HandshakeParty& target);
    std::string new_id(Repository& repo);

private:
    api::Handshake accept_invitation(Repository& repo, AccountRecord& acceptor, HandshakeRecord& h);
    // A handshake as the caller may see it (HandshakeNotFound otherwise), lapsed ones as EXPIRED.
    HandshakeRecord visible(Repository& repo, const std::string& id);
    bool is_recipient(const HandshakeRecord& h, const AccountRecord& account) const;
    // Throws unless `allowed`: HandshakeNotFoundException to a non-party, AccessDenied to a party.
    void check_role(const HandshakeRecord& h, const AccountRecord& account, bool allowed) const;
    // Moves an OPEN handshake to `to`, or throws the state error a closed one gives.
    HandshakeRecord& close(HandshakeRecord& h, api::HandshakeState to);
    template <class Response>
    Response page(Repository& repo, HandshakeQuery query, std::string_view kind, const std::string& scope,
                  const std::optional<api::HandshakeFilter>& filter, const PageRequest& page);
    void check_seller(const AccountRecord& management, const AccountRecord& account) const;

    Service& svc_;
};

}  // namespace localorgs::model
