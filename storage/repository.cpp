#include "storage/repository.hpp"

#include <string>
#include <vector>

namespace localorgs::storage {

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
