// The read-only queries of the control plane's web console (model/repository.hpp,
// ConsoleRepository). None is on an API call's path: each statement is prepared when used and
// finalized after, its filters written into the SQL so that the planner picks the index that
// serves them, and records are read back through the entities' own repositories, so their
// columns stay where they are declared.
#include <nlohmann/json.hpp>
#include <string>

#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

// The state the API shows (model/handshakes.cpp: a pending handshake lapses at its expiry).
constexpr const char* kShownState =
    "(CASE WHEN state IN ('OPEN', 'REQUESTED') AND expiration_ms <= ?1 THEN 'EXPIRED' ELSE state END)";

// The filters of a browse, with numbered parameters: ?1 now, ?2 organization, ?3 recipient,
// ?4 action, ?5 states (",A,B,"), ?6 ?7 the keyset position.
std::string browse_filters(const model::HandshakeBrowse& q, bool keyset) {
    std::string sql = " WHERE visible_until_ms > ?1";
    // With a recipient, its indexes (a few rows) serve the query, not the organization's (all of
    // its handshakes): the unary + keeps the planner off the organization's index.
    if (!q.organization_id.empty())
        sql += q.recipient.empty() ? " AND organization_id = ?2" : " AND +organization_id = ?2";
    if (!q.recipient.empty()) sql += " AND (recipient_account_id = ?3 OR recipient_email = lower(?3))";
    if (q.action) sql += " AND action = ?4";
    if (!q.states.empty()) sql.append(" AND instr(?5, ',' || ").append(kShownState).append(" || ',') > 0");
    if (keyset && !q.before_id.empty()) sql += " AND (requested_ms, id) < (?6, ?7)";
    return sql;
}

void bind_browse(Statement& s, const model::HandshakeBrowse& q, bool keyset, std::string& states) {
    s.bind(1, q.now);
    if (!q.organization_id.empty()) s.bind(2, q.organization_id);
    if (!q.recipient.empty()) s.bind(3, q.recipient);
    if (q.action) s.bind(4, model::api::to_string(*q.action));
    if (!q.states.empty()) {
        states.assign(1, ',');
        for (auto state : q.states) states.append(model::api::to_string(state)).append(1, ',');
        s.bind(5, states);
    }
    if (keyset && !q.before_id.empty()) s.bind(6, q.before_requested_ms).bind(7, q.before_id);
}

class Console final : public model::ConsoleRepository {
public:
    Console(Statements& sql, model::OrganizationRepository& organizations,
            model::HandshakeRepository& handshakes)
        : sql_(sql), organizations_(organizations), handshakes_(handshakes) {}

    std::vector<model::OrganizationRecord> recent_organizations(model::Millis before_created_ms,
                                                                std::string_view before_id,
                                                                std::size_t limit) override {
        // The organizations table is small (one row per organization) and read whole.
        std::vector<std::string> ids;
        {
            Statement s(sql_.connection(),
                        before_id.empty()
                            ? "SELECT id FROM organizations ORDER BY created_ms DESC, id DESC LIMIT ?3"
                            : "SELECT id FROM organizations WHERE (created_ms, id) < (?1, ?2)"
                              " ORDER BY created_ms DESC, id DESC LIMIT ?3");
            if (!before_id.empty()) s.bind(1, before_created_ms).bind(2, before_id);
            s.bind(3, std::int64_t(limit));
            while (s.step()) ids.push_back(s.text(0));
        }
        std::vector<model::OrganizationRecord> out;
        for (const auto& id : ids)
            if (auto org = organizations_.find(id)) out.push_back(*std::move(org));
        return out;
    }

    std::vector<model::HandshakeRecord> browse_handshakes(const model::HandshakeBrowse& q) override {
        if (q.organization_id.empty() && q.recipient.empty()) return {};
        std::vector<std::pair<std::string, std::string>> rows;  // id, state shown
        {
            // (index handshakes_by_organization walked newest first, or the recipient's indexes)
            std::string sql = "SELECT id, ";
            sql.append(kShownState).append(" FROM handshakes").append(browse_filters(q, true));
            sql.append(" ORDER BY requested_ms DESC, id DESC LIMIT ?8");
            Statement s(sql_.connection(), sql);
            std::string states;
            bind_browse(s, q, true, states);
            s.bind(8, std::int64_t(q.limit));
            while (s.step()) rows.emplace_back(s.text(0), s.text(1));
        }
        std::vector<model::HandshakeRecord> out;
        out.reserve(rows.size());
        for (auto& [id, state] : rows) {
            auto h = handshakes_.find(id);
            auto shown = model::api::parse_enum<model::api::HandshakeState>(state);
            if (!h || !shown) continue;
            h->state = *shown;
            out.push_back(*std::move(h));
        }
        return out;
    }

