// Accounts and organizations: the identity registry, memberships and the organization rows.
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

#define ACCOUNT_COLUMNS                                                                         \
    "id, email, name, seller_of_record, partition, email_verified, organization_id, parent_id," \
    " joined_method, joined_ms, role_name, phone_verified, eula_accepted, payment_instrument,"  \
    " govcloud_enabled, twin_account_id, close_requested_ms, closed_ms"

const Query kFindAccount{"SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1"};
// (index accounts_by_email) The commercial account first: a GovCloud twin shares its address.
const Query kFindAccountByEmail{"SELECT " ACCOUNT_COLUMNS
                                " FROM accounts WHERE lower(email) = lower(?1)"
                                " ORDER BY partition = 'aws-us-gov', id LIMIT 1"};
// An upsert, not INSERT OR REPLACE, so the membership triggers see an UPDATE.
const Query kSaveAccount{
    "INSERT INTO accounts (" ACCOUNT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
    " ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name,"
    " seller_of_record = excluded.seller_of_record, partition = excluded.partition,"
    " email_verified = excluded.email_verified, organization_id = excluded.organization_id,"
    " parent_id = excluded.parent_id, joined_method = excluded.joined_method, joined_ms = excluded.joined_ms,"
    " role_name = excluded.role_name, phone_verified = excluded.phone_verified,"
    " eula_accepted = excluded.eula_accepted, payment_instrument = excluded.payment_instrument,"
    " govcloud_enabled = excluded.govcloud_enabled, twin_account_id = excluded.twin_account_id,"
    " close_requested_ms = excluded.close_requested_ms, closed_ms = excluded.closed_ms"};
const Query kAllAccounts{"SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY id"};
// (index accounts_by_organization)
const Query kMembers{"SELECT " ACCOUNT_COLUMNS
                     " FROM accounts WHERE organization_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"};
// (index accounts_by_parent)
const Query kMembersOfParent{"SELECT " ACCOUNT_COLUMNS
                             " FROM accounts WHERE organization_id = ?1 AND parent_id = ?4 AND id > ?2"
                             " ORDER BY id LIMIT ?3"};
// Kept by triggers (migration 4).
const Query kCountMembers{"SELECT member_count FROM organizations WHERE id = ?1"};
// (index accounts_closing)
const Query kCountClosuresSince{
    "SELECT COUNT(*) FROM accounts WHERE organization_id = ?1"
    " AND close_requested_ms IS NOT NULL AND close_requested_ms > ?2"};
const Query kCountClosing{
    "SELECT COUNT(*) FROM accounts WHERE organization_id = ?1"
    " AND close_requested_ms IS NOT NULL AND closed_ms > ?2"};
// (index accounts_closed)
const Query kClosedBefore{"SELECT " ACCOUNT_COLUMNS
                          " FROM accounts WHERE close_requested_ms IS NOT NULL"
                          " AND organization_id IS NOT NULL AND closed_ms <= ?1 ORDER BY closed_ms LIMIT ?2"};

const Query kFindOrganization{
    "SELECT id, management_account_id, feature_set, root_id, created_ms, max_accounts, invitations_per_day,"
    " initialization_seconds, max_organizational_units, create_account_seconds, close_account_seconds,"
    " max_concurrent_creations, max_concurrent_closures, closures_per_30_days, enabled_policy_types,"
    " max_inbound_transfers, max_outbound_transfers, max_transfer_chain_levels, max_transfers_in_chain"
    " FROM organizations WHERE id = ?1"};
// An upsert: the counters the triggers keep are not the caller's to overwrite.
const Query kSaveOrganization{
    "INSERT INTO organizations (id, management_account_id, feature_set, root_id, created_ms,"
    " max_accounts, invitations_per_day, initialization_seconds, max_organizational_units,"
    " create_account_seconds, close_account_seconds, max_concurrent_creations, max_concurrent_closures,"
    " closures_per_30_days, enabled_policy_types, max_inbound_transfers, max_outbound_transfers,"
    " max_transfer_chain_levels, max_transfers_in_chain)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
    " ON CONFLICT (id) DO UPDATE SET management_account_id = excluded.management_account_id,"
    " feature_set = excluded.feature_set, root_id = excluded.root_id, created_ms = excluded.created_ms,"
    " max_accounts = excluded.max_accounts, invitations_per_day = excluded.invitations_per_day,"
    " initialization_seconds = excluded.initialization_seconds,"
    " max_organizational_units = excluded.max_organizational_units,"
    " create_account_seconds = excluded.create_account_seconds,"
    " close_account_seconds = excluded.close_account_seconds,"
    " max_concurrent_creations = excluded.max_concurrent_creations,"
    " max_concurrent_closures = excluded.max_concurrent_closures,"
    " closures_per_30_days = excluded.closures_per_30_days,"
    " enabled_policy_types = excluded.enabled_policy_types,"
    " max_inbound_transfers = excluded.max_inbound_transfers,"
    " max_outbound_transfers = excluded.max_outbound_transfers,"
    " max_transfer_chain_levels = excluded.max_transfer_chain_levels,"
    " max_transfers_in_chain = excluded.max_transfers_in_chain"};
