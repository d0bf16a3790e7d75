#include "server/admin/table.hpp"

#include <algorithm>
#include <utility>

namespace localorgs::admin {
namespace {

std::string one_line(const std::string& cell) {
    std::string out = cell;
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    return out;
}

// Terminal columns a code point takes: East Asian wide and fullwidth characters (and emoji) take
// two, combining marks none, the rest one. A short table instead of wcwidth(), which depends on
// the locale the CLI happens to run in.
int columns(char32_t c) {
    if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F))
        return 0;
    constexpr std::pair<char32_t, char32_t> kWide[] = {
        {0x1100, 0x115F}, {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},  {0x4E00, 0x9FFF},
        {0xA000, 0xA4CF}, {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},  {0xFF00, 0xFF60},
        {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD}};
    for (auto [lo, hi] : kWide)
        if (c >= lo && c <= hi) return 2;
    return 1;
}

std::size_t width(const std::string& text) {
    std::size_t total = 0;
    for (std::size_t i = 0; i < text.size();) {
        auto byte = static_cast<unsigned char>(text[i]);
        int length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
        char32_t c = length == 1 ? byte : byte & (0x7F >> length);
        for (int k = 1; k < length && i + std::size_t(k) < text.size(); ++k)
            c = (c << 6) | (static_cast<unsigned char>(text[i + std::size_t(k)]) & 0x3F);
        total += std::size_t(columns(c));
        i += std::size_t(length);
    }
    return total;
}

void append_row(std::string& out, const std::vector<std::string>& cells,
                const std::vector<std::size_t>& widths) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
        std::string cell = i < cells.size() ? one_line(cells[i]) : "";
        line += cell;
        if (i + 1 < widths.size()) line.append(widths[i] - width(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
}

}  // namespace

std::string render_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(headers.size());
    for (std::size_t i = 0; i < headers.size(); ++i) {
        widths[i] = width(headers[i]);
        for (const auto& row : rows)
            if (i < row.size()) widths[i] = std::max(widths[i], width(one_line(row[i])));
    }
    std::string out;
    append_row(out, headers, widths);
    for (const auto& row : rows) append_row(out, row, widths);
    return out;
}

std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::size_t label_width = 0;
    for (const auto& [label, _] : fields) label_width = std::max(label_width, width(label));
    std::string out;
    for (const auto& [label, value] : fields) {
        std::string line = label + std::string(label_width - width(label) + 2, ' ') + one_line(value);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

}  // namespace localorgs::admin
