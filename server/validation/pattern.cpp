#include "server/validation/pattern.hpp"

#include <algorithm>
#include <iterator>
#include <span>
#include <stdexcept>
#include <utility>

#include "server/validation/unicode_tables.inc"

namespace localorgs::server::validation {
namespace {

using range = pattern::code_point_range;
using opcode = pattern::opcode;
using instruction = pattern::instruction;

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr char32_t kInvalid = 0xFFFFFFFF;
// Limits on what a pattern may compile to; the model's largest needs under a thousand instructions.
constexpr int kMaxNesting = 32;
constexpr int kMaxRepeat = 1000;
constexpr std::size_t kMaxProgram = 1 << 16;

// Decodes the code point at `pos` and moves past it; kInvalid (pos unmoved) for malformed UTF-8.
// Precondition: pos < s.size().
char32_t decode(std::string_view s, std::size_t& pos) noexcept {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    // The lead byte gives the sequence length, its payload bits and the smallest code point that
    // needs that many bytes.
    struct form {
        unsigned char mask, lead, payload;
        std::size_t length;
        char32_t smallest;
    };
    static constexpr form kForms[] = {
        {0xE0, 0xC0, 0x1F, 2, 0x80}, {0xF0, 0xE0, 0x0F, 3, 0x800}, {0xF8, 0xF0, 0x07, 4, 0x10000}};
    const auto* f = std::find_if(std::begin(kForms), std::end(kForms), [b0](const form& candidate) {
        return (b0 & candidate.mask) == candidate.lead;
    });
    if (f == std::end(kForms)) return kInvalid;
    const std::size_t length = f->length;
    const char32_t smallest = f->smallest;
    char32_t cp = b0 & f->payload;
    if (s.size() - pos < length) return kInvalid;
    for (std::size_t i = 1; i < length; ++i) {
        const auto b = static_cast<unsigned char>(s[pos + i]);
        if ((b & 0xC0) != 0x80) return kInvalid;
        cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms would let one character pass for another; surrogates are not characters.
    if (cp < smallest || cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
    pos += length;
    return cp;
}

std::vector<range> complement(std::span<const range> sorted) {
    std::vector<range> out;
    char32_t next = 0;
    for (const range& r : sorted) {
        if (r.first > next) out.push_back({next, r.first - 1});
        next = r.last + 1;
    }
    if (next <= kMaxCodePoint) out.push_back({next, kMaxCodePoint});
    return out;
}

pattern::char_class make_class(std::vector<range> set, bool negated) {
    std::sort(set.begin(), set.end(), [](const range& a, const range& b) { return a.first < b.first; });
    std::vector<range> merged;
    for (const range& r : set) {
        if (!merged.empty() && r.first <= merged.back().last + 1) {
            merged.back().last = std::max(merged.back().last, r.last);
        } else {
            merged.push_back(r);
        }
    }
    pattern::char_class cls;
    cls.ranges = negated ? complement(merged) : std::move(merged);
    for (const range& r : cls.ranges) {
        for (char32_t c = r.first; c <= r.last && c < 0x80; ++c)
            cls.ascii[c >> 6] |= std::uint64_t{1} << (c & 63);
    }
    return cls;
}

struct node {
    enum class kind : std::uint8_t { char_class, begin, end, concat, alternation, repeat };
    kind k = kind::concat;  // an empty concat matches the empty string
    std::uint32_t cls = 0;  // char_class: index into the pattern's classes
    int min = 0;            // repeat bounds; max -1 is unbounded
    int max = 0;
    std::vector<node> children{};
};

class parser {
public:
    parser(std::string_view source, std::vector<pattern::char_class>& classes)
        : src_(source), classes_(classes) {}

    node parse() {
        node root = alternation(0);
        if (!at_end()) fail("unbalanced ')'");
        const auto starts_anchored = [](const node& n) {
            return !n.children.empty() && n.children.front().k == node::kind::begin;
        };
        const auto ends_anchored = [](const node& n) {
            return !n.children.empty() && n.children.back().k == node::kind::end;
        };
        if (root.k == node::kind::alternation && starts_anchored(root.children.front()) &&
            ends_anchored(root.children.back())) {
            node whole;
            whole.children.push_back(node{.k = node::kind::begin});
            whole.children.push_back(std::move(root));
            whole.children.push_back(node{.k = node::kind::end});
            return whole;
        }
        return root;
    }

private:
    [[noreturn]] void fail(std::string_view why) const {
        throw std::invalid_argument("unsupported pattern \"" + std::string(src_) + "\": " + std::string(why) +
                                    " at offset " + std::to_string(pos_));
    }
    bool at_end() const { return pos_ >= src_.size(); }
    bool accept(char c) {
        if (at_end() || src_[pos_] != c) return false;
        ++pos_;
        return true;
    }
    char32_t code_point() {
        const char32_t c = decode(src_, pos_);
        if (c == kInvalid) fail("invalid UTF-8");
        return c;
    }
    node class_node(std::vector<range> set, bool negated) {
        classes_.push_back(make_class(std::move(set), negated));
        return node{.k = node::kind::char_class, .cls = static_cast<std::uint32_t>(classes_.size() - 1)};
    }

    node alternation(int depth) {
        if (depth > kMaxNesting) fail("groups nested too deeply");
        node alt{.k = node::kind::alternation};
        alt.children.push_back(sequence(depth));
        while (accept('|')) alt.children.push_back(sequence(depth));
        if (alt.children.size() > 1) return alt;
        node only = std::move(alt.children.front());
        return only;
    }

    node sequence(int depth) {
        node seq;
        while (!at_end() && src_[pos_] != '|' && src_[pos_] != ')') seq.children.push_back(quantified(depth));
        return seq;
    }

    node quantified(int depth) {
        node atom_node = atom(depth);
        int min = 0;
        int max = -1;  // unbounded
        if (accept('*')) {
            // {0,}
        } else if (accept('+')) {
            min = 1;
        } else if (accept('?')) {
            max = 1;
        } else if (accept('{')) {
            bounds(min, max);
        } else {
            return atom_node;
        }
        if (atom_node.k == node::kind::begin || atom_node.k == node::kind::end) fail("quantified anchor");
        if (accept('+')) fail("possessive quantifiers are not supported");
        accept('?');  // lazy: changes which match is found, not whether one exists
        if (!at_end() && std::string_view("*+?{").find(src_[pos_]) != std::string_view::npos) {
            fail("stacked quantifiers");
        }
        node rep{.k = node::kind::repeat, .min = min, .max = max};
        rep.children.push_back(std::move(atom_node));
        return rep;
    }

    int number() {
        int value = 0;
        const std::size_t start = pos_;
        while (!at_end() && src_[pos_] >= '0' && src_[pos_] <= '9') {
            value = std::min(value * 10 + (src_[pos_++] - '0'), kMaxRepeat + 1);
        }
        if (pos_ == start) fail("expected a number in {}");
        if (value > kMaxRepeat) fail("repetition count too large");
        return value;
    }

    void bounds(int& min, int& max) {
        min = number();
        max = min;
        if (accept(',')) max = (!at_end() && src_[pos_] == '}') ? -1 : number();
        if (!accept('}')) fail("expected '}'");
        if (max != -1 && max < min) fail("{n,m} with m < n");
    }

    node atom(int depth) {
        switch (src_[pos_]) {
            case '(': {
                ++pos_;
                if (accept('?') && !accept(':')) fail("only (?:...) groups are supported");
                node inner = alternation(depth + 1);
                if (!accept(')')) fail("missing ')'");
                return inner;
            }
            case '[':
                ++pos_;
                return bracket();
            case '^':
                ++pos_;
                return node{.k = node::kind::begin};
            case '$':
                ++pos_;
                return node{.k = node::kind::end};
            case '.': {
                ++pos_;
                std::vector<range> set;
                add_named(set, ".", false);
                return class_node(std::move(set), false);
            }
            case '\\': {
                ++pos_;
                std::vector<range> set;
                if (const auto c = escape(set)) set.push_back({*c, *c});
                return class_node(std::move(set), false);
            }
            case '*':
            case '+':
            case '?':
            case '{':
                fail("nothing to repeat");
            default: {
                const char32_t c = code_point();
                return class_node({{c, c}}, false);
            }
        }
    }

    void add_named(std::vector<range>& set, std::string_view name, bool negated) {
        for (const auto& named : unicode::kNamedClasses) {
            if (named.name != name) continue;
            std::vector<range> ranges;
            for (const auto& r : named.ranges) ranges.push_back({r.first, r.last});
            if (negated) ranges = complement(ranges);
            set.insert(set.end(), ranges.begin(), ranges.end());
            return;
        }
        fail("unknown character class \\p{" + std::string(name) + "}");
    }

    // After a backslash. A class escape (\d, \p{L}, ...) is added to `set` and yields nullopt; any
    // other escape is the single code point it stands for.
    std::optional<char32_t> escape(std::vector<range>& set) {
        if (at_end()) fail("trailing backslash");
        const char32_t c = code_point();
        switch (c) {
            case 'd':
            case 's':
            case 'w':
            case 'D':
            case 'S':
            case 'W': {
                const char lower = static_cast<char>(c | 0x20);
                add_named(set, std::string_view(&lower, 1), c != static_cast<char32_t>(lower));
                return std::nullopt;
            }
            case 'p':
            case 'P': {
                std::string_view name;
                if (accept('{')) {
                    const std::size_t close = src_.find('}', pos_);
                    if (close == std::string_view::npos) fail("missing '}' after \\p{");
                    name = src_.substr(pos_, close - pos_);
                    pos_ = close + 1;
                } else {
                    if (at_end()) fail("missing class name after \\p");
                    name = src_.substr(pos_++, 1);
                }
                add_named(set, name, c == 'P');
                return std::nullopt;
            }
            case 'u': {
                char32_t value = 0;
                for (int i = 0; i < 4; ++i) {
                    const char h = at_end() ? '\0' : src_[pos_++];
                    const int digit = (h >= '0' && h <= '9')   ? h - '0'
                                      : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                                      : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                                               : -1;
                    if (digit < 0) fail("\\u needs four hex digits");
                    value = value * 16 + static_cast<char32_t>(digit);
                }
                return value;
            }
            case 't':
                return U'\t';
            case 'n':
                return U'\n';
            case 'r':
                return U'\r';
            case 'f':
                return U'\f';
            default:
                // Java reserves every other escaped letter or digit (\b, \1, \Q, ...).
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                    fail("unsupported escape");
                }
                return c;
        }
    }

    // After '['.
    node bracket() {
        std::vector<range> set;
        const bool negated = accept('^');
        for (bool first = true;; first = false) {
            if (at_end()) fail("missing ']'");
            if (src_[pos_] == ']') {
                if (first) fail("empty or ']'-first class");
                ++pos_;
                return class_node(std::move(set), negated);
            }
            if (src_[pos_] == '[') fail("nested classes are not supported");
            if (src_.substr(pos_, 2) == "&&") fail("class intersection is not supported");
            const std::optional<char32_t> low = accept('\\') ? escape(set) : code_point();
            if (!low) continue;
            // '-' right before ']' is a literal, as in Java's [\w+=,.@-].
            if (src_.substr(pos_).size() >= 2 && src_[pos_] == '-' && src_[pos_ + 1] != ']') {
                ++pos_;
                if (src_[pos_] == '[') fail("nested classes are not supported");
                const std::optional<char32_t> high = accept('\\') ? escape(set) : code_point();
                if (!high) fail("a class escape cannot end a range");
                if (*high < *low) fail("range out of order");
                set.push_back({*low, *high});
            } else {
                set.push_back({*low, *low});
            }
        }
    }

    std::string_view src_;
    std::size_t pos_ = 0;
    std::vector<pattern::char_class>& classes_;
};

class compiler {
public:
    explicit compiler(std::vector<instruction>& program) : program_(program) {}

    std::uint32_t push(instruction in) {
        if (program_.size() >= kMaxProgram)
            throw std::invalid_argument("pattern compiles to too large a program");
        program_.push_back(in);
        return static_cast<std::uint32_t>(program_.size() - 1);
    }
    std::uint32_t here() const { return static_cast<std::uint32_t>(program_.size()); }

    void emit(const node& n) {
        switch (n.k) {
            case node::kind::char_class:
                push({opcode::match_class, n.cls});
                return;
            case node::kind::begin:
                push({opcode::assert_begin});
                return;
            case node::kind::end:
                push({opcode::assert_end});
                return;
            case node::kind::concat:
                for (const node& child : n.children) emit(child);
                return;
            case node::kind::alternation: {
                std::vector<std::uint32_t> exits;
                for (std::size_t i = 0; i + 1 < n.children.size(); ++i) {
                    const std::uint32_t split = push({opcode::split});
                    program_[split].x = here();
                    emit(n.children[i]);
                    exits.push_back(push({opcode::jump}));
                    program_[split].y = here();
                }
                emit(n.children.back());
                for (const std::uint32_t exit : exits) program_[exit].x = here();
                return;
            }
            case node::kind::repeat:
                emit_repeat(n.children.front(), n.min, n.max);
                return;
        }
    }

private:
    // Counted repetition is unrolled: x{2,4} becomes x x (x (x)?)? with every optional copy
    // able to skip straight to the end.
    void emit_repeat(const node& child, int min, int max) {
        for (int i = 0; i < min; ++i) emit(child);
        if (max == -1) {
            const std::uint32_t loop = push({opcode::split});
            program_[loop].x = here();
            emit(child);
            push({opcode::jump, loop});
            program_[loop].y = here();
            return;
        }
        std::vector<std::uint32_t> skips;
        for (int i = min; i < max; ++i) {
            skips.push_back(push({opcode::split}));
            program_[skips.back()].x = here();
            emit(child);
        }
        for (const std::uint32_t skip : skips) program_[skip].y = here();
    }

    std::vector<instruction>& program_;
};

// A set of program counters with O(1) insert, lookup and clear (Briggs and Torczon): the thread
// list of the Pike VM, which must not be cleared element by element at every input position.
class sparse_set {
public:
    void grow(std::size_t n) {
        if (sparse_.size() >= n) return;
        sparse_.resize(n);
        dense_.resize(n);
    }
    void clear() noexcept { size_ = 0; }
    bool empty() const noexcept { return size_ == 0; }
    bool contains(std::uint32_t i) const noexcept { return sparse_[i] < size_ && dense_[sparse_[i]] == i; }
    void insert(std::uint32_t i) noexcept {
        sparse_[i] = size_;
        dense_[size_++] = i;
    }
    std::span<const std::uint32_t> items() const noexcept { return {dense_.data(), size_}; }

private:
    std::vector<std::uint32_t> sparse_;
    std::vector<std::uint32_t> dense_;
    std::uint32_t size_ = 0;
};

struct scratch {
    sparse_set current;
    sparse_set next;
    std::vector<std::uint32_t> stack;

    void grow(std::size_t program_size) {
        current.grow(program_size);
        next.grow(program_size);
        // Each state is entered once per position and pushes at most two successors.
        stack.reserve(2 * program_size + 1);
    }
};

// Adds the thread at `start` and everything reachable from it without consuming input.
// Returns true as soon as the accept state is reachable: find() needs no more than that.
bool add_thread(std::span<const instruction> program, sparse_set& threads, std::vector<std::uint32_t>& stack,
                std::uint32_t start, bool at_begin, bool at_end) {
    stack.clear();
    stack.push_back(start);
    while (!stack.empty()) {
        const std::uint32_t pc = stack.back();
        stack.pop_back();
        if (threads.contains(pc)) continue;
        threads.insert(pc);
        const instruction& in = program[pc];
        switch (in.op) {
            case opcode::accept:
                return true;
            case opcode::match_class:
                break;
            case opcode::jump:
                stack.push_back(in.x);
                break;
            case opcode::split:
                stack.push_back(in.y);
                stack.push_back(in.x);
                break;
            case opcode::assert_begin:
                if (at_begin) stack.push_back(pc + 1);
                break;
            case opcode::assert_end:
                if (at_end) stack.push_back(pc + 1);
                break;
        }
    }
    return false;
}

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view text) noexcept {
    std::size_t count = 0;
    for (std::size_t pos = 0; pos < text.size(); ++count) {
        if (decode(text, pos) == kInvalid) return std::nullopt;
    }
    return count;
}

bool pattern::char_class::contains(char32_t c) const noexcept {
    if (c < 0x80) return (ascii[c >> 6] >> (c & 63)) & 1;
    const auto after =
        std::upper_bound(ranges.begin(), ranges.end(), c,
                         [](char32_t value, const code_point_range& r) { return value < r.first; });
    return after != ranges.begin() && c <= std::prev(after)->last;
}

pattern::pattern(std::string_view source) : source_(source) {
    const node root = parser(source_, classes_).parse();
    compiler out(program_);
    out.emit(root);
    out.push({opcode::accept});

    // Anchored if, away from offset 0, the start state can neither consume input nor accept.
    scratch probe;
    probe.grow(program_.size());
    anchored_ = true;
    for (const bool at_end : {false, true}) {
        probe.current.clear();
        if (add_thread(program_, probe.current, probe.stack, 0, false, at_end)) anchored_ = false;
        for (const std::uint32_t pc : probe.current.items()) {
            if (program_[pc].op == opcode::match_class) anchored_ = false;
        }
    }
}

bool pattern::find(std::string_view text) const {
    if (!utf8_length(text)) return false;
    thread_local scratch space;
    space.grow(program_.size());
    sparse_set* current = &space.current;
    sparse_set* next = &space.next;
    current->clear();
    for (std::size_t pos = 0;;) {
        const bool at_end = pos == text.size();
        // Java find(): a new attempt starts at every offset, alongside the ones in progress.
        if ((pos == 0 || !anchored_) && add_thread(program_, *current, space.stack, 0, pos == 0, at_end)) {
            return true;
        }
        if (at_end || (anchored_ && current->empty())) return false;
        const char32_t c = decode(text, pos);
        next->clear();
        for (const std::uint32_t pc : current->items()) {
            const instruction& in = program_[pc];
            if (in.op == opcode::match_class && classes_[in.x].contains(c) &&
                add_thread(program_, *next, space.stack, pc + 1, false, pos == text.size())) {
                return true;
            }
        }
        std::swap(current, next);
    }
}

}  // namespace localorgs::server::validation