const Query kDeleteOrganization{"DELETE FROM organizations WHERE id = ?1"};

model::AccountRecord read_account(const Statement& s) {
    model::AccountRecord a;
    a.id = s.text(0);
    a.email = s.text(1);
    a.name = s.text(2);
    a.seller_of_record = s.text(3);
    a.partition = s.text(4);
    a.email_verified = s.int64(5) != 0;
    a.organization_id = s.text(6);
    a.parent_id = s.text(7);
    if (!s.is_null(8)) a.joined_method = enum_column<model::api::AccountJoinedMethod>(s, 8);
    a.joined_ms = s.int64(9);
    a.role_name = s.text(10);
    a.phone_verified = s.int64(11) != 0;
    a.eula_accepted = s.int64(12) != 0;
    a.payment_instrument = s.int64(13) != 0;
    a.govcloud_enabled = s.int64(14) != 0;
    a.twin_account_id = s.text(15);
    a.close_requested_ms = s.is_null(16) ? 0 : s.int64(16);
    a.closed_ms = s.is_null(17) ? 0 : s.int64(17);
    return a;
}

class Accounts final : public model::AccountRepository {
public:
    explicit Accounts(Statements& sql) : sql_(sql) {}

    std::optional<model::AccountRecord> find(std::string_view id) override {
        return first_row(sql_(kFindAccount).bind(1, id), read_account);
    }
    std::optional<model::AccountRecord> find_by_email(std::string_view email) override {
        return first_row(sql_(kFindAccountByEmail).bind(1, email), read_account);
    }
    void save(const model::AccountRecord& a) override {
        auto& s = sql_(kSaveAccount);
        s.bind(1, a.id).bind(2, a.email).bind(3, a.name).bind(4, a.seller_of_record).bind(5, a.partition);
        s.bind(6, std::int64_t{a.email_verified});
        bind_optional_text(s, 7, a.organization_id);
        bind_optional_text(s, 8, a.parent_id);
        bind_optional_text(s, 9, a.joined_method ? model::api::to_string(*a.joined_method) : "");
        if (a.standalone())
            s.bind_null(10);
        else
            s.bind(10, a.joined_ms);
        bind_optional_text(s, 11, a.role_name);
        s.bind(12, std::int64_t{a.phone_verified}).bind(13, std::int64_t{a.eula_accepted});
        s.bind(14, std::int64_t{a.payment_instrument}).bind(15, std::int64_t{a.govcloud_enabled});
        bind_optional_text(s, 16, a.twin_account_id);
        if (a.close_requested_ms) {
            s.bind(17, a.close_requested_ms).bind(18, a.closed_ms);
        } else {
            s.bind_null(17).bind_null(18);
        }
        s.run();
    }
    std::vector<model::AccountRecord> all() override { return all_rows(sql_(kAllAccounts), read_account); }
    std::vector<model::AccountRecord> members(std::string_view organization_id, std::string_view parent_id,
                                              std::string_view after_id, std::size_t limit) override {
        auto& s = sql_(parent_id.empty() ? kMembers : kMembersOfParent);
        s.bind(1, organization_id).bind(2, after_id).bind(3, std::int64_t(limit));
        if (!parent_id.empty()) s.bind(4, parent_id);
        return all_rows(s, read_account, limit);
    }
    std::size_t count_members(std::string_view organization_id) override {
        return count_of(sql_(kCountMembers).bind(1, organization_id));
    }
    std::size_t count_closures_since(std::string_view organization_id, model::Millis since) override {
        return count_of(sql_(kCountClosuresSince).bind(1, organization_id).bind(2, since));
    }
    std::size_t count_closing(std::string_view organization_id, model::Millis now) override {
        return count_of(sql_(kCountClosing).bind(1, organization_id).bind(2, now));
    }
    std::vector<model::AccountRecord> closed_before(model::Millis before, std::size_t limit) override {
        return all_rows(sql_(kClosedBefore).bind(1, before).bind(2, std::int64_t(limit)), read_account);
    }

private:
    Statements& sql_;
};

