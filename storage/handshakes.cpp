// Handshakes: invitations, all-features migrations and their children.
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

#define HANDSHAKE_COLUMNS                                                                           \
    "id, organization_id, management_account_id, partition, action, state, target_type, target_id," \
    " recipient_account_id, recipient_email, notes, master_email, master_name, feature_set,"        \
    " parent_handshake_id, tags, requested_ms, expiration_ms, closed_ms, transfer_id, transfer_type,"      \
    " transfer_start_ms"

const Query kFindHandshake{"SELECT " HANDSHAKE_COLUMNS " FROM handshakes WHERE id = ?1"};
// An upsert, so the invitation triggers see state changes as UPDATEs.
const Query kSaveHandshake{
    "INSERT INTO handshakes (" HANDSHAKE_COLUMNS
    ", visible_until_ms) VALUES"
    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?21, ?22, ?23, ?20)"
    " ON CONFLICT (id) DO UPDATE SET state = excluded.state, notes = excluded.notes, tags = excluded.tags,"
    " expiration_ms = excluded.expiration_ms, closed_ms = excluded.closed_ms,"
    " visible_until_ms = excluded.visible_until_ms"};
// (index handshakes_by_organization, keyset)
const Query kHandshakesOfOrganization{
    "SELECT " HANDSHAKE_COLUMNS
    " FROM handshakes WHERE organization_id = ?1 AND (requested_ms, id) > (?3, ?4)"
    " AND visible_until_ms > ?5 AND (?6 = '' OR action = ?6) AND (?7 = '' OR parent_handshake_id = ?7)"
    " ORDER BY requested_ms, id LIMIT ?8"};
// (indexes handshakes_by_recipient and handshakes_by_email)
const Query kHandshakesOfRecipient{
    "SELECT " HANDSHAKE_COLUMNS
    " FROM handshakes WHERE (recipient_account_id = ?1 OR recipient_email = ?2)"
    " AND (requested_ms, id) > (?3, ?4) AND visible_until_ms > ?5 AND (?6 = '' OR action = ?6)"
    " AND (?7 = '' OR parent_handshake_id = ?7) ORDER BY requested_ms, id LIMIT ?8"};
// One index lookup per way of naming the invitee. INDEXED BY: left to itself the planner prefers
// the organization's index, which walks every open invitation of the organization instead of the
// few addressed to this invitee.
const Query kFindOpenInvitation{
    "SELECT * FROM (SELECT " HANDSHAKE_COLUMNS
    " FROM handshakes INDEXED BY handshakes_by_recipient"
    " WHERE recipient_account_id = ?2"
    " AND organization_id = ?1 AND action = 'INVITE' AND state = 'OPEN' AND expiration_ms > ?4"
    " UNION ALL SELECT " HANDSHAKE_COLUMNS
    " FROM handshakes INDEXED BY handshakes_by_email WHERE recipient_email = ?3"
    " AND organization_id = ?1 AND action = 'INVITE' AND state = 'OPEN' AND expiration_ms > ?4) LIMIT 1"};
// (index handshakes_open)
const Query kOpenHandshakes{"SELECT " HANDSHAKE_COLUMNS
                            " FROM handshakes WHERE organization_id = ?1 AND state IN ('OPEN', 'REQUESTED')"
                            " AND expiration_ms > ?2"};
// Kept by triggers (migration 4); lapsed ones are expired first.
const Query kCountOpenInvitations{"SELECT open_invitations FROM organizations WHERE id = ?1"};
// Exact, but never counts past the limit (index handshakes_by_organization).
const Query kCountInvitationsSince{
    "SELECT COUNT(*) FROM (SELECT 1 FROM handshakes WHERE organization_id = ?1 AND requested_ms > ?2"
    " AND action = 'INVITE' AND state <> 'ACCEPTED' LIMIT ?3)"};
// An upper bound by the minute (table invite_minutes, migration 4).
const Query kInvitationsSentSince{
    "SELECT COALESCE(SUM(sent), 0) FROM invite_minutes WHERE organization_id = ?1 AND minute >= ?2 / 60000"};
// OPEN handshakes past their expiry become EXPIRED (index handshakes_open).
const Query kExpireLapsed{
    "UPDATE handshakes SET state = 'EXPIRED', closed_ms = expiration_ms, visible_until_ms = expiration_ms + "
    "?3"
    " WHERE organization_id = ?1 AND state = 'OPEN' AND expiration_ms <= ?2"};
// (index handshakes_by_parent)
const Query kChildHandshakes{"SELECT " HANDSHAKE_COLUMNS
                             " FROM handshakes WHERE parent_handshake_id = ?1 ORDER BY requested_ms, id"};
// (index handshakes_by_action)
const Query kFindPendingHandshake{
    "SELECT " HANDSHAKE_COLUMNS
    " FROM handshakes WHERE organization_id = ?1"
    " AND action = ?2 AND state IN ('OPEN', 'REQUESTED') AND expiration_ms > ?3 LIMIT 1"};