    std::size_t count_handshakes(const model::HandshakeBrowse& q, std::size_t at_most) override {
        if (q.organization_id.empty() && q.recipient.empty()) return 0;
        // Each match costs a row lookup (the indexes hold neither state nor visibility): bounded.
        std::string sql = "SELECT COUNT(*) FROM (SELECT 1 FROM handshakes";
        sql.append(browse_filters(q, false)).append(" LIMIT ?8)");
        Statement s(sql_.connection(), sql);
        std::string states;
        bind_browse(s, q, false, states);
        s.bind(8, std::int64_t(at_most));
        return s.step() ? std::size_t(s.int64(0)) : 0;
    }

    std::vector<model::OutboxMessage> recent_messages(std::string_view to, std::size_t offset,
                                                      std::size_t limit) override {
        // seq is the order messages were sent in (index outbox_by_recipient for one address).
        Statement s(sql_.connection(),
                    to.empty() ? "SELECT id, recipient, subject, body, handshake_id, sent_ms FROM outbox"
                                 " ORDER BY seq DESC LIMIT ?2 OFFSET ?3"
                               : "SELECT id, recipient, subject, body, handshake_id, sent_ms FROM outbox"
                                 " WHERE lower(recipient) = lower(?1) ORDER BY seq DESC LIMIT ?2 OFFSET ?3");
        if (!to.empty()) s.bind(1, to);
        s.bind(2, std::int64_t(limit)).bind(3, std::int64_t(offset));
        std::vector<model::OutboxMessage> out;
        while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.int64(5)});
        return out;
    }

    std::size_t count_messages(std::string_view to) override {
        Statement s(sql_.connection(),
                    to.empty() ? "SELECT COUNT(*) FROM outbox"
                               : "SELECT COUNT(*) FROM outbox WHERE lower(recipient) = lower(?1)");
        if (!to.empty()) s.bind(1, to);
        return s.step() ? std::size_t(s.int64(0)) : 0;
    }

    std::vector<model::AttachedPolicyCount> attached_policy_counts(std::string_view organization_id,
                                                                   std::span<const std::string> target_ids) override {
        if (target_ids.empty()) return {};
        // The ids go in as one JSON array, whatever their number (a level of the tree may hold
        // hundreds of OUs), and each is looked up on the index policy_attachments_by_target,
        // which also holds the type: no row of the table is read.
        Statement s(sql_.connection(),
                    "SELECT target_id, type, COUNT(*) FROM policy_attachments"
                    " WHERE organization_id = ?1 AND target_id IN (SELECT value FROM json_each(?2))"
                    " GROUP BY target_id, type ORDER BY target_id, type");
        s.bind(1, organization_id).bind(2, nlohmann::json(target_ids).dump());
        std::vector<model::AttachedPolicyCount> out;
        while (s.step())
            out.push_back({s.text(0), enum_column<model::api::PolicyType>(s, 1), std::size_t(s.int64(2))});
        return out;
    }

    std::vector<std::pair<std::string, std::string>> delegated_services(
        std::string_view organization_id, std::span<const std::string> account_ids) override {
        if (account_ids.empty()) return {};
        // One lookup per id on delegated_administrators_by_account, which holds every column.
        Statement s(sql_.connection(),
                    "SELECT account_id, service_principal FROM delegated_administrators"
                    " WHERE organization_id = ?1 AND account_id IN (SELECT value FROM json_each(?2))"
                    " ORDER BY account_id, service_principal");
        s.bind(1, organization_id).bind(2, nlohmann::json(account_ids).dump());
        std::vector<std::pair<std::string, std::string>> out;
        while (s.step()) out.emplace_back(s.text(0), s.text(1));
        return out;
    }

private:
    Statements& sql_;
    model::OrganizationRepository& organizations_;
    model::HandshakeRepository& handshakes_;
};

}  // namespace

std::unique_ptr<model::ConsoleRepository> sqlite_console(Statements& statements,
                                                         model::OrganizationRepository& organizations,
                                                         model::HandshakeRepository& handshakes) {
    return std::make_unique<Console>(statements, organizations, handshakes);
}

}  // namespace localorgs::storage