class Organizations final : public model::OrganizationRepository {
public:
    explicit Organizations(Statements& sql) : sql_(sql) {}

    std::optional<model::OrganizationRecord> find(std::string_view id) override {
        return first_row(sql_(kFindOrganization).bind(1, id), [](const Statement& s) {
            model::OrganizationRecord o;
            o.id = s.text(0);
            o.management_account_id = s.text(1);
            o.feature_set = enum_column<model::api::OrganizationFeatureSet>(s, 2);
            o.root_id = s.text(3);
            o.created_ms = s.int64(4);
            o.quotas.max_accounts = int(s.int64(5));
            if (!s.is_null(6)) o.quotas.invitations_per_day = int(s.int64(6));
            o.quotas.initialization_seconds = int(s.int64(7));
            o.quotas.max_organizational_units = int(s.int64(8));
            o.quotas.create_account_seconds = int(s.int64(9));
            o.quotas.close_account_seconds = int(s.int64(10));
            o.quotas.max_concurrent_creations = int(s.int64(11));
            o.quotas.max_concurrent_closures = int(s.int64(12));
            if (!s.is_null(13)) o.quotas.closures_per_30_days = int(s.int64(13));
            // The enabled policy types, comma-separated, in the order they were enabled.
            std::string_view types = s.text_view(14);
            while (!types.empty()) {
                const auto comma = types.find(',');
                if (auto t = model::api::parse_enum<model::api::PolicyType>(types.substr(0, comma)))
                    o.enabled_policy_types.push_back(*t);
                types.remove_prefix(comma == std::string_view::npos ? types.size() : comma + 1);
            }
            o.quotas.max_inbound_transfers = int(s.int64(15));
            o.quotas.max_outbound_transfers = int(s.int64(16));
            o.quotas.max_transfer_chain_levels = int(s.int64(17));
            o.quotas.max_transfers_in_chain = int(s.int64(18));
            return o;
        });
    }
    void save(const model::OrganizationRecord& o) override {
        auto& s = sql_(kSaveOrganization);
        s.bind(1, o.id)
            .bind(2, o.management_account_id)
            .bind(3, model::api::to_string(o.feature_set))
            .bind(4, o.root_id);
        s.bind(5, o.created_ms).bind(6, std::int64_t{o.quotas.max_accounts});
        if (o.quotas.invitations_per_day)
            s.bind(7, std::int64_t{*o.quotas.invitations_per_day});
        else
            s.bind_null(7);
        s.bind(8, std::int64_t{o.quotas.initialization_seconds});
        s.bind(9, std::int64_t{o.quotas.max_organizational_units});
        s.bind(10, std::int64_t{o.quotas.create_account_seconds})
            .bind(11, std::int64_t{o.quotas.close_account_seconds});
        s.bind(12, std::int64_t{o.quotas.max_concurrent_creations});
        s.bind(13, std::int64_t{o.quotas.max_concurrent_closures});
        s.bind(14, o.quotas.closures_per_30_days ? std::optional<std::int64_t>(*o.quotas.closures_per_30_days)
                                                 : std::nullopt);
        std::string types;
        for (auto t : o.enabled_policy_types) {
            if (!types.empty()) types += ',';
            types += model::api::to_string(t);
        }
        s.bind(15, types);
        s.bind(16, std::int64_t{o.quotas.max_inbound_transfers});
        s.bind(17, std::int64_t{o.quotas.max_outbound_transfers});
        s.bind(18, std::int64_t{o.quotas.max_transfer_chain_levels});
        s.bind(19, std::int64_t{o.quotas.max_transfers_in_chain});
        s.run();
    }
    void remove(std::string_view id) override { sql_(kDeleteOrganization).bind(1, id).run(); }

private:
    Statements& sql_;
};

}  // namespace

std::unique_ptr<model::AccountRepository> sqlite_accounts(Statements& statements) {
    return std::make_unique<Accounts>(statements);
}
std::unique_ptr<model::OrganizationRepository> sqlite_organizations(Statements& statements) {
    return std::make_unique<Organizations>(statements);
}

}  // namespace localorgs::storage
