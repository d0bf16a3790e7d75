// What belongs to resources of every kind (tags) and to the emulator itself (outbox, settings).
#include "storage/repository.hpp"

namespace localorgs::storage {
namespace {

const Query kTags{"SELECT key, value FROM tags WHERE resource_id = ?1 ORDER BY key"};
const Query kPutTag{"INSERT OR REPLACE INTO tags (resource_id, key, value) VALUES (?1, ?2, ?3)"};
const Query kDeleteTag{"DELETE FROM tags WHERE resource_id = ?1 AND key = ?2"};
const Query kDeleteAllTags{"DELETE FROM tags WHERE resource_id = ?1"};

const Query kAddMessage{
    "INSERT INTO outbox (id, recipient, subject, body, handshake_id, sent_ms) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6)"};
const Query kAllMessages{
    "SELECT id, recipient, subject, body, handshake_id, sent_ms FROM outbox ORDER BY seq"};
// (index outbox_by_recipient)
const Query kMessagesTo{
    "SELECT id, recipient, subject, body, handshake_id, sent_ms FROM outbox"
    " WHERE lower(recipient) = lower(?1) ORDER BY seq"};
const Query kClearMessages{"DELETE FROM outbox"};

const Query kSetting{"SELECT value FROM settings WHERE key = ?1"};
const Query kSaveSetting{"INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)"};

class Tags final : public model::TagRepository {
public:
    explicit Tags(Statements& sql) : sql_(sql) {}
    std::vector<model::Tag> list(std::string_view resource_id) override {
        return all_rows(sql_(kTags).bind(1, resource_id), [](const Statement& s) {
            return model::Tag{s.text(0), s.text(1)};
        });
    }
    void put(std::string_view resource_id, std::span<const model::Tag> tags) override {
        auto& s = sql_(kPutTag);
        for (const auto& t : tags) s.bind(1, resource_id).bind(2, t.key).bind(3, t.value).run();
    }
    void remove(std::string_view resource_id, std::span<const std::string> keys) override {
        auto& s = sql_(kDeleteTag);
        for (const auto& k : keys) s.bind(1, resource_id).bind(2, k).run();
    }
    void remove_all(std::string_view resource_id) override {
        sql_(kDeleteAllTags).bind(1, resource_id).run();
    }

private:
    Statements& sql_;
};

class Outbox final : public model::OutboxRepository {
public:
    explicit Outbox(Statements& sql) : sql_(sql) {}
    void add(const model::OutboxMessage& m) override {
        auto& s = sql_(kAddMessage);
        s.bind(1, m.id).bind(2, m.to).bind(3, m.subject).bind(4, m.body);
        bind_optional_text(s, 5, m.handshake_id);
        s.bind(6, m.sent_ms).run();
    }
    std::vector<model::OutboxMessage> list(std::string_view to) override {
        auto& s = to.empty() ? sql_(kAllMessages) : sql_(kMessagesTo).bind(1, to);
        return all_rows(s, [](const Statement& r) {
            return model::OutboxMessage{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.int64(5)};
        });
    }
    void clear() override { sql_(kClearMessages).run(); }

private:
    Statements& sql_;
};

class Settings final : public model::SettingRepository {
public:
    explicit Settings(Statements& sql) : sql_(sql) {}
    std::optional<std::string> get(std::string_view key) override {
        return first_row(sql_(kSetting).bind(1, key), [](const Statement& s) { return s.text(0); });
    }
    void save(std::string_view key, std::string_view value) override {
        sql_(kSaveSetting).bind(1, key).bind(2, value).run();
    }

private:
    Statements& sql_;
};

}  // namespace

std::unique_ptr<model::TagRepository> sqlite_tags(Statements& statements) {
    return std::make_unique<Tags>(statements);
}
std::unique_ptr<model::OutboxRepository> sqlite_outbox(Statements& statements) {
    return std::make_unique<Outbox>(statements);
}
std::unique_ptr<model::SettingRepository> sqlite_settings(Statements& statements) {
    return std::make_unique<Settings>(statements);
}

}  // namespace localorgs::storage
