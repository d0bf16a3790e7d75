#pragma once
// An in-memory Repository and Store for model tests: plain maps, and a transaction that restores
// a snapshot when the work throws, like the SQLite store's rollback.
#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "model/repository.hpp"

namespace localorgs::testing {

class MemoryRepository final : public model::Repository {
public:
    std::optional<model::AccountRecord> find_account(std::string_view id) override {
        auto it = accounts.find(std::string(id));
        if (it == accounts.end()) return std::nullopt;
        return it->second;
    }
    std::optional<model::AccountRecord> find_account_by_email(std::string_view email) override {
        for (const auto& [_, a] : accounts)
            if (same_email(a.email, email)) return a;
        return std::nullopt;
    }
    static bool same_email(std::string_view a, std::string_view b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                          [](char x, char y) { return std::tolower((unsigned char)x) == std::tolower((unsigned char)y); });
    }
    void save_account(const model::AccountRecord& a) override { accounts[a.id] = a; }
    std::vector<model::AccountRecord> all_accounts() override {
        std::vector<model::AccountRecord> out;
        for (const auto& [_, a] : accounts) out.push_back(a);
        return out;
    }
    std::vector<model::AccountRecord> members(std::string_view org, std::string_view parent, std::string_view after,
                                              std::size_t limit) override {
        std::vector<model::AccountRecord> out;
        for (auto it = accounts.upper_bound(std::string(after)); it != accounts.end() && out.size() < limit; ++it)
            if (it->second.organization_id == org && (parent.empty() || it->second.parent_id == parent))
                out.push_back(it->second);
        return out;
    }
    std::size_t count_members(std::string_view org) override {
        std::size_t n = 0;
        for (const auto& [_, a] : accounts) n += a.organization_id == org;
        return n;
    }
    std::optional<model::OrganizationRecord> find_organization(std::string_view id) override {
        auto it = organizations.find(std::string(id));
        if (it == organizations.end()) return std::nullopt;
        return it->second;
    }
    void save_organization(const model::OrganizationRecord& o) override { organizations[o.id] = o; }
    void delete_organization(std::string_view id) override { organizations.erase(std::string(id)); }
    std::vector<model::Tag> tags(std::string_view resource) override {
        std::vector<model::Tag> out;
        for (const auto& [k, v] : tag_map[std::string(resource)]) out.push_back({k, v});
        return out;
    }
    void put_tags(std::string_view resource, std::span<const model::Tag> tags) override {
        for (const auto& t : tags) tag_map[std::string(resource)][t.key] = t.value;
    }
    void delete_tags(std::string_view resource, std::span<const std::string> keys) override {
        for (const auto& k : keys) tag_map[std::string(resource)].erase(k);
    }
    void delete_all_tags(std::string_view resource) override { tag_map.erase(std::string(resource)); }
    std::optional<model::HandshakeRecord> find_handshake(std::string_view id) override {
        auto it = handshakes.find(std::string(id));
        if (it == handshakes.end()) return std::nullopt;
        return it->second;
    }
    void save_handshake(const model::HandshakeRecord& h) override { handshakes[h.id] = h; }
    std::vector<model::HandshakeRecord> list_handshakes(const model::HandshakeQuery& q) override {
        std::vector<model::HandshakeRecord> out;
        for (const auto& [_, h] : handshakes) {
            bool mine = q.organization_id.empty()
                            ? ((!q.recipient_account_id.empty() && h.recipient_account_id == q.recipient_account_id) ||
                               (!q.recipient_email.empty() && h.recipient_email == q.recipient_email))
                            : h.organization_id == q.organization_id;
            if (!mine || h.visible_until_ms() <= q.visible_at) continue;
            if (std::tie(h.requested_ms, h.id) <= std::tie(q.after_requested_ms, q.after_id)) continue;
            if (!q.action.empty() && h.action != q.action) continue;
            if (!q.parent_handshake_id.empty() && h.parent_handshake_id != q.parent_handshake_id) continue;
            out.push_back(h);
        }
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return std::tie(a.requested_ms, a.id) < std::tie(b.requested_ms, b.id); });
        if (out.size() > q.limit) out.resize(q.limit);
        return out;
    }
    std::optional<model::HandshakeRecord> find_open_invitation(std::string_view org, std::string_view account,
                                                               std::string_view email, model::Millis now) override {
        for (const auto& [_, h] : handshakes)
            if (h.organization_id == org && h.action == "INVITE" && h.state == "OPEN" && h.expiration_ms > now &&
                ((!account.empty() && h.recipient_account_id == account) ||
                 (!email.empty() && h.recipient_email == email)))
                return h;
        return std::nullopt;
    }
    std::vector<model::HandshakeRecord> open_handshakes(std::string_view org, model::Millis now) override {
        std::vector<model::HandshakeRecord> out;
        for (const auto& [_, h] : handshakes)
            if (h.organization_id == org && (h.state == "OPEN" || h.state == "REQUESTED") && h.expiration_ms > now)
                out.push_back(h);
        return out;
    }
    std::optional<model::HandshakeRecord> find_pending_handshake(std::string_view org, std::string_view action,
                                                                 model::Millis now) override {
        for (const auto& h : open_handshakes(org, now))
            if (h.action == action) return h;
        return std::nullopt;
    }
    std::vector<model::HandshakeRecord> child_handshakes(std::string_view parent) override {
        std::vector<model::HandshakeRecord> out;
        for (const auto& [_, h] : handshakes)
            if (h.parent_handshake_id == parent) out.push_back(h);
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return std::tie(a.requested_ms, a.id) < std::tie(b.requested_ms, b.id); });
        return out;
    }
    std::size_t count_open_invitations(std::string_view org, model::Millis now) override {
        std::size_t n = 0;
        for (const auto& h : open_handshakes(org, now)) n += h.action == "INVITE" && h.state == "OPEN";
        return n;
    }
    bool invitation_rate_reached(std::string_view org, model::Millis since, std::size_t limit) override {
        std::size_t n = 0;
        for (const auto& [_, h] : handshakes)
            n += h.organization_id == org && h.action == "INVITE" && h.requested_ms > since && h.state != "ACCEPTED";
        return n >= limit;
    }
    void add_message(const model::OutboxMessage& m) override { outbox.push_back(m); }
    std::vector<model::OutboxMessage> messages(std::string_view to) override {
        std::vector<model::OutboxMessage> out;
        for (const auto& m : outbox)
            if (to.empty() || same_email(m.to, to)) out.push_back(m);
        return out;
    }
    void clear_messages() override { outbox.clear(); }

    std::optional<std::string> setting(std::string_view key) override {
        auto it = settings.find(std::string(key));
        if (it == settings.end()) return std::nullopt;
        return it->second;
    }
    void save_setting(std::string_view key, std::string_view value) override {
        settings[std::string(key)] = std::string(value);
    }
    void wipe() override { *this = MemoryRepository{}; }

    std::map<std::string, model::AccountRecord> accounts;
    std::map<std::string, model::OrganizationRecord> organizations;
    std::map<std::string, std::map<std::string, std::string>> tag_map;
    std::map<std::string, std::string> settings;
    std::map<std::string, model::HandshakeRecord> handshakes;
    std::vector<model::OutboxMessage> outbox;
};

class MemoryStore final : public model::Store {
public:
    void transact(const std::function<void(model::Repository&)>& work) override {
        MemoryRepository snapshot = repo;
        try {
            work(repo);
        } catch (...) {
            repo = std::move(snapshot);
            throw;
        }
    }
    MemoryRepository repo;
};

}  // namespace localorgs::testing
