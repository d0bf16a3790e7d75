#pragma once
// The regular expressions of the service model (Java syntax). std::regex has no \p{L}, and a
// backtracking matcher can go exponential, so patterns are compiled to a Thompson NFA and run as a
// Pike VM: time O(text length x program size), no recursion while matching, no allocation once the
// per-thread scratch space has grown to the largest program.
//
// Supported syntax (everything the model uses, and little more): literals; escapes \d \D \s \S \w \W
// (ASCII, as Java's defaults), \p{L} \p{Z} \p{N} and \P{..}, \uXXXX, \t \n \r \f, and any escaped
// non-alphanumeric character; '.' (anything but a Java line terminator); bracket classes with
// ranges, negation and those escapes; groups (..) and (?:..); alternation; * + ? {n} {n,} {n,m}
// (a trailing lazy '?' is accepted: it cannot change whether a match exists); anchors ^ $.
// Anything else (backreferences, lookaround, possessive quantifiers, nested classes, \b ...) is
// rejected when the pattern is built, so an unsupported model pattern fails loudly, not silently.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localorgs::server::validation {

// Code points in `text`, or nullopt if it is not well-formed UTF-8 (truncated or overlong
// sequences, surrogates, values above U+10FFFF).
std::optional<std::size_t> utf8_length(std::string_view text) noexcept;

class pattern {
public:
    // Throws std::invalid_argument for syntax outside the supported subset.
    explicit pattern(std::string_view source);

    // Java Matcher.find(): true when the pattern matches somewhere in `text`. ^ and $ bind to the
    // start and end of the whole text ($ does not also match before a final line terminator, unlike
    // Java: a stray newline in an id is a mistake worth reporting). A top-level alternation whose
    // first branch starts with ^ and last ends with $ is matched as ^(?:b1|...|bn)$ (the model
    // means "the whole value is one of these": tests/protocol/test_validation.cpp). Text that is not well-formed UTF-8
    // never matches.
    bool find(std::string_view text) const;

    std::string_view source() const noexcept { return source_; }

    // The compiled form. Public only so the compiler and the matcher in pattern.cpp can be free
    // functions; nothing outside pattern.cpp should need these.
    struct code_point_range {
        char32_t first;
        char32_t last;  // inclusive
    };

    struct char_class {
        std::array<std::uint64_t, 2> ascii{};  // bitmap for U+0000..U+007F, the common case
        std::vector<code_point_range> ranges;  // sorted, disjoint: the whole set
        bool contains(char32_t c) const noexcept;
    };

    enum class opcode : std::uint8_t { match_class, split, jump, assert_begin, assert_end, accept };

    struct instruction {
        opcode op;
        std::uint32_t x = 0;  // match_class: class index; split/jump: target
        std::uint32_t y = 0;  // split: second target
    };

private:
    std::string source_;
    std::vector<char_class> classes_;
    std::vector<instruction> program_;
    // Whether the start state can only make progress at offset 0 (the pattern begins with ^), so
    // find() need not restart the search at every later offset.
    bool anchored_ = false;
};

}  // namespace localorgs::server::validation
