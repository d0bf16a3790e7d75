#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "server/wire/json_writer.hpp"

using localorgs::server::wire::JsonWriter;
using nlohmann::json;

namespace {
std::string as_json_string(std::string_view s) {
    std::string out;
    JsonWriter(out).string(s);
    return out;
}
std::string stamp(std::int64_t ms) {
    std::string out;
    JsonWriter(out).timestamp(ms);
    return out;
}
}  // namespace

TEST_CASE("the JSON writer places commas and colons, at every depth") {
    std::string out;
    JsonWriter w(out);
    w.begin_object().member("A", "x").key("B").begin_array();
    w.begin_object().member("C", "y").end_object();
    w.begin_object().end_object();
    w.begin_array().end_array();
    w.integer(-7).boolean(true).boolean(false);
    w.end_array().key("D").integer(0).end_object();
    CHECK(out == R"({"A":"x","B":[{"C":"y"},{},[],-7,true,false],"D":0})");
    CHECK(json::parse(out)["B"][3] == -7);
}

TEST_CASE("strings are escaped as JSON requires, and kept as UTF-8") {
    CHECK(as_json_string("plain") == R"("plain")");
    CHECK(as_json_string("q\"b\\s/") == R"("q\"b\\s/")");
    CHECK(as_json_string("\n\r\t\b\f") == R"("\n\r\t\b\f")");
    CHECK(as_json_string(std::string_view("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
    CHECK(as_json_string("Zürich ☃ 𝄞") == "\"Zürich ☃ 𝄞\"");
    CHECK(json::parse(as_json_string("Zürich ☃ 𝄞")) == "Zürich ☃ 𝄞");
}

TEST_CASE("bytes that are not UTF-8 become U+FFFD, so the answer is always valid JSON") {
    const std::string bad[] = {"\xff", "a\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80z"};
    for (const auto& s : bad) {
        auto out = as_json_string(s);
        CHECK_MESSAGE(out.find("\xEF\xBF\xBD") != std::string::npos, out);
        CHECK(json::accept(out));
    }
    CHECK(as_json_string("a\xffz") == "\"a\xEF\xBF\xBDz\"");
}

TEST_CASE("timestamps are epoch seconds with the milliseconds as a fraction") {
    CHECK(stamp(1481656459257) == "1481656459.257");
    CHECK(stamp(1481656459250) == "1481656459.25");
    CHECK(stamp(1481656459007) == "1481656459.007");
    CHECK(stamp(1481656459000) == "1481656459.0");
    CHECK(stamp(0) == "0.0");
    CHECK(stamp(-1500) == "-1.5");
    CHECK(json::parse(stamp(1481656459257)).get<double>() == doctest::Approx(1481656459.257));
}

