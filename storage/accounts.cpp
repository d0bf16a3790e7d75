// Accounts and organizations: the identity registry, memberships and the organization rows.
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

#define ACCOUNT_COLUMNS                                                                          \
    "id, email, name, seller_of_record, partition, email_verified, organization_id, parent_id, " \
    "joined_method, joined_ms"

const Query kFindAccount{"SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1"};
// (index accounts_by_email)
const Query kFindAccountByEmail{"SELECT " ACCOUNT_COLUMNS
                                " FROM accounts WHERE lower(email) = lower(?1) ORDER BY id LIMIT 1"};
// An upsert, not INSERT OR REPLACE, so the membership triggers see an UPDATE.
const Query kSaveAccount{
    "INSERT INTO accounts (" ACCOUNT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    " ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name,"
    " seller_of_record = excluded.seller_of_record, partition = excluded.partition,"
    " email_verified = excluded.email_verified, organization_id = excluded.organization_id,"
    " parent_id = excluded.parent_id, joined_method = excluded.joined_method, joined_ms = "
    "excluded.joined_ms"};
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

const Query kFindOrganization{
    "SELECT id, management_account_id, feature_set, root_id, created_ms, max_accounts, invitations_per_day,"
    " initialization_seconds, max_organizational_units FROM organizations WHERE id = ?1"};
// An upsert: the counters the triggers keep are not the caller's to overwrite.
const Query kSaveOrganization{
    "INSERT INTO organizations (id, management_account_id, feature_set, root_id, created_ms,"
    " max_accounts, invitations_per_day, initialization_seconds, max_organizational_units)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT (id) DO UPDATE SET management_account_id = excluded.management_account_id,"
    " feature_set = excluded.feature_set, root_id = excluded.root_id, created_ms = excluded.created_ms,"
    " max_accounts = excluded.max_accounts, invitations_per_day = excluded.invitations_per_day,"
    " initialization_seconds = excluded.initialization_seconds,"
    " max_organizational_units = excluded.max_organizational_units"};
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
