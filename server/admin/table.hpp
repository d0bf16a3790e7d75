#pragma once
// Plain-text tables for people reading a terminal (the admin CLI's default output; --json is for
// scripts).
#include <string>
#include <utility>
#include <vector>

namespace localorgs::admin {

// Columns padded to their widest cell (in terminal columns, not bytes) and two spaces apart; no
// trailing spaces. Line breaks and tabs inside a cell become spaces so a row stays one line.
std::string render_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows);

// One "label  value" line per field, values aligned: for a single object (an account, the clock).
std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace localorgs::admin
