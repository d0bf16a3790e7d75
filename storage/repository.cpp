#include "storage/repository.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace localorgs::storage {

std::string tags_to_text(const std::vector<model::Tag>& tags) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
    return out.dump();
}

std::vector<model::Tag> tags_from_text(std::string_view text) {
    std::vector<model::Tag> out;
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_array()) return out;
    for (const auto& t : doc) out.push_back({t.value("Key", ""), t.value("Value", "")});
    return out;
}

void SqliteRepository::wipe() {
    // Every table of the schema, so that a new one needs no change here.
    std::vector<std::string> tables;
    {
        Statement s(statements.connection(),
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    " AND name <> 'schema_migrations'");
        while (s.step()) tables.push_back(s.text(0));
    }
    for (const auto& table : tables) statements.connection().exec(("DELETE FROM \"" + table + "\"").c_str());
}

}  // namespace localorgs::storage
