// Trusted access, delegated administrators and the delegation (resource) policy.
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

const Query kFindService{"SELECT organization_id, service_principal, enabled_ms FROM service_access"
                         " WHERE organization_id = ?1 AND service_principal = ?2"};
const Query kSaveService{"INSERT OR REPLACE INTO service_access (organization_id, service_principal, enabled_ms)"
                         " VALUES (?1, ?2, ?3)"};
const Query kDeleteService{"DELETE FROM service_access WHERE organization_id = ?1 AND service_principal = ?2"};
// (primary key, keyset)
const Query kListServices{"SELECT organization_id, service_principal, enabled_ms FROM service_access"
                          " WHERE organization_id = ?1 AND service_principal > ?2 ORDER BY service_principal LIMIT ?3"};

#define ADMIN_COLUMNS "organization_id, account_id, service_principal, enabled_ms"
const Query kFindAdmin{"SELECT " ADMIN_COLUMNS " FROM delegated_administrators WHERE organization_id = ?1"
                       " AND service_principal = ?2 AND account_id = ?3"};
const Query kSaveAdmin{"INSERT OR REPLACE INTO delegated_administrators (" ADMIN_COLUMNS ") VALUES (?1, ?2, ?3, ?4)"};
const Query kDeleteAdmin{"DELETE FROM delegated_administrators WHERE organization_id = ?1 AND account_id = ?2"
                         " AND service_principal = ?3"};
// (index delegated_administrators_by_account)
const Query kIsAdmin{"SELECT 1 FROM delegated_administrators WHERE organization_id = ?1 AND account_id = ?2 LIMIT 1"};
// (primary key)
const Query kCountAdmins{"SELECT COUNT(*) FROM delegated_administrators WHERE organization_id = ?1"
                         " AND service_principal = ?2"};
const Query kAdminsOfService{"SELECT " ADMIN_COLUMNS " FROM delegated_administrators WHERE organization_id = ?1"
                             " AND service_principal = ?2 AND account_id > ?3 ORDER BY account_id LIMIT ?4"};
// (index delegated_administrators_by_account: one group per account, in account order)
const Query kAdmins{"SELECT organization_id, account_id, MIN(service_principal), MIN(enabled_ms)"
                    " FROM delegated_administrators WHERE organization_id = ?1 AND account_id > ?2"
                    " GROUP BY account_id ORDER BY account_id LIMIT ?3"};
const Query kServicesOf{"SELECT " ADMIN_COLUMNS " FROM delegated_administrators WHERE organization_id = ?1"
                        " AND account_id = ?2 AND service_principal > ?3 ORDER BY service_principal LIMIT ?4"};
const Query kForgetAccount{"DELETE FROM delegated_administrators WHERE organization_id = ?1 AND account_id = ?2"};

const Query kFindResourcePolicy{"SELECT id, organization_id, content, created_ms, updated_ms FROM resource_policies"
                                " WHERE organization_id = ?1"};
const Query kSaveResourcePolicy{"INSERT OR REPLACE INTO resource_policies"
                                " (id, organization_id, content, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5)"};
const Query kDeleteResourcePolicy{"DELETE FROM resource_policies WHERE organization_id = ?1"};
const Query kRemoveResourcePolicyTags{"DELETE FROM tags WHERE resource_id IN"
                                      " (SELECT id FROM resource_policies WHERE organization_id = ?1)"};
const Query kRemoveServices{"DELETE FROM service_access WHERE organization_id = ?1"};
const Query kRemoveAdmins{"DELETE FROM delegated_administrators WHERE organization_id = ?1"};

model::ServiceAccessRecord read_service(const Statement& s) {
    return {s.text(0), s.text(1), s.int64(2)};
}
model::DelegatedAdministratorRecord read_admin(const Statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.int64(3)};
}
model::ResourcePolicyRecord read_resource_policy(const Statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.int64(3), s.int64(4)};
}

class Delegation final : public model::DelegationRepository {
public:
    explicit Delegation(Statements& sql) : sql_(sql) {}

