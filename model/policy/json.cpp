#include "model/policy/json.hpp"

#include <algorithm>
#include <unordered_set>
#include <utility>
#include <vector>

#include "model/errors.hpp"

namespace localorgs::model::policy::detail {
namespace {

// Builds the document from nlohmann's SAX events, which lets it refuse what the DOM parser would
// accept silently: a repeated key (nlohmann keeps one of them), nesting past kMaxDepth. Members
// are appended without nlohmann's own duplicate search (linear per key); ours is a hash set.
class Builder {
public:
    explicit Builder(Json& root) : root_(root) {}

    bool null() { return put(Json(nullptr)); }
    bool boolean(bool v) { return put(Json(v)); }
    bool number_integer(Json::number_integer_t v) { return put(Json(v)); }
    bool number_unsigned(Json::number_unsigned_t v) { return put(Json(v)); }
    bool number_float(Json::number_float_t v, const std::string&) { return put(Json(v)); }
    bool string(std::string& v) { return put(Json(std::move(v))); }
    bool binary(Json::binary_t&) { return false; }  // the JSON parser never produces one

    bool start_object(std::size_t) { return open(Json::object()); }
    bool start_array(std::size_t) { return open(Json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(std::string& k) {
        Frame& f = stack_.back();
        if (!f.keys.insert(k).second) {
            std::string m = "The key ";
            m += in_quotes(k);
            m += " appears twice in ";
            m += where();
            m += "; each key may appear once in an object.";
            return fail(std::move(m));
        }
        f.key = k;
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
        position_ = position;
        syntax_ = true;
        return fail(e.what());
    }

    bool complete() const { return complete_; }
    bool syntax_error() const { return syntax_; }
    std::size_t position() const { return position_; }
    const std::string& error() const { return error_; }

private:
    struct Frame {
        Json* value;
        std::unordered_set<std::string> keys;  // objects: the keys seen so far
        std::string key;                       // objects: the member being read
        std::size_t index = 0;                 // arrays: the element being read
    };

    // Adds `v` where the parser is and returns where it now lives. Pointers into a container
    // stay valid while it is open: its parent gains no other member until it is closed.
    Json* add(Json v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        Frame& f = stack_.back();
        if (f.value->is_object()) {
            auto& members = f.value->get_ref<Json::object_t&>();
            members.emplace_back(f.key, std::move(v));
            return &members.back().second;
        }
        auto& items = f.value->get_ref<Json::array_t&>();
        items.push_back(std::move(v));
        ++f.index;
        return &items.back();
    }

    bool put(Json v) {
        add(std::move(v));
        if (stack_.empty()) complete_ = true;
        return true;
    }

    bool open(Json container) {
        if (stack_.size() >= kMaxDepth) {
            std::string m = "The document nests deeper than ";
            m += std::to_string(kMaxDepth);
            m += " levels (in ";
            m += where();
            m += ").";
            return fail(std::move(m));
        }
        Json* at = add(std::move(container));
        stack_.push_back(Frame{at, {}, {}, 0});
        return true;
    }

    bool close() {
        stack_.pop_back();
        if (stack_.empty()) complete_ = true;
        return true;
    }

    // The path to the container being read, e.g. "Statement[1].Condition".
    std::string where() const {
        if (stack_.size() <= 1) return "the top-level object";
        std::string path;
        for (std::size_t i = 0; i + 1 < stack_.size(); ++i) {
            const Frame& f = stack_[i];
            if (f.value->is_object()) {
                if (!path.empty()) path += '.';
                path += f.key;
            } else {
                path += '[';
                path += std::to_string(f.index - 1);
                path += ']';
            }
        }
        return path;
    }

    bool fail(std::string message) {
        if (error_.empty()) error_ = std::move(message);
        return false;
    }

    Json& root_;
    std::vector<Frame> stack_;
    bool complete_ = false;
    bool syntax_ = false;
    std::size_t position_ = 0;
    std::string error_;
};

// "line L, column C" of the character nlohmann stopped at: `read` is how many it had read
// (columns count bytes, from 1).
std::string line_and_column(std::string_view text, std::size_t read) {
    std::size_t at = std::min(read == 0 ? 0 : read - 1, text.size());
    std::size_t line = 1, start = 0;
    for (std::size_t i = 0; i < at; ++i)
        if (text[i] == '\n') ++line, start = i + 1;
    std::string s = "line ";
    s += std::to_string(line);
    s += ", column ";
    s += std::to_string(at - start + 1);
    return s;
}

// nlohmann's own words for a syntax error, without its "last read: '...'" echo of the input
// (which may be invalid UTF-8 that no JSON answer could carry) and with anything but printable
// ASCII replaced.
std::string syntax_words(const std::string& what) {
    std::size_t from = what.find("syntax error");
    std::string s = from == std::string::npos ? "syntax error" : what.substr(from);
    std::size_t echo = s.find("; last read");
    if (echo != std::string::npos) s.erase(echo);
    for (char& c : s)
        if (c < 0x20 || c > 0x7e) c = '?';
    return s;
}

[[noreturn]] void refuse_syntax(std::string_view content, const Builder& b) {
    std::string m;
    if (b.complete()) {
        m = "The policy must be exactly one JSON object, but more follows it at ";
        m += line_and_column(content, b.position());
        m += " (two top-level objects?).";
    } else {
        m = "The policy is not valid JSON: ";
        m += syntax_words(b.error());
        m += " at ";
        m += line_and_column(content, b.position());
        m += '.';
    }
    malformed(std::move(m));
}

}  // namespace

Json parse(std::string_view content) {
    Json root;
    Builder b(root);
    const char* begin = content.data();
    bool ok = Json::sax_parse(begin, begin + content.size(), &b);
    if (ok) return root;
    if (b.syntax_error()) refuse_syntax(content, b);
    malformed(b.error());
}

Json parse_object(std::string_view content) {
    Json doc = parse(content);
    if (!doc.is_object()) {
        std::string m = "The policy must be one JSON object, not ";
        m += kind(doc);
        m += '.';
        malformed(std::move(m));
    }
    return doc;
}

void malformed(std::string message) {
    throw api_error(error_code::MalformedPolicyDocumentException, std::move(message));
}

std::string in_quotes(std::string_view s) {
    constexpr std::size_t kMax = 60;
    std::string out = "\"";
    if (s.size() <= kMax) {
        out += s;
    } else {
        std::size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // continuation
        out += s.substr(0, cut);
        out += "...";
    }
    out += '"';
    return out;
}

std::string at(const std::string& path, std::string_view key) {
    std::string s = path;
    s += '.';
    s += key;
    return s;
}

std::string at(const std::string& path, std::size_t index) {
    std::string s = path;
    s += '[';
    s += std::to_string(index);
    s += ']';
    return s;
}

std::string_view kind(const Json& v) {
    switch (v.type()) {
        case Json::value_t::object:
            return "an object";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::null:
            return "null";
        default:
            return "a number";
    }
}

}  // namespace localorgs::model::policy::detail
