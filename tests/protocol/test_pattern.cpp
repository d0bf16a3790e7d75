#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "server/validation/constraints.inc"
#include "server/validation/pattern.hpp"

using localorgs::server::validation::pattern;
using localorgs::server::validation::utf8_length;
using namespace std::literals;

namespace {

bool finds(std::string_view source, std::string_view text) {
    return pattern(source).find(text);
}

}  // namespace

TEST_CASE("pattern: every pattern of the service model compiles") {
    for (const std::string_view source : localorgs::server::validation::generated::kPatterns) {
        CAPTURE(source);
        CHECK_NOTHROW(pattern{source});
    }
}

TEST_CASE("pattern: literals, escapes and Java's ASCII classes") {
    CHECK(finds("^h-[0-9a-z]{8,32}$", "h-0123abcd"));
    CHECK_FALSE(finds("^h-[0-9a-z]{8,32}$", "h-0123abc"));
    CHECK_FALSE(finds("^h-[0-9a-z]{8,32}$", "h-0123ABCD"));
    CHECK_FALSE(finds("^h-[0-9a-z]{8,32}$", std::string("h-") + std::string(33, 'a')));
    CHECK(finds("^\\d{12}$", "123456789012"));
    CHECK_FALSE(finds("^\\d{12}$", "12345678901"));
    CHECK_FALSE(finds("^\\d{12}$", "1234567890123"));
    // \d is ASCII in Java's default mode: Arabic-Indic digits are not \d.
    CHECK_FALSE(finds("^\\d$", "١"));
    CHECK(finds("^\\w+$", "a_Z9"));
    CHECK_FALSE(finds("^\\w+$", "é"));  // é
    CHECK(finds("^\\s$", "\x0B"));
    CHECK_FALSE(finds("^\\s$", "\u00A0"));  // no-break space is not \s
    CHECK(finds("^\\S\\D\\W$", "xx-"));
    CHECK(finds("a\\/b\\.c\\-d", "a/b.c-d"));
    CHECK_FALSE(finds("a\\.c", "abc"));
    CHECK(finds("a.c", "abc"));
    CHECK_FALSE(finds("a.c", "a\nc"));
    CHECK(finds("^\\u0041\\t$", "A\t"));
}

TEST_CASE("pattern: bracket classes") {
    CHECK(finds("^[\\u0020-\\u007E]+$", "hello ~!"));
    CHECK_FALSE(finds("^[\\u0020-\\u007E]+$", "tab\there"));
    CHECK(finds("^[ -~]+$", "Plain ASCII"));
    CHECK(finds("^[\\w+=,.@-]*$", "role+name=,.@-_"));
    CHECK_FALSE(finds("^[\\w+=,.@-]*$", "role/name"));
    // [a-z0-9-.]: a '-' right after a range is a literal, as in Java.
    CHECK(finds("^[a-z0-9-.]+$", "us-east-1.a"));
    CHECK_FALSE(finds("^[a-z0-9-.]+$", "US"));
    CHECK(finds("^[^\\s@]+$", "abc"));
    CHECK_FALSE(finds("^[^\\s@]+$", "a@c"));
    CHECK_FALSE(finds("^[^\\s@]+$", "a c"));
    CHECK(finds("^[\\s\\S]*$", "anything\nat all\x01"));
    CHECK(finds("[\\^]", "^"));
}