    std::optional<model::ServiceAccessRecord> service_access(std::string_view organization_id,
                                                             std::string_view service_principal) override {
        return first_row(sql_(kFindService).bind(1, organization_id).bind(2, service_principal), read_service);
    }
    void enable_service(const model::ServiceAccessRecord& a) override {
        sql_(kSaveService).bind(1, a.organization_id).bind(2, a.service_principal).bind(3, a.enabled_ms).run();
    }
    void disable_service(std::string_view organization_id, std::string_view service_principal) override {
        sql_(kDeleteService).bind(1, organization_id).bind(2, service_principal).run();
    }
    std::vector<model::ServiceAccessRecord> services(std::string_view organization_id, std::string_view after,
                                                     std::size_t limit) override {
        auto& s = sql_(kListServices).bind(1, organization_id).bind(2, after).bind(3, std::int64_t(limit));
        return all_rows(s, read_service, limit);
    }

    std::optional<model::DelegatedAdministratorRecord> registration(std::string_view organization_id,
                                                                    std::string_view account_id,
                                                                    std::string_view service_principal) override {
        auto& s = sql_(kFindAdmin).bind(1, organization_id).bind(2, service_principal).bind(3, account_id);
        return first_row(s, read_admin);
    }
    void register_administrator(const model::DelegatedAdministratorRecord& r) override {
        auto& s = sql_(kSaveAdmin).bind(1, r.organization_id).bind(2, r.account_id).bind(3, r.service_principal);
        s.bind(4, r.enabled_ms).run();
    }
    void deregister_administrator(std::string_view organization_id, std::string_view account_id,
                                  std::string_view service_principal) override {
        sql_(kDeleteAdmin).bind(1, organization_id).bind(2, account_id).bind(3, service_principal).run();
    }
    bool is_administrator(std::string_view organization_id, std::string_view account_id) override {
        return count_of(sql_(kIsAdmin).bind(1, organization_id).bind(2, account_id)) > 0;
    }
    std::size_t count_administrators(std::string_view organization_id, std::string_view service_principal) override {
        return count_of(sql_(kCountAdmins).bind(1, organization_id).bind(2, service_principal));
    }
    std::vector<model::DelegatedAdministratorRecord> administrators(std::string_view organization_id,
                                                                    std::string_view service_principal,
                                                                    std::string_view after,
                                                                    std::size_t limit) override {
        if (service_principal.empty()) {
            auto& s = sql_(kAdmins).bind(1, organization_id).bind(2, after).bind(3, std::int64_t(limit));
            return all_rows(s, read_admin, limit);
        }
        auto& s = sql_(kAdminsOfService).bind(1, organization_id).bind(2, service_principal).bind(3, after);
        return all_rows(s.bind(4, std::int64_t(limit)), read_admin, limit);
    }
    std::vector<model::DelegatedAdministratorRecord> services_of(std::string_view organization_id,
                                                                 std::string_view account_id, std::string_view after,
                                                                 std::size_t limit) override {
        auto& s = sql_(kServicesOf).bind(1, organization_id).bind(2, account_id).bind(3, after);
        return all_rows(s.bind(4, std::int64_t(limit)), read_admin, limit);
    }
    void forget_account(std::string_view organization_id, std::string_view account_id) override {
        sql_(kForgetAccount).bind(1, organization_id).bind(2, account_id).run();
    }

    std::optional<model::ResourcePolicyRecord> resource_policy(std::string_view organization_id) override {
        return first_row(sql_(kFindResourcePolicy).bind(1, organization_id), read_resource_policy);
    }
    void save_resource_policy(const model::ResourcePolicyRecord& p) override {
        auto& s = sql_(kSaveResourcePolicy).bind(1, p.id).bind(2, p.organization_id).bind(3, p.content);
        s.bind(4, p.created_ms).bind(5, p.updated_ms).run();
    }
    void remove_resource_policy(std::string_view organization_id) override {
        sql_(kDeleteResourcePolicy).bind(1, organization_id).run();
    }

    void remove_all(std::string_view organization_id) override {
        sql_(kRemoveResourcePolicyTags).bind(1, organization_id).run();
        sql_(kDeleteResourcePolicy).bind(1, organization_id).run();
        sql_(kRemoveAdmins).bind(1, organization_id).run();
        sql_(kRemoveServices).bind(1, organization_id).run();
    }

private:
    Statements& sql_;
};

}  // namespace

std::unique_ptr<model::DelegationRepository> sqlite_delegation(Statements& statements) {
    return std::make_unique<Delegation>(statements);
}

}  // namespace localorgs::storage
