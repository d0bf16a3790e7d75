#include <doctest/doctest.h>

#include "server/admin/time_text.hpp"

using namespace localorgs::admin;

namespace {
// Built by appending: g++ 12 warns falsely (-Wrestrict) on "'" + std::string(...).
std::string quoted(const char* text) {
    std::string out = "'";
    out += text;
    out += '\'';
    return out;
}
}  // namespace

TEST_CASE("durations people type") {
    CHECK(parse_duration("30s") == 30);
    CHECK(parse_duration("15m") == 15 * 60);
    CHECK(parse_duration("2h") == 2 * 3600);
    CHECK(parse_duration("15d") == 15 * 86400);
    CHECK(parse_duration("1d12h") == 36 * 3600);
    CHECK(parse_duration("1d2h3m4s") == 86400 + 7200 + 180 + 4);
    CHECK(parse_duration("90m") == 5400);  // a unit need not be the largest that fits
    CHECK(parse_duration("0s") == 0);
    CHECK(parse_duration("-2h") == -7200);  // the clock may also go back
}

TEST_CASE("durations that are refused say why and quote the text") {
    auto refused = [](const char* text, const char* why) {
        CAPTURE(text);
        CHECK_THROWS_WITH_AS(parse_duration(text), doctest::Contains(quoted(text).c_str()), time_text_error);
        CHECK_THROWS_WITH_AS(parse_duration(text), doctest::Contains(why), time_text_error);
    };
    refused("", "empty");
    refused("-", "empty");
    refused("15", "no unit");  // seconds or days? not guessed
    refused("1d12", "no unit");
    refused("15x", "unknown unit 'x'");
    refused("15D", "unknown unit 'D'");
    refused("d", "expected a number");
    refused("1.5h", "whole numbers");
    refused("12h1d", "order");
    refused("1h1h", "order");
    refused(" 15d", "expected a number");
    refused("15d ", "expected a number");
    refused("+15d", "expected a number");
    refused("1000000000000000d", "3000 years");
    refused("1200000d", "3000 years");
    // Every message shows what is accepted.
    CHECK_THROWS_WITH(parse_duration("soon"), doctest::Contains("30s, 15m, 2h, 15d, 1d12h"));
}

TEST_CASE("offsets shown back in the same notation") {
    CHECK(format_duration(0) == "0s");
    CHECK(format_duration(30) == "30s");
    CHECK(format_duration(15 * 86400) == "15d");
    CHECK(format_duration(36 * 3600) == "1d12h");
    CHECK(format_duration(86400 + 7200 + 180 + 4) == "1d2h3m4s");
    CHECK(format_duration(-7200) == "-2h");
    CHECK(format_duration(1.5) == "1.5s");
    CHECK(format_duration(60.25) == "1m0.25s");
    CHECK(format_duration(0.0004) == "0s");  // below the server's millisecond
    for (long long s : {1LL, 59LL, 3600LL, 90061LL, 1296000LL, -90061LL})
        CHECK(parse_duration(format_duration(double(s))) == s);
}

TEST_CASE("instants: epoch seconds and ISO 8601") {
    CHECK(parse_instant("0") == 0);
    CHECK(parse_instant("1767225600") == 1767225600.0);
    CHECK(parse_instant("1767225600.25") == 1767225600.25);
    CHECK(parse_instant("2026-01-01") == 1767225600.0);
    CHECK(parse_instant("2026-01-01T00:00:00Z") == 1767225600.0);
    CHECK(parse_instant("2026-01-01T12:30") == 1767225600.0 + 12 * 3600 + 30 * 60);  // UTC without an offset
    CHECK(parse_instant("2026-01-01 12:30:15z") == 1767225600.0 + 12 * 3600 + 30 * 60 + 15);
    CHECK(parse_instant("2026-01-01T02:00:00+02:00") == 1767225600.0);
    CHECK(parse_instant("2025-12-31T19:00:00-0500") == 1767225600.0);
    CHECK(parse_instant("2026-01-01T00:00:00.5Z") == doctest::Approx(1767225600.5));
    CHECK(parse_instant("2024-02-29T23:59:59Z") == 1709251199.0);  // a leap day
    CHECK(parse_instant("1970-01-01T00:00:00Z") == 0);
}

TEST_CASE("instants that are refused say why") {
    auto refused = [](const char* text, const char* why) {
        CAPTURE(text);
        CHECK_THROWS_WITH_AS(parse_instant(text), doctest::Contains(why), time_text_error);
        CHECK_THROWS_WITH_AS(parse_instant(text), doctest::Contains(quoted(text).c_str()), time_text_error);
    };
    refused("", "ISO 8601");
    refused("tomorrow", "ISO 8601");
    refused("-5", "ISO 8601");
    refused("1.", "ISO 8601");
    refused("2026-1-01", "ISO 8601");
    refused("2026-01-01T", "ISO 8601");
    refused("2026-01-01T12", "ISO 8601");
    refused("2026-01-01T12:00:00Q", "ISO 8601");
    refused("2026-01-01T12:00:00+2", "ISO 8601");
    refused("2026-01-01Z", "ISO 8601");
    refused("2026-02-30", "no such date");
    refused("2026-13-01", "no such date");
    refused("2025-02-29", "no such date");
    refused("2026-01-01T24:00", "no such time");
    refused("2026-01-01T12:60", "no such time");
    refused("1969-12-31T23:59:59Z", "before 1970");
    refused("9999-01-01", "3000 years");
    refused("999999999999999999999", "3000 years");
}

TEST_CASE("instants shown as UTC ISO 8601") {
    CHECK(format_instant(0) == "1970-01-01T00:00:00Z");
    CHECK(format_instant(1767225600) == "2026-01-01T00:00:00Z");
    CHECK(format_instant(1709251199) == "2024-02-29T23:59:59Z");
    CHECK(format_instant(1767225600.25) == "2026-01-01T00:00:00.250Z");
    CHECK(format_instant(1767225599.9996) == "2026-01-01T00:00:00Z");  // rounded to the millisecond
    for (double t : {0.0, 951782400.0, 1767225600.125, 4102444799.0})
        CHECK(parse_instant(format_instant(t)) == t);
}
