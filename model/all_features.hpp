#pragma once
// EnableAllFeatures: the ENABLE_ALL_FEATURES parent handshake and its APPROVE_ALL_FEATURES
// children, and how the migration moves as members approve, leave, or the parent closes
// (API Reference, EnableAllFeatures; User Guide, "Enabling all features in your organization";
// README, Enabling all features).
#include <optional>
#include <span>
#include <string>

#include "model/operation.hpp"

namespace localorgs::model {

class AllFeatures {
public:
    explicit AllFeatures(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::Handshake enable_all_features(Repository& repo, const Caller& caller);

    static constexpr Millis kLifetimeMs = 90LL * 24 * 3600 * 1000;

    // The organization's pending ENABLE_ALL_FEATURES handshake, if any.
    std::optional<HandshakeRecord> pending(Repository& repo, const std::string& organization_id);
    // A member approved: the parent may now be OPEN.
    void approved(Repository& repo, const std::string& organization_id);
    // The management account accepted the parent: the organization has all features.
    void finalize(Repository& repo, const std::string& organization_id);
    // A member left: its approval is no longer asked for.
    void member_left(Repository& repo, const std::string& organization_id, const std::string& account_id);
    // A parent was canceled or declined: its open children close with it.
    void parent_closed(Repository& repo, const HandshakeRecord& parent);

private:
    // REQUESTED parent -> OPEN once every child addressed to a current member is ACCEPTED.
    void settle(Repository& repo, HandshakeRecord& parent);
    Service& svc_;
};

}  // namespace localorgs::model
