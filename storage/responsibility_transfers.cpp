// Responsibility transfers: one row from the invitation on, found from either side.
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

#define TRANSFER_COLUMNS                                                                                  \
    "id, type, name, status, partition, target_organization_id, target_account_id, source_account_id," \
    " recipient_email, source_organization_id, handshake_id, requested_ms, expiration_ms, start_ms,"    \
    " end_ms, closed_ms"

const Query kFindTransfer{"SELECT " TRANSFER_COLUMNS " FROM responsibility_transfers WHERE id = ?1"};
// (index responsibility_transfers_by_handshake)
const Query kFindTransferByHandshake{"SELECT " TRANSFER_COLUMNS
                                     " FROM responsibility_transfers WHERE handshake_id = ?1"};
const Query kSaveTransfer{"INSERT OR REPLACE INTO responsibility_transfers (" TRANSFER_COLUMNS
                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"};
// (index responsibility_transfers_by_target, keyset)
const Query kInbound{"SELECT " TRANSFER_COLUMNS
                     " FROM responsibility_transfers WHERE target_organization_id = ?1"
                     " AND (requested_ms, id) > (?2, ?3) ORDER BY requested_ms, id LIMIT ?4"};
// (indexes responsibility_transfers_by_source and _by_email, keyset) Once accepted, a transfer
// belongs to the organization that accepted it, whatever the account does afterwards.
const Query kOutbound{"SELECT " TRANSFER_COLUMNS
                      " FROM responsibility_transfers WHERE (source_account_id = ?1 OR recipient_email = ?2)"
                      " AND (source_organization_id IS NULL OR source_organization_id = ?3)"
                      " AND (requested_ms, id) > (?4, ?5) ORDER BY requested_ms, id LIMIT ?6"};
// (indexes responsibility_transfers_by_source and _by_email: an account or address has few
// invitations, an organization may have sent many; `+` keeps the planner off the target's index)
const Query kFindOpenTransferInvitation{
    "SELECT " TRANSFER_COLUMNS
    " FROM responsibility_transfers WHERE +target_organization_id = ?1 AND status = 'REQUESTED'"
    " AND expiration_ms > ?4 AND (source_account_id = ?2 OR recipient_email = ?3) LIMIT 1"};
// In force: accepted, or withdrawn and not ended yet (ResponsibilityTransferRecord::in_force).
#define IN_FORCE "(status = 'ACCEPTED' OR (status = 'WITHDRAWN' AND end_ms >= ?2))"
const Query kInForceInbound{"SELECT " TRANSFER_COLUMNS
                            " FROM responsibility_transfers WHERE target_organization_id = ?1 AND " IN_FORCE};
// (index responsibility_transfers_by_source_organization)
const Query kInForceOutbound{"SELECT " TRANSFER_COLUMNS
                             " FROM responsibility_transfers WHERE source_organization_id = ?1 AND " IN_FORCE};
// (covering index responsibility_transfers_by_target_status)
const Query kCountInbound{"SELECT COUNT(*) FROM responsibility_transfers WHERE target_organization_id = ?1 AND"
                          " (" IN_FORCE " OR (status = 'REQUESTED' AND expiration_ms > ?2))"};
const Query kCountOpenTo{"SELECT COUNT(*) FROM responsibility_transfers WHERE (source_account_id = ?1"
                         " OR recipient_email = ?2) AND status = 'REQUESTED' AND expiration_ms > ?3"};
const Query kAllTransfers{"SELECT " TRANSFER_COLUMNS " FROM responsibility_transfers ORDER BY requested_ms, id"};

model::ResponsibilityTransferRecord read_transfer(const Statement& s) {
    model::ResponsibilityTransferRecord t;
    t.id = s.text(0);
    t.type = enum_column<model::api::ResponsibilityTransferType>(s, 1);
    t.name = s.text(2);
    t.status = enum_column<model::api::ResponsibilityTransferStatus>(s, 3);
    t.partition = s.text(4);
    t.target_organization_id = s.text(5);
    t.target_account_id = s.text(6);
    if (!s.is_null(7)) t.source_account_id = s.text(7);
    if (!s.is_null(8)) t.recipient_email = s.text(8);
    if (!s.is_null(9)) t.source_organization_id = s.text(9);
    t.handshake_id = s.text(10);
    t.requested_ms = s.int64(11);
    t.expiration_ms = s.int64(12);
    t.start_ms = s.int64(13);
    t.end_ms = s.is_null(14) ? 0 : s.int64(14);
    t.closed_ms = s.is_null(15) ? 0 : s.int64(15);
    return t;
}

std::optional<std::int64_t> nonzero(model::Millis v) {
    return v ? std::optional<std::int64_t>(v) : std::nullopt;
}

class Transfers final : public model::ResponsibilityTransferRepository {
public:
    explicit Transfers(Statements& sql) : sql_(sql) {}

    std::optional<model::ResponsibilityTransferRecord> find(std::string_view id) override {
        return first_row(sql_(kFindTransfer).bind(1, id), read_transfer);
    }
    std::optional<model::ResponsibilityTransferRecord> find_by_handshake(std::string_view handshake_id) override {
        return first_row(sql_(kFindTransferByHandshake).bind(1, handshake_id), read_transfer);
    }
    void save(const model::ResponsibilityTransferRecord& t) override {
        auto& s = sql_(kSaveTransfer);
        s.bind(1, t.id).bind(2, model::api::to_string(t.type)).bind(3, t.name);
        s.bind(4, model::api::to_string(t.status)).bind(5, t.partition);
        s.bind(6, t.target_organization_id).bind(7, t.target_account_id);
        bind_optional_text(s, 8, t.source_account_id);
        bind_optional_text(s, 9, t.recipient_email);
        bind_optional_text(s, 10, t.source_organization_id);
        s.bind(11, t.handshake_id).bind(12, t.requested_ms).bind(13, t.expiration_ms).bind(14, t.start_ms);
        s.bind(15, nonzero(t.end_ms)).bind(16, nonzero(t.closed_ms));
        s.run();
    }
    std::vector<model::ResponsibilityTransferRecord> list(const model::TransferQuery& q) override {
        if (!q.target_organization_id.empty()) {
            auto& s = sql_(kInbound).bind(1, q.target_organization_id).bind(2, q.after_requested_ms);
            s.bind(3, q.after_id).bind(4, std::int64_t(q.limit));
            return all_rows(s, read_transfer, q.limit);
        }
        auto& s = sql_(kOutbound);
        // An empty key must match nothing, and NULL never equals anything.
        bind_optional_text(s, 1, q.source_account_id);
        bind_optional_text(s, 2, q.source_email);
        s.bind(3, q.source_organization_id).bind(4, q.after_requested_ms).bind(5, q.after_id);
        s.bind(6, std::int64_t(q.limit));
        return all_rows(s, read_transfer, q.limit);
    }
    std::optional<model::ResponsibilityTransferRecord> find_open_invitation(std::string_view target_organization_id,
                                                                            std::string_view account_id,
                                                                            std::string_view email,
                                                                            model::Millis now) override {
        auto& s = sql_(kFindOpenTransferInvitation).bind(1, target_organization_id);
        bind_optional_text(s, 2, account_id);
        bind_optional_text(s, 3, email);
        s.bind(4, now);
        return first_row(s, read_transfer);
    }
    std::vector<model::ResponsibilityTransferRecord> in_force_inbound(std::string_view organization_id,
                                                                      model::Millis now) override {
        return all_rows(sql_(kInForceInbound).bind(1, organization_id).bind(2, now), read_transfer);
    }
    std::vector<model::ResponsibilityTransferRecord> in_force_outbound(std::string_view organization_id,
                                                                       model::Millis now) override {
        return all_rows(sql_(kInForceOutbound).bind(1, organization_id).bind(2, now), read_transfer);
    }
    std::size_t count_inbound(std::string_view organization_id, model::Millis now) override {
        return count_of(sql_(kCountInbound).bind(1, organization_id).bind(2, now));
    }
    std::size_t count_open_invitations_to(std::string_view account_id, std::string_view email,
                                          model::Millis now) override {
        auto& s = sql_(kCountOpenTo);
        bind_optional_text(s, 1, account_id);
        bind_optional_text(s, 2, email);
        return count_of(s.bind(3, now));
    }
    std::vector<model::ResponsibilityTransferRecord> all() override {
        return all_rows(sql_(kAllTransfers), read_transfer);
    }

private:
    Statements& sql_;
};

}  // namespace

std::unique_ptr<model::ResponsibilityTransferRepository> sqlite_transfers(Statements& statements) {
    return std::make_unique<Transfers>(statements);
}

}  // namespace localorgs::storage
