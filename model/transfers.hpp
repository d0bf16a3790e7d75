#pragma once
// Responsibility (billing) transfers: InviteOrganizationToTransferResponsibility, Describe-,
// Update-, TerminateResponsibilityTransfer, ListInbound-/ListOutboundResponsibilityTransfers, and
// what the TRANSFER_RESPONSIBILITY handshake does to its transfer when it is accepted, declined,
// canceled or lapses (API Reference of each operation; Billing User Guide, "Transferring billing
// management to external accounts"; README, Responsibility transfers).
//
// The inviter is the transfer's Target (it pays: the transfer is inbound to it); the invitee is
// its Source (outbound). Both are management accounts; every operation is management-only.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/operation.hpp"
#include "model/pagination.hpp"

namespace localorgs::model {

struct Membership;

class Transfers {
public:
    explicit Transfers(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::Handshake invite_organization_to_transfer_responsibility(
        Repository& repo, const Caller& caller, const api::InviteOrganizationToTransferResponsibilityRequest& in);
    api::ResponsibilityTransfer describe_responsibility_transfer(Repository& repo, const Caller& caller,
                                                                 const api::DescribeResponsibilityTransferRequest& in);
    api::ResponsibilityTransfer update_responsibility_transfer(Repository& repo, const Caller& caller,
                                                               const api::UpdateResponsibilityTransferRequest& in);
    api::ResponsibilityTransfer terminate_responsibility_transfer(
        Repository& repo, const Caller& caller, const api::TerminateResponsibilityTransferRequest& in);
    api::ListInboundResponsibilityTransfersResponse list_inbound_responsibility_transfers(
        Repository& repo, const Caller& caller, const api::ListInboundResponsibilityTransfersRequest& in);
    api::ListOutboundResponsibilityTransfersResponse list_outbound_responsibility_transfers(
        Repository& repo, const Caller& caller, const api::ListOutboundResponsibilityTransfersRequest& in);

    // The handshake's side of it (model/handshakes.cpp calls these for TRANSFER_RESPONSIBILITY).
    // Throws what stops `acceptor` from accepting; nothing changes.
    void check_acceptance(Repository& repo, const AccountRecord& acceptor, const HandshakeRecord& h);
    // The handshake was closed (accepted, declined, canceled): the transfer follows.
    void handshake_closed(Repository& repo, const HandshakeRecord& h, const AccountRecord& by);

    // ConstraintViolationException ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS while the organization
    // has an invitation pending (sent or received) or a transfer in force (DeleteOrganization).
    void check_no_active_process(Repository& repo, const OrganizationRecord& org);

    // The transfer as `side` (one of its two organizations) sees it: the ARN under that side.
    api::ResponsibilityTransfer shape(Repository& repo, const ResponsibilityTransferRecord& t,
                                      const std::string& side_organization_id) const;
    // Either side's management account sees a transfer (a REQUESTED one: the account it is
    // addressed to); anyone else is told it does not exist.
    bool visible_to(const ResponsibilityTransferRecord& t, const Membership& m) const;
    bool is_target(const ResponsibilityTransferRecord& t, const Membership& m) const;

    static constexpr Millis kInviteLifetimeMs = 15LL * 24 * 3600 * 1000;
    static constexpr Millis kAcceptBeforeStartMs = 24LL * 3600 * 1000;

    // UTC calendar helpers (exposed for tests): the first instant of the month `months_ahead`
    // months after the one `t` is in, and the last millisecond of the month `t` is in.
    static Millis month_start(Millis t, int months_ahead = 0);
    static Millis month_end(Millis t) { return month_start(t, 1) - 1; }
    // 2026-05-01T00:00:00.000Z: a timestamp as a handshake resource's Value shows it.
    static std::string timestamp_text(Millis t);

private:
    ResponsibilityTransferRecord visible(Repository& repo, const Membership& m, const std::string& id);
    // The organization that pays for `organization_id`, if a transfer in force says so.
    std::optional<std::string> payer_of(Repository& repo, const std::string& organization_id);
    int levels_below(Repository& repo, const std::string& organization_id, int guard);
    std::size_t transfers_under(Repository& repo, const std::string& organization_id, int guard);
    template <class Response>
    Response page(Repository& repo, TransferQuery query, std::string_view kind, const std::string& scope,
                  const std::string& side, const PageRequest& page);

    Service& svc_;
};

}  // namespace localorgs::model
