// Organizational units: the organization's tree below its root.
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

#define OU_COLUMNS "id, organization_id, parent_id, name, path, depth, created_ms"

const Query kFindOu{"SELECT " OU_COLUMNS " FROM organizational_units WHERE id = ?1"};
// (index organizational_units_by_name)
const Query kFindOuByName{"SELECT " OU_COLUMNS
                          " FROM organizational_units"
                          " WHERE organization_id = ?1 AND parent_id = ?2 AND name = ?3"};
// Only the name of an OU changes once it exists.
const Query kSaveOu{"INSERT INTO organizational_units (" OU_COLUMNS
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name"};
const Query kDeleteOu{"DELETE FROM organizational_units WHERE id = ?1"};
// (index organizational_units_by_parent, keyset)
const Query kChildOus{"SELECT " OU_COLUMNS
                      " FROM organizational_units"
                      " WHERE organization_id = ?1 AND parent_id = ?2 AND id > ?3 ORDER BY id LIMIT ?4"};
// Kept by triggers (migration 7).
const Query kCountOus{"SELECT ou_count FROM organizations WHERE id = ?1"};

model::OrganizationalUnitRecord read_ou(const Statement& s) {
    model::OrganizationalUnitRecord ou;
    ou.id = s.text(0);
    ou.organization_id = s.text(1);
    ou.parent_id = s.text(2);
    ou.name = s.text(3);
    ou.path = s.text(4);
    ou.depth = int(s.int64(5));
    ou.created_ms = s.int64(6);
    return ou;
}

class OrganizationalUnits final : public model::OrganizationalUnitRepository {
public:
    explicit OrganizationalUnits(Statements& sql) : sql_(sql) {}

    std::optional<model::OrganizationalUnitRecord> find(std::string_view id) override {
        return first_row(sql_(kFindOu).bind(1, id), read_ou);
    }
    std::optional<model::OrganizationalUnitRecord> find_by_name(std::string_view organization_id,
                                                                std::string_view parent_id,
                                                                std::string_view name) override {
        return first_row(sql_(kFindOuByName).bind(1, organization_id).bind(2, parent_id).bind(3, name),
                         read_ou);
    }
    void save(const model::OrganizationalUnitRecord& ou) override {
        auto& s = sql_(kSaveOu);
        s.bind(1, ou.id).bind(2, ou.organization_id).bind(3, ou.parent_id).bind(4, ou.name).bind(5, ou.path);
        s.bind(6, std::int64_t{ou.depth}).bind(7, ou.created_ms).run();
    }
    void remove(std::string_view id) override { sql_(kDeleteOu).bind(1, id).run(); }
    std::vector<model::OrganizationalUnitRecord> children(std::string_view organization_id,
                                                          std::string_view parent_id,
                                                          std::string_view after_id,
                                                          std::size_t limit) override {
        auto& s = sql_(kChildOus).bind(1, organization_id).bind(2, parent_id).bind(3, after_id);
        return all_rows(s.bind(4, std::int64_t(limit)), read_ou, limit);
    }
    std::size_t count(std::string_view organization_id) override {
        return count_of(sql_(kCountOus).bind(1, organization_id));
    }

private:
    Statements& sql_;
};

}  // namespace

std::unique_ptr<model::OrganizationalUnitRepository> sqlite_organizational_units(Statements& statements) {
    return std::make_unique<OrganizationalUnits>(statements);
}

}  // namespace localorgs::storage
