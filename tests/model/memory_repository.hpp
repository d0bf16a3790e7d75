#pragma once
// An in-memory Repository and Store for model tests: plain maps, and a transaction that restores
// a snapshot when the work throws, like the SQLite store's rollback.
#include <map>

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
            if (a.email == email) return a;
        return std::nullopt;
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