model::HandshakeRecord read_handshake(const Statement& s) {
    model::HandshakeRecord h;
    h.id = s.text(0);
    h.organization_id = s.text(1);
    h.management_account_id = s.text(2);
    h.partition = s.text(3);
    h.action = enum_column<model::api::ActionType>(s, 4);
    h.state = enum_column<model::api::HandshakeState>(s, 5);
    h.target_type = enum_column<model::api::HandshakePartyType>(s, 6);
    h.target_id = s.text(7);
    h.recipient_account_id = s.text(8);
    h.recipient_email = s.text(9);
    if (!s.is_null(10)) h.notes = s.text(10);
    h.master_email = s.text(11);
    h.master_name = s.text(12);
    h.feature_set = enum_column<model::api::OrganizationFeatureSet>(s, 13);
    h.parent_handshake_id = s.text(14);
    h.tags = tags_from_text(s.text_view(15));
    h.requested_ms = s.int64(16);
    h.expiration_ms = s.int64(17);
    h.closed_ms = s.is_null(18) ? 0 : s.int64(18);
    h.transfer_id = s.is_null(19) ? std::string() : s.text(19);
    if (!s.is_null(20)) h.transfer_type = enum_column<model::api::ResponsibilityTransferType>(s, 20);
    h.transfer_start_ms = s.is_null(21) ? 0 : s.int64(21);
    return h;
}

class Handshakes final : public model::HandshakeRepository {
public:
    explicit Handshakes(Statements& sql) : sql_(sql) {}

    std::optional<model::HandshakeRecord> find(std::string_view id) override {
        return first_row(sql_(kFindHandshake).bind(1, id), read_handshake);
    }
    void save(const model::HandshakeRecord& h) override {
        auto& s = sql_(kSaveHandshake);
        s.bind(1, h.id).bind(2, h.organization_id).bind(3, h.management_account_id).bind(4, h.partition);
        s.bind(5, model::api::to_string(h.action)).bind(6, model::api::to_string(h.state));
        s.bind(7, model::api::to_string(h.target_type)).bind(8, h.target_id);
        bind_optional_text(s, 9, h.recipient_account_id);
        bind_optional_text(s, 10, h.recipient_email);
        if (h.notes)
            s.bind(11, *h.notes);
        else
            s.bind_null(11);
        s.bind(12, h.master_email).bind(13, h.master_name).bind(14, model::api::to_string(h.feature_set));
        bind_optional_text(s, 15, h.parent_handshake_id);
        s.bind(16, tags_to_text(h.tags)).bind(17, h.requested_ms).bind(18, h.expiration_ms);
        if (h.closed_ms)
            s.bind(19, h.closed_ms);
        else
            s.bind_null(19);
        s.bind(20, h.visible_until_ms());
        bind_optional_text(s, 21, h.transfer_id);
        if (h.transfer_type)
            s.bind(22, model::api::to_string(*h.transfer_type));
        else
            s.bind_null(22);
        if (h.transfer_start_ms)
            s.bind(23, h.transfer_start_ms);
        else
            s.bind_null(23);
        s.run();
    }
    std::vector<model::HandshakeRecord> list(const model::HandshakeQuery& q) override {
        Statement* s;
        if (!q.organization_id.empty()) {
            s = &sql_(kHandshakesOfOrganization).bind(1, q.organization_id);
        } else {
            s = &sql_(kHandshakesOfRecipient);
            // An empty key must match nothing, and NULL never equals anything.
            bind_optional_text(*s, 1, q.recipient_account_id);
            bind_optional_text(*s, 2, q.recipient_email);
        }
        s->bind(3, q.after_requested_ms).bind(4, q.after_id).bind(5, q.visible_at);
        s->bind(6, q.action).bind(7, q.parent_handshake_id).bind(8, std::int64_t(q.limit));
        return all_rows(*s, read_handshake, q.limit);
    }
    std::optional<model::HandshakeRecord> find_open_invitation(std::string_view organization_id,
                                                               std::string_view account_id,
                                                               std::string_view email,
                                                               model::Millis now) override {
        auto& s = sql_(kFindOpenInvitation).bind(1, organization_id);
        bind_optional_text(s, 2, account_id);
        bind_optional_text(s, 3, email);
        s.bind(4, now);
        return first_row(s, read_handshake);
    }
    std::vector<model::HandshakeRecord> open_of_organization(std::string_view organization_id,
                                                             model::Millis now) override {
        return all_rows(sql_(kOpenHandshakes).bind(1, organization_id).bind(2, now), read_handshake);
    }
    std::vector<model::HandshakeRecord> children(std::string_view parent_handshake_id) override {
        return all_rows(sql_(kChildHandshakes).bind(1, parent_handshake_id), read_handshake);
    }
    std::optional<model::HandshakeRecord> find_pending(std::string_view organization_id,
                                                       std::string_view action, model::Millis now) override {
        return first_row(sql_(kFindPendingHandshake).bind(1, organization_id).bind(2, action).bind(3, now),
                         read_handshake);
    }
    std::size_t count_open_invitations(std::string_view organization_id, model::Millis now) override {
        // Expiry is otherwise evaluated when read; here it is written down, so that the counter the
        // triggers keep is exact. Only the newly lapsed rows are touched.
        sql_(kExpireLapsed)
            .bind(1, organization_id)
            .bind(2, now)
            .bind(3, model::HandshakeRecord::kRetentionMs)
            .run();
        return count_of(sql_(kCountOpenInvitations).bind(1, organization_id));
    }
    bool invitation_rate_reached(std::string_view organization_id, model::Millis since,
                                 std::size_t limit) override {
        // Cheap first: all invitations sent in the window's minutes, accepted or not, bound the count.
        if (count_of(sql_(kInvitationsSentSince).bind(1, organization_id).bind(2, since)) < limit)
            return false;
        return count_of(sql_(kCountInvitationsSince)
                            .bind(1, organization_id)
                            .bind(2, since)
                            .bind(3, std::int64_t(limit))) >= limit;
    }

private:
    Statements& sql_;
};

}  // namespace

std::unique_ptr<model::HandshakeRepository> sqlite_handshakes(Statements& statements) {
    return std::make_unique<Handshakes>(statements);
}

}  // namespace localorgs::storage
