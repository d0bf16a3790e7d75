#include <doctest/doctest.h>

#include "server/admin/table.hpp"

using namespace localorgs::admin;

TEST_CASE("a table pads each column to its widest cell, two spaces apart, no trailing spaces") {
    CHECK(render_table({"ID", "NAME", "ORG"},
                       {{"111111111111", "Prod", "-"}, {"2", "A much longer name", "o-x"}}) ==
          "ID            NAME                ORG\n"
          "111111111111  Prod                -\n"
          "2             A much longer name  o-x\n");
    // The last column is not padded, so a short last cell leaves no spaces at the end.
    CHECK(render_table({"A", "LONG HEADER"}, {{"x", "y"}}) == "A  LONG HEADER\nx  y\n");
    // A header wider than every cell sets the width.
    CHECK(render_table({"EMAIL VERIFIED", "X"}, {{"true", "1"}}) == "EMAIL VERIFIED  X\ntrue            1\n");
}

TEST_CASE("only the header when there are no rows; missing cells are blank") {
    CHECK(render_table({"ID", "NAME"}, {}) == "ID  NAME\n");
    CHECK(render_table({"ID", "NAME", "X"}, {{"1"}}) == "ID  NAME  X\n1\n");
}

TEST_CASE("widths count terminal columns, not UTF-8 bytes") {
    // "Zoë" is 3 columns in 4 bytes; "東京" 4 columns (wide characters) in 6 bytes; "e" and a
    // combining acute accent 1 column in 3 bytes.
    CHECK(render_table({"NAME", "N"}, {{"Zoë", "1"}, {"東京", "2"}, {"e\u0301", "3"}}) ==
          "NAME  N\n"
          "Zoë   1\n"
          "東京  2\n"
          "e\u0301     3\n");
}

TEST_CASE("a cell with line breaks or tabs stays on its row") {
    CHECK(render_table({"SUBJECT", "TO"}, {{"line one\nline\ttwo\r", "a@example.com"}}) ==
          "SUBJECT             TO\n"
          "line one line two   a@example.com\n");
}

TEST_CASE("fields: labels aligned, values after two spaces") {
    CHECK(render_fields({{"Id", "111111111111"}, {"Seller of record", "AWS_INC"}, {"Name", "multi\nline"}}) ==
          "Id                111111111111\n"
          "Seller of record  AWS_INC\n"
          "Name              multi line\n");
    CHECK(render_fields({{"Empty", ""}}) == "Empty\n");
}