TEST_CASE("pattern: Unicode categories") {
    const pattern tag("^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
    CHECK(tag.find("Größe"));       // Größe
    CHECK(tag.find("日本語"));      // 日本語
    CHECK(tag.find("١٢٣"));         // ١٢٣ (category Nd)
    CHECK(tag.find("a b\u2003c"));  // em space is Z
    CHECK(tag.find("𝐀"));           // U+1D400, a letter beyond the BMP
    CHECK(tag.find("env:prod/a=b+c-d@e_f.g"));
    CHECK(tag.find(""));
    CHECK_FALSE(tag.find("<script>"));
    CHECK_FALSE(tag.find("a\tb"));
    CHECK_FALSE(tag.find("😀"));  // 😀 is a symbol
    CHECK(finds("^\\P{L}+$", "123"));
    CHECK_FALSE(finds("^\\P{L}+$", "1a3"));
    CHECK(finds("^[^\\p{N}]$", "x"));
    CHECK_FALSE(finds("^[^\\p{N}]$", "7"));
}

TEST_CASE("pattern: groups, alternation and quantifiers") {
    CHECK(finds("^(a|bc)+$", "abcbca"));
    CHECK_FALSE(finds("^(a|bc)+$", "abcb"));
    CHECK(finds("^(?:ab)?c$", "c"));
    CHECK(finds("^(?:ab)?c$", "abc"));
    CHECK_FALSE(finds("^(?:ab)?c$", "abab"));
    CHECK(finds("^a{3}$", "aaa"));
    CHECK_FALSE(finds("^a{3}$", "aaaa"));
    CHECK(finds("^a{2,}$", "aaaaaaa"));
    CHECK_FALSE(finds("^a{2,}$", "a"));
    CHECK(finds("^a{0,2}b$", "b"));
    CHECK_FALSE(finds("^a{0,2}b$", "aaab"));
    CHECK(finds("^a*?b+?$", "aabb"));  // lazy quantifiers match the same set
    CHECK(finds("^(inbound|outbound)$", "outbound"));
    CHECK(finds("^()$", ""));
    const pattern path(
        "^(o-[a-z0-9]{10,32}\\/r-[0-9a-z]{4,32}(\\/ou\\-[0-9a-z]{4,32}-[a-z0-9]{8,32})*(\\/\\d{12})*)\\/");
    CHECK(path.find("o-abcdefghij/r-ab12/ou-ab12-abcdefgh/ou-cd34-12345678/111111111111/"));
    CHECK(path.find("o-abcdefghij/r-ab12/"));
    CHECK_FALSE(path.find("o-abcdefghij/r-ab12"));
}

TEST_CASE("pattern: Java find() semantics, anchors bind") {
    CHECK(finds("b", "abc"));
    CHECK(finds("[^\\s@]+@[^\\s@]+\\.[^\\s@]+", "x <me@example.com> y"));
    CHECK_FALSE(finds("[^\\s@]+@[^\\s@]+\\.[^\\s@]+", "me@example"));
    CHECK(finds("^ab", "abc"));
    CHECK_FALSE(finds("^bc", "abc"));
    CHECK(finds("bc$", "abc"));
    CHECK_FALSE(finds("ab$", "abc"));
    CHECK_FALSE(finds("^ab$", "ab\n"));  // stricter than Java: no match before a final newline
    // Unanchored ARN patterns accept a suffix, exactly as the model (and Java find()) does.
    CHECK(finds("^arn:aws:organizations::\\d{12}:organization\\/o-[a-z0-9]{10,32}",
                "arn:aws:organizations::111111111111:organization/o-abcdefghij/extra"));
    CHECK(finds("[\\s\\S]*", ""));
    CHECK_FALSE(finds("^a", ""));
}

TEST_CASE("pattern: a top-level ^b1|...|bn$ alternation is a full match of one branch") {
    const pattern parent("^(r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$");
    CHECK(parent.find("r-abcd"));
    CHECK(parent.find("ou-abcd-12345678"));
    CHECK_FALSE(parent.find("xr-abcd"));
    CHECK_FALSE(parent.find("r-abcdX"));
    CHECK_FALSE(parent.find("r-abcd-"));
    CHECK_FALSE(parent.find("xou-abcd-12345678"));
    CHECK_FALSE(parent.find("ou-abcd-12345678-"));
    CHECK_FALSE(parent.find("r-abcdou-abcd-12345678"));
    CHECK_FALSE(parent.find(""));

    const pattern child("^(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$");
    CHECK(child.find("111111111111"));
    CHECK_FALSE(child.find("1111111111112"));
    CHECK_FALSE(child.find("111111111111 "));

    // An alternation inside a group is left alone.
    CHECK(finds("^x(a|b)", "xbzz"));
    // Without the ^...$ frame the branches keep Java's meaning.
    CHECK(finds("a|b$", "zaz"));
}

TEST_CASE("pattern: ill-formed UTF-8 never matches, and never crashes") {
    const pattern any("[\\s\\S]*");
    CHECK(any.find("ok €"));
    // Truncated, overlong '/', surrogate, above U+10FFFF, stray continuation byte.
    for (const std::string_view bad : {"\xFF"sv, "\xC3"sv, "a\xC3("sv, "\xE2\x82"sv, "abc\xF0\x9F\x98"sv,
                                       "\xC0\xAF"sv, "\xED\xA0\x80"sv, "\xF4\x90\x80\x80"sv, "\x80"sv}) {
        CAPTURE(bad);
        CHECK_FALSE(any.find(bad));
        CHECK_FALSE(utf8_length(bad).has_value());
    }
    CHECK(utf8_length("Größe") == 5u);
    CHECK(utf8_length("😀") == 1u);
    CHECK(utf8_length("") == 0u);
    CHECK(utf8_length(std::string_view("a\0b", 3)) == 3u);
}

TEST_CASE("pattern: matching is linear, never exponential or recursive") {
    // A backtracking engine needs ~2^n steps for these; a deep recursion would overflow the stack.
    const std::string as(100'000, 'a');
    CHECK_FALSE(finds("^(a*)*b$", as));
    CHECK_FALSE(finds("^(a|a)*b$", as));
    CHECK_FALSE(finds("(a+)+b", as));
    CHECK(finds("^[\\s\\S]*$", as));
    CHECK(finds("^(a|aa)+$", as));
    std::string token(100'000, 'x');
    token[50'000] = '\n';
    CHECK(finds("[\\s\\S]*", token));
    CHECK(finds("^[\\s\\S]*$", token));
    CHECK_FALSE(finds("^.*$", token));
}

TEST_CASE("pattern: syntax outside the supported subset is refused when built") {
    for (const std::string_view bad :
         {"(",      "a)",     "[a",    "[]",      "a{2",     "a{3,2}", "*a",      "a**",
          "a++",    "\\",     "\\b",   "\\1",     "\\p{Lu}", "\\p{L",  "[a-\\d]", "[z-a]",
          "[a[b]]", "[a&&b]", "(?=a)", "\\u12G4", "a{1001}", "^*"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(pattern{bad}, std::invalid_argument);
    }
}
