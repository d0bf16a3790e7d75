// CreateAccount and CreateGovCloudAccount requests.
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

#define REQUEST_COLUMNS                                                                                \
    "id, organization_id, account_name, email, role_name, iam_user_access_to_billing, tags, govcloud," \
    " requested_ms, completes_ms, outcome, failure_reason, account_id, gov_cloud_account_id, settled"

const Query kFindRequest{"SELECT " REQUEST_COLUMNS " FROM create_account_requests WHERE id = ?1"};
const Query kSaveRequest{"INSERT OR REPLACE INTO create_account_requests (" REQUEST_COLUMNS
                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"};
// (index create_account_requests_by_organization, keyset)
const Query kListRequests{"SELECT " REQUEST_COLUMNS
                          " FROM create_account_requests WHERE organization_id = ?1"
                          " AND (requested_ms, id) > (?2, ?3) ORDER BY requested_ms, id LIMIT ?4"};
// (index create_account_requests_unsettled: empty but for requests still to take effect)
const Query kDueRequests{"SELECT " REQUEST_COLUMNS
                         " FROM create_account_requests WHERE settled = 0"
                         " AND completes_ms <= ?1 ORDER BY completes_ms, id LIMIT ?2"};
const Query kCountInProgress{
    "SELECT COUNT(*) FROM create_account_requests WHERE settled = 0 AND completes_ms > ?2"
    " AND organization_id = ?1"};
// (index create_account_requests_pending_email)
const Query kPendingEmail{
    "SELECT 1 FROM create_account_requests WHERE settled = 0 AND lower(email) = lower(?1)"
    " AND outcome = 'SUCCEEDED' LIMIT 1"};
// (index create_account_requests_pending_account)
const Query kPendingAccount{
    "SELECT 1 FROM create_account_requests WHERE settled = 0 AND account_id = ?1 LIMIT 1"};

model::CreateAccountRequestRecord read_request(const Statement& s) {
    model::CreateAccountRequestRecord r;
    r.id = s.text(0);
    r.organization_id = s.text(1);
    r.account_name = s.text(2);
    r.email = s.text(3);
    r.role_name = s.text(4);
    r.iam_user_access_to_billing = enum_column<model::api::IAMUserAccessToBilling>(s, 5);
    r.tags = tags_from_text(s.text_view(6));
    r.govcloud = s.int64(7) != 0;
    r.requested_ms = s.int64(8);
    r.completes_ms = s.int64(9);
    r.outcome = enum_column<model::api::CreateAccountState>(s, 10);
    if (!s.is_null(11)) r.failure_reason = enum_column<model::api::CreateAccountFailureReason>(s, 11);
    r.account_id = s.text(12);
    r.gov_cloud_account_id = s.text(13);
    r.settled = s.int64(14) != 0;
    return r;
}

class CreateAccountRequests final : public model::CreateAccountRequestRepository {
public:
    explicit CreateAccountRequests(Statements& sql) : sql_(sql) {}

    std::optional<model::CreateAccountRequestRecord> find(std::string_view id) override {
        return first_row(sql_(kFindRequest).bind(1, id), read_request);
    }
    void save(const model::CreateAccountRequestRecord& r) override {
        auto& s = sql_(kSaveRequest);
        s.bind(1, r.id)
            .bind(2, r.organization_id)
            .bind(3, r.account_name)
            .bind(4, r.email)
            .bind(5, r.role_name);
        s.bind(6, model::api::to_string(r.iam_user_access_to_billing)).bind(7, tags_to_text(r.tags));
        s.bind(8, std::int64_t{r.govcloud}).bind(9, r.requested_ms).bind(10, r.completes_ms);
        s.bind(11, model::api::to_string(r.outcome));
        bind_optional_text(s, 12, r.failure_reason ? model::api::to_string(*r.failure_reason) : "");
        bind_optional_text(s, 13, r.account_id);
        bind_optional_text(s, 14, r.gov_cloud_account_id);
        s.bind(15, std::int64_t{r.settled}).run();
    }
    std::vector<model::CreateAccountRequestRecord> list(std::string_view organization_id,
                                                        model::Millis after_requested_ms,
                                                        std::string_view after_id,
                                                        std::size_t limit) override {
        auto& s = sql_(kListRequests).bind(1, organization_id).bind(2, after_requested_ms).bind(3, after_id);
        return all_rows(s.bind(4, std::int64_t(limit)), read_request, limit);
    }
    std::vector<model::CreateAccountRequestRecord> due(model::Millis now, std::size_t limit) override {
        return all_rows(sql_(kDueRequests).bind(1, now).bind(2, std::int64_t(limit)), read_request);
    }
    std::size_t count_in_progress(std::string_view organization_id, model::Millis now) override {
        return count_of(sql_(kCountInProgress).bind(1, organization_id).bind(2, now));
    }
    bool pending_email(std::string_view email) override {
        return count_of(sql_(kPendingEmail).bind(1, email)) > 0;
    }
    bool pending_account(std::string_view account_id) override {
        return count_of(sql_(kPendingAccount).bind(1, account_id)) > 0;
    }

private:
    Statements& sql_;
};

}  // namespace

std::unique_ptr<model::CreateAccountRequestRepository> sqlite_create_account_requests(
    Statements& statements) {
    return std::make_unique<CreateAccountRequests>(statements);
}

}  // namespace localorgs::storage
