#include "storage/migrations.hpp"

#include <array>

namespace localorgs::storage {
namespace {

struct Migration {
    int version;
    const char* name;
    const char* sql;
};

// Append only: a released migration never changes; a schema change is a new number.
constexpr std::array kMigrations = {
    Migration{1, "initial", R"sql(
CREATE TABLE accounts (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    name             TEXT NOT NULL,
    seller_of_record TEXT NOT NULL,
    partition        TEXT NOT NULL,
    email_verified   INTEGER NOT NULL,
    organization_id  TEXT,
    parent_id        TEXT,
    joined_method    TEXT,
    joined_ms        INTEGER
) WITHOUT ROWID;
CREATE INDEX accounts_by_organization ON accounts (organization_id, id);
CREATE INDEX accounts_by_parent ON accounts (organization_id, parent_id, id);
CREATE INDEX accounts_by_email ON accounts (email);

CREATE TABLE organizations (
    id                     TEXT PRIMARY KEY,
    management_account_id  TEXT NOT NULL,
    feature_set            TEXT NOT NULL,
    root_id                TEXT NOT NULL,
    created_ms             INTEGER NOT NULL,
    max_accounts           INTEGER NOT NULL,
    invitations_per_day    INTEGER,
    initialization_seconds INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE tags (
    resource_id TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (resource_id, key)
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
    Migration{2, "handshakes", R"sql(
CREATE TABLE handshakes (
    id                    TEXT PRIMARY KEY,
    organization_id       TEXT NOT NULL,
    management_account_id TEXT NOT NULL,
    partition             TEXT NOT NULL,
    action                TEXT NOT NULL,
    state                 TEXT NOT NULL,
    target_type           TEXT NOT NULL,
    target_id             TEXT NOT NULL,
    recipient_account_id  TEXT,
    recipient_email       TEXT,
    notes                 TEXT,
    master_email          TEXT NOT NULL,
    master_name           TEXT NOT NULL,
    feature_set           TEXT NOT NULL,
    parent_handshake_id   TEXT,
    tags                  TEXT NOT NULL,
    requested_ms          INTEGER NOT NULL,
    expiration_ms         INTEGER NOT NULL,
    closed_ms             INTEGER,
    visible_until_ms      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX handshakes_by_organization ON handshakes (organization_id, requested_ms, id);
CREATE INDEX handshakes_by_recipient ON handshakes (recipient_account_id, requested_ms, id);
CREATE INDEX handshakes_by_email ON handshakes (recipient_email, requested_ms, id);
CREATE INDEX handshakes_open ON handshakes (organization_id, state, expiration_ms);

CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    handshake_id TEXT,
    sent_ms      INTEGER NOT NULL
);
CREATE INDEX outbox_by_recipient ON outbox (lower(recipient), seq);

-- Email addresses are case-insensitive: EMAIL invitations resolve through this index.
DROP INDEX accounts_by_email;
CREATE INDEX accounts_by_email ON accounts (lower(email));
)sql"},
    Migration{3, "all features migration", R"sql(
CREATE INDEX handshakes_by_parent ON handshakes (parent_handshake_id);
)sql"},
    // Counting members, open invitations and the day's invitations must not cost a scan per
    // invitation; triggers keep the counts where the rows change.
    Migration{4, "counters", R"sql(
ALTER TABLE organizations ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN open_invitations INTEGER NOT NULL DEFAULT 0;
UPDATE organizations SET
    member_count = (SELECT COUNT(*) FROM accounts a WHERE a.organization_id = organizations.id),
    open_invitations = (SELECT COUNT(*) FROM handshakes h WHERE h.organization_id = organizations.id
                        AND h.action = 'INVITE' AND h.state = 'OPEN');

CREATE TABLE invite_minutes (
    organization_id TEXT NOT NULL,
    minute          INTEGER NOT NULL,
    sent            INTEGER NOT NULL,
    PRIMARY KEY (organization_id, minute)
) WITHOUT ROWID;
INSERT INTO invite_minutes
    SELECT organization_id, requested_ms / 60000, COUNT(*) FROM handshakes WHERE action = 'INVITE' GROUP BY 1, 2;

CREATE TRIGGER account_joined AFTER INSERT ON accounts WHEN NEW.organization_id IS NOT NULL BEGIN
    UPDATE organizations SET member_count = member_count + 1 WHERE id = NEW.organization_id;
END;
CREATE TRIGGER account_moved AFTER UPDATE OF organization_id ON accounts
WHEN OLD.organization_id IS NOT NEW.organization_id BEGIN
    UPDATE organizations SET member_count = member_count - 1 WHERE id = OLD.organization_id;
    UPDATE organizations SET member_count = member_count + 1 WHERE id = NEW.organization_id;
END;
CREATE TRIGGER account_deleted AFTER DELETE ON accounts WHEN OLD.organization_id IS NOT NULL BEGIN
    UPDATE organizations SET member_count = member_count - 1 WHERE id = OLD.organization_id;
END;

CREATE TRIGGER invitation_sent AFTER INSERT ON handshakes WHEN NEW.action = 'INVITE' BEGIN
    UPDATE organizations SET open_invitations = open_invitations + (NEW.state = 'OPEN')
        WHERE id = NEW.organization_id;
    INSERT INTO invite_minutes (organization_id, minute, sent) VALUES (NEW.organization_id, NEW.requested_ms / 60000, 1)
        ON CONFLICT (organization_id, minute) DO UPDATE SET sent = sent + 1;
END;
CREATE TRIGGER invitation_moved AFTER UPDATE OF state ON handshakes
WHEN NEW.action = 'INVITE' AND (OLD.state = 'OPEN') <> (NEW.state = 'OPEN') BEGIN
    UPDATE organizations SET open_invitations = open_invitations + (NEW.state = 'OPEN') - (OLD.state = 'OPEN')
        WHERE id = NEW.organization_id;
END;
CREATE TRIGGER invitation_deleted AFTER DELETE ON handshakes
WHEN OLD.action = 'INVITE' AND OLD.state = 'OPEN' BEGIN
    UPDATE organizations SET open_invitations = open_invitations - 1 WHERE id = OLD.organization_id;
END;
)sql"},
    // Is a migration pending? asked by every invitation: a lookup, not a walk over open invitations.
    Migration{5, "pending handshakes by action", R"sql(
CREATE INDEX handshakes_by_action ON handshakes (organization_id, action, state, expiration_ms);
)sql"},
    // Columns that are mostly NULL (the organization of a standalone account, the email of an
    // ACCOUNT invitation, the parent of a handshake that has none) are left out of their indexes:
    // every NULL entry cost a B-tree insert, at a random place, on every invitation.
    Migration{6, "partial indexes", R"sql(
DROP INDEX accounts_by_organization;
CREATE INDEX accounts_by_organization ON accounts (organization_id, id) WHERE organization_id IS NOT NULL;
DROP INDEX accounts_by_parent;
CREATE INDEX accounts_by_parent ON accounts (organization_id, parent_id, id) WHERE organization_id IS NOT NULL;
DROP INDEX handshakes_by_recipient;
CREATE INDEX handshakes_by_recipient ON handshakes (recipient_account_id, requested_ms, id)
    WHERE recipient_account_id IS NOT NULL;
DROP INDEX handshakes_by_email;
CREATE INDEX handshakes_by_email ON handshakes (recipient_email, requested_ms, id) WHERE recipient_email IS NOT NULL;
DROP INDEX handshakes_by_parent;
CREATE INDEX handshakes_by_parent ON handshakes (parent_handshake_id) WHERE parent_handshake_id IS NOT NULL;
)sql"},
    // The organization's tree. An OU never moves (AWS has no such operation), so its path and
    // depth are written once. Names are unique among siblings; the index is the last word when
    // two creations race. ou_count is kept by triggers, like member_count.
    Migration{7, "organizational units", R"sql(
CREATE TABLE organizational_units (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    parent_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    path            TEXT NOT NULL,
    depth           INTEGER NOT NULL,
    created_ms      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX organizational_units_by_parent ON organizational_units (organization_id, parent_id, id);
CREATE UNIQUE INDEX organizational_units_by_name ON organizational_units (organization_id, parent_id, name);
ALTER TABLE organizations ADD COLUMN max_organizational_units INTEGER NOT NULL DEFAULT 2000;
ALTER TABLE organizations ADD COLUMN ou_count INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER organizational_unit_created AFTER INSERT ON organizational_units BEGIN
    UPDATE organizations SET ou_count = ou_count + 1 WHERE id = NEW.organization_id;
END;
CREATE TRIGGER organizational_unit_deleted AFTER DELETE ON organizational_units BEGIN
    UPDATE organizations SET ou_count = ou_count - 1 WHERE id = OLD.organization_id;
END;
)sql"},
    // Accounts the organization creates (a request each, decided when it is made and in place once
    // its time has come), what a created account lacks to stand alone, and closing accounts.
    Migration{8, "account creation and closure", R"sql(
ALTER TABLE accounts ADD COLUMN role_name TEXT;
ALTER TABLE accounts ADD COLUMN govcloud_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN phone_verified INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN eula_accepted INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN payment_instrument INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN twin_account_id TEXT;
ALTER TABLE accounts ADD COLUMN close_requested_ms INTEGER;
ALTER TABLE accounts ADD COLUMN closed_ms INTEGER;
CREATE INDEX accounts_closing ON accounts (organization_id, close_requested_ms) WHERE close_requested_ms IS NOT NULL;
CREATE INDEX accounts_closed ON accounts (closed_ms) WHERE close_requested_ms IS NOT NULL AND organization_id IS NOT NULL;
ALTER TABLE organizations ADD COLUMN create_account_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN close_account_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN max_concurrent_creations INTEGER NOT NULL DEFAULT 5;
ALTER TABLE organizations ADD COLUMN max_concurrent_closures INTEGER NOT NULL DEFAULT 3;
ALTER TABLE organizations ADD COLUMN closures_per_30_days INTEGER;
CREATE TABLE create_account_requests (
    id                         TEXT PRIMARY KEY,
    organization_id            TEXT NOT NULL,
    account_name               TEXT NOT NULL,
    email                      TEXT NOT NULL,
    role_name                  TEXT NOT NULL,
    iam_user_access_to_billing TEXT NOT NULL,
    tags                       TEXT NOT NULL,
    govcloud                   INTEGER NOT NULL,
    requested_ms               INTEGER NOT NULL,
    completes_ms               INTEGER NOT NULL,
    outcome                    TEXT NOT NULL,
    failure_reason             TEXT,
    account_id                 TEXT,
    gov_cloud_account_id       TEXT,
    settled                    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX create_account_requests_by_organization ON create_account_requests (organization_id, requested_ms, id);
CREATE INDEX create_account_requests_unsettled ON create_account_requests (completes_ms) WHERE settled = 0;
CREATE INDEX create_account_requests_pending_email ON create_account_requests (lower(email)) WHERE settled = 0;
CREATE INDEX create_account_requests_pending_account ON create_account_requests (account_id) WHERE settled = 0;
)sql"},
    // Policies of every type, where they are attached (in the order they were: it decides which
    // of two policies at one level wins), and the policy types enabled in each root.
    Migration{9, "policies", R"sql(
CREATE TABLE policies (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    type            TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL,
    content         TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX policies_by_name ON policies (organization_id, type, name);
CREATE INDEX policies_by_type ON policies (organization_id, type, created_ms, id);
CREATE TABLE policy_attachments (
    seq             INTEGER PRIMARY KEY,
    organization_id TEXT NOT NULL,
    policy_id       TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    type            TEXT NOT NULL,
    attached_ms     INTEGER NOT NULL,
    UNIQUE (organization_id, target_id, policy_id)
);
CREATE INDEX policy_attachments_by_target ON policy_attachments (organization_id, target_id, type, seq);
CREATE INDEX policy_attachments_by_policy ON policy_attachments (organization_id, policy_id, seq);
ALTER TABLE organizations ADD COLUMN enabled_policy_types TEXT NOT NULL DEFAULT '';
-- Organizations from before showed SCPs enabled in their root: they keep them, with FullAWSAccess
-- on the root, every OU and every member, as EnablePolicyType would have left them.
UPDATE organizations SET enabled_policy_types = 'SERVICE_CONTROL_POLICY' WHERE feature_set = 'ALL';
INSERT INTO policy_attachments (organization_id, policy_id, target_id, type, attached_ms)
    SELECT id, 'p-FullAWSAccess', root_id, 'SERVICE_CONTROL_POLICY', created_ms
      FROM organizations WHERE feature_set = 'ALL'
    UNION ALL
    SELECT o.id, 'p-FullAWSAccess', u.id, 'SERVICE_CONTROL_POLICY', u.created_ms
      FROM organizational_units u JOIN organizations o ON o.id = u.organization_id WHERE o.feature_set = 'ALL'
    UNION ALL
    SELECT o.id, 'p-FullAWSAccess', a.id, 'SERVICE_CONTROL_POLICY', o.created_ms
      FROM accounts a JOIN organizations o ON o.id = a.organization_id WHERE o.feature_set = 'ALL';
)sql"},
    // Trusted access, delegated administrators, and the organization's delegation policy.
    Migration{10, "delegation", R"sql(
CREATE TABLE service_access (
    organization_id   TEXT NOT NULL,
    service_principal TEXT NOT NULL,
    enabled_ms        INTEGER NOT NULL,
    PRIMARY KEY (organization_id, service_principal)
) WITHOUT ROWID;
CREATE TABLE delegated_administrators (
    organization_id   TEXT NOT NULL,
    service_principal TEXT NOT NULL,
    account_id        TEXT NOT NULL,
    enabled_ms        INTEGER NOT NULL,
    PRIMARY KEY (organization_id, service_principal, account_id)
) WITHOUT ROWID;
CREATE INDEX delegated_administrators_by_account
    ON delegated_administrators (organization_id, account_id, service_principal);
CREATE TABLE resource_policies (
    organization_id TEXT PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    content         TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    // Responsibility (billing) transfers: one row each from the invitation on, found by either
    // side; the handshake that offers one names it; the organization's transfer quotas.
    Migration{11, "responsibility transfers", R"sql(
CREATE TABLE responsibility_transfers (
    id                     TEXT PRIMARY KEY,
    type                   TEXT NOT NULL,
    name                   TEXT NOT NULL,
    status                 TEXT NOT NULL,
    partition              TEXT NOT NULL,
    target_organization_id TEXT NOT NULL,
    target_account_id      TEXT NOT NULL,
    source_account_id      TEXT,
    recipient_email        TEXT,
    source_organization_id TEXT,
    handshake_id           TEXT NOT NULL,
    requested_ms           INTEGER NOT NULL,
    expiration_ms          INTEGER NOT NULL,
    start_ms               INTEGER NOT NULL,
    end_ms                 INTEGER,
    closed_ms              INTEGER
) WITHOUT ROWID;
CREATE INDEX responsibility_transfers_by_target ON responsibility_transfers (target_organization_id, requested_ms, id);
CREATE INDEX responsibility_transfers_by_source ON responsibility_transfers (source_account_id, requested_ms, id)
    WHERE source_account_id IS NOT NULL;
CREATE INDEX responsibility_transfers_by_email ON responsibility_transfers (recipient_email, requested_ms, id)
    WHERE recipient_email IS NOT NULL;
CREATE INDEX responsibility_transfers_by_source_organization ON responsibility_transfers (source_organization_id)
    WHERE source_organization_id IS NOT NULL;
CREATE INDEX responsibility_transfers_by_handshake ON responsibility_transfers (handshake_id);
ALTER TABLE handshakes ADD COLUMN transfer_id TEXT;
ALTER TABLE handshakes ADD COLUMN transfer_type TEXT;
ALTER TABLE handshakes ADD COLUMN transfer_start_ms INTEGER;
ALTER TABLE organizations ADD COLUMN max_inbound_transfers INTEGER NOT NULL DEFAULT 20;
ALTER TABLE organizations ADD COLUMN max_outbound_transfers INTEGER NOT NULL DEFAULT 1;
ALTER TABLE organizations ADD COLUMN max_transfer_chain_levels INTEGER NOT NULL DEFAULT 2;
ALTER TABLE organizations ADD COLUMN max_transfers_in_chain INTEGER NOT NULL DEFAULT 1000;
)sql"},
    // An organization's inbound transfers counted against its quota on every invitation, from the
    // index alone: what counts (status, expiry, end) is in it, no table row is read.
    Migration{12, "inbound transfers counted on an index", R"sql(
CREATE INDEX responsibility_transfers_by_target_status
    ON responsibility_transfers (target_organization_id, status, expiration_ms, end_ms);
)sql"},
};

}  // namespace

int latest_schema_version() {
    return kMigrations.back().version;
}

int migrate(Connection& conn, int up_to) {
    conn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
    int current = 0;
    {
        Statement q(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        if (q.step()) current = int(q.int64(0));
    }
    if (current > latest_schema_version())
        throw sqlite_error("it was written by a newer localorgs (schema version " + std::to_string(current) +
                           "; this build knows versions up to " + std::to_string(latest_schema_version()) +
                           ")");
    for (const auto& m : kMigrations) {
        if (m.version <= current) continue;
        if (m.version > up_to) break;
        Transaction tx(conn);
        conn.exec(m.sql);
        Statement rec(conn, "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)");
        rec.bind(1, std::int64_t{m.version}).bind(2, m.name).run();
        tx.commit();
        current = m.version;
    }
    return current;
}

}  // namespace localorgs::storage
