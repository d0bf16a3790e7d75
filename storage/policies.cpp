// Policies and where they are attached.
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

#define POLICY_COLUMNS "id, organization_id, type, name, description, content, created_ms, updated_ms"
#define ATTACHMENT_COLUMNS "seq, organization_id, policy_id, target_id, type, attached_ms"

const Query kFindPolicy{"SELECT " POLICY_COLUMNS " FROM policies WHERE id = ?1"};
// (index policies_by_name)
const Query kFindPolicyByName{"SELECT " POLICY_COLUMNS " FROM policies WHERE organization_id = ?1 AND type = ?2"
                              " AND name = ?3"};
const Query kSavePolicy{"INSERT OR REPLACE INTO policies (" POLICY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"};
const Query kDeletePolicy{"DELETE FROM policies WHERE id = ?1"};
// (index policies_by_type, keyset)
const Query kListPolicies{"SELECT " POLICY_COLUMNS " FROM policies WHERE organization_id = ?1 AND type = ?2"
                          " AND (created_ms, id) > (?3, ?4) ORDER BY created_ms, id LIMIT ?5"};
const Query kCountPolicies{"SELECT COUNT(*) FROM policies WHERE organization_id = ?1 AND type = ?2"};

const Query kAttach{"INSERT INTO policy_attachments (organization_id, policy_id, target_id, type, attached_ms)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)"};
const Query kDetach{"DELETE FROM policy_attachments WHERE organization_id = ?1 AND policy_id = ?2 AND target_id = ?3"};
const Query kAttachment{"SELECT " ATTACHMENT_COLUMNS " FROM policy_attachments WHERE organization_id = ?1"
                        " AND policy_id = ?2 AND target_id = ?3"};
// (index policy_attachments_by_target)
const Query kAttachedTo{"SELECT " ATTACHMENT_COLUMNS " FROM policy_attachments WHERE organization_id = ?1"
                        " AND target_id = ?2 AND type = ?3 AND seq > ?4 ORDER BY seq LIMIT ?5"};
const Query kAppliedTo{"SELECT a.seq, a.organization_id, a.policy_id, a.target_id, a.type, a.attached_ms,"
                       " COALESCE(p.content, ''), COALESCE(p.updated_ms, 0) FROM policy_attachments a"
                       " LEFT JOIN policies p ON p.id = a.policy_id WHERE a.organization_id = ?1 AND a.target_id = ?2"
                       " AND a.type = ?3 ORDER BY a.seq"};
const Query kCountAttachedTo{"SELECT COUNT(*) FROM policy_attachments WHERE organization_id = ?1 AND target_id = ?2"
                             " AND type = ?3"};
// (index policy_attachments_by_policy)
const Query kTargetsOf{"SELECT " ATTACHMENT_COLUMNS " FROM policy_attachments WHERE organization_id = ?1"
                       " AND policy_id = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4"};
const Query kDetachType{"DELETE FROM policy_attachments WHERE organization_id = ?1 AND type = ?2"};
const Query kDetachTarget{"DELETE FROM policy_attachments WHERE organization_id = ?1 AND target_id = ?2"};
const Query kRemoveAttachments{"DELETE FROM policy_attachments WHERE organization_id = ?1"};
const Query kRemovePolicies{"DELETE FROM policies WHERE organization_id = ?1"};
const Query kRemovePolicyTags{"DELETE FROM tags WHERE resource_id IN (SELECT id FROM policies WHERE organization_id = ?1)"};

model::PolicyRecord read_policy(const Statement& s) {
    model::PolicyRecord p;
    p.id = s.text(0);
    p.organization_id = s.text(1);
    p.type = enum_column<model::api::PolicyType>(s, 2);
    p.name = s.text(3);
    p.description = s.text(4);
    p.content = s.text(5);
    p.created_ms = s.int64(6);
    p.updated_ms = s.int64(7);
    return p;
}

model::AttachmentRecord read_attachment(const Statement& s) {
    model::AttachmentRecord a;
    a.seq = s.int64(0);
    a.organization_id = s.text(1);
    a.policy_id = s.text(2);
    a.target_id = s.text(3);
    a.type = enum_column<model::api::PolicyType>(s, 4);
    a.attached_ms = s.int64(5);
    return a;
}

class Policies final : public model::PolicyRepository {
public:
    explicit Policies(Statements& sql) : sql_(sql) {}

    std::optional<model::PolicyRecord> find(std::string_view id) override {
        return first_row(sql_(kFindPolicy).bind(1, id), read_policy);
    }
    std::optional<model::PolicyRecord> find_by_name(std::string_view organization_id, model::api::PolicyType type,
                                                    std::string_view name) override {
        auto& s = sql_(kFindPolicyByName).bind(1, organization_id).bind(2, model::api::to_string(type));
        return first_row(s.bind(3, name), read_policy);
    }
    void save(const model::PolicyRecord& p) override {
        auto& s = sql_(kSavePolicy);
        s.bind(1, p.id).bind(2, p.organization_id).bind(3, model::api::to_string(p.type)).bind(4, p.name);
        s.bind(5, p.description).bind(6, p.content).bind(7, p.created_ms).bind(8, p.updated_ms).run();
    }
    void remove(std::string_view id) override { sql_(kDeletePolicy).bind(1, id).run(); }
    std::vector<model::PolicyRecord> list(std::string_view organization_id, model::api::PolicyType type,
                                          model::Millis after_ms, std::string_view after_id,
                                          std::size_t limit) override {
        auto& s = sql_(kListPolicies).bind(1, organization_id).bind(2, model::api::to_string(type));
        s.bind(3, after_ms).bind(4, after_id).bind(5, std::int64_t(limit));
        return all_rows(s, read_policy, limit);
    }
    std::size_t count(std::string_view organization_id, model::api::PolicyType type) override {
        return count_of(sql_(kCountPolicies).bind(1, organization_id).bind(2, model::api::to_string(type)));
    }

    void attach(const model::AttachmentRecord& a) override {
        auto& s = sql_(kAttach).bind(1, a.organization_id).bind(2, a.policy_id).bind(3, a.target_id);
        s.bind(4, model::api::to_string(a.type)).bind(5, a.attached_ms).run();
    }
    void detach(std::string_view organization_id, std::string_view policy_id, std::string_view target_id) override {
        sql_(kDetach).bind(1, organization_id).bind(2, policy_id).bind(3, target_id).run();
    }
    std::optional<model::AttachmentRecord> attachment(std::string_view organization_id, std::string_view policy_id,
                                                      std::string_view target_id) override {
        return first_row(sql_(kAttachment).bind(1, organization_id).bind(2, policy_id).bind(3, target_id),
                         read_attachment);
    }
    std::vector<model::AttachmentRecord> attached_to(std::string_view organization_id, std::string_view target_id,
                                                     model::api::PolicyType type, std::int64_t after_seq,
                                                     std::size_t limit) override {
        auto& s = sql_(kAttachedTo).bind(1, organization_id).bind(2, target_id).bind(3, model::api::to_string(type));
        return all_rows(s.bind(4, after_seq).bind(5, std::int64_t(limit)), read_attachment);
    }
    std::vector<model::AppliedPolicyRecord> applied_to(std::string_view organization_id, std::string_view target_id,
                                                       model::api::PolicyType type) override {
        auto& s = sql_(kAppliedTo).bind(1, organization_id).bind(2, target_id).bind(3, model::api::to_string(type));
        return all_rows(s, [](const Statement& row) {
            return model::AppliedPolicyRecord{read_attachment(row), row.text(6), row.int64(7)};
        });
    }
    std::size_t count_attached_to(std::string_view organization_id, std::string_view target_id,
                                  model::api::PolicyType type) override {
        auto& s = sql_(kCountAttachedTo).bind(1, organization_id).bind(2, target_id);
        return count_of(s.bind(3, model::api::to_string(type)));
    }
    std::vector<model::AttachmentRecord> targets_of(std::string_view organization_id, std::string_view policy_id,
                                                    std::int64_t after_seq, std::size_t limit) override {
        auto& s = sql_(kTargetsOf).bind(1, organization_id).bind(2, policy_id).bind(3, after_seq);
        return all_rows(s.bind(4, std::int64_t(limit)), read_attachment, limit);
    }
    void detach_type(std::string_view organization_id, model::api::PolicyType type) override {
        sql_(kDetachType).bind(1, organization_id).bind(2, model::api::to_string(type)).run();
    }
    void detach_target(std::string_view organization_id, std::string_view target_id) override {
        sql_(kDetachTarget).bind(1, organization_id).bind(2, target_id).run();
    }
    void remove_all(std::string_view organization_id) override {
        sql_(kRemoveAttachments).bind(1, organization_id).run();
        sql_(kRemovePolicyTags).bind(1, organization_id).run();  // the policies' tags go with them
        sql_(kRemovePolicies).bind(1, organization_id).run();
    }

private:
    Statements& sql_;
};

}  // namespace

std::unique_ptr<model::PolicyRepository> sqlite_policies(Statements& statements) {
    return std::make_unique<Policies>(statements);
}

}  // namespace localorgs::storage
