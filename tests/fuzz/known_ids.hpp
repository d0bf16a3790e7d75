#pragma once
// Placeholders for ids the server made: in a fuzz input, "$o0", "$r1" and "$h2" stand for the
// first organization id, the second root id and the third handshake id known so far (seen in the
// server's answers, in order, or made by the fixture). Ids are random strings the fuzzer would
// never guess, and SQLite's comparisons give it no coverage hint towards them; with placeholders,
// seeds recorded from real clients replay whole lifecycles, and mutations act on real objects.
// tests/fuzz/make_corpus.py writes the recorded ids as these placeholders, numbered the same way.
#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace localorgs::fuzz {

class KnownIds {
public:
    // Every string in `answer` shaped like an id localorgs makes, in the order the answer is
    // written (nlohmann::json sorts members), that is not known yet.
    void learn(const nlohmann::json& answer) {
        if (answer.is_string()) {
            learn(answer.get_ref<const std::string&>());
        } else if (answer.is_structured()) {
            for (const auto& item : answer) learn(item);
        }
    }

    void learn(const std::string& id) {
        const int kind = kind_of(id);
        if (kind < 0) return;
        auto& known = ids_[std::size_t(kind)];
        for (const auto& k : known)
            if (k == id) return;
        known.push_back(id);
    }

    // `text` with each placeholder of a known id replaced by the id; others stay as they are.
    std::string substitute(std::string_view text) const {
        std::string out;
        out.reserve(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            const auto kind = i + 2 < text.size() && text[i] == '$'
                                  ? std::string_view(kKinds).find(text[i + 1])
                                  : std::string_view::npos;
            std::size_t end = i + 2;
            std::size_t index = 0;
            while (kind != std::string_view::npos && end < text.size() && end < i + 5 && text[end] >= '0' &&
                   text[end] <= '9')
                index = index * 10 + std::size_t(text[end++] - '0');
            if (kind == std::string_view::npos || end == i + 2 || index >= ids_[kind].size()) {
                out.push_back(text[i]);
                continue;
            }
            out += ids_[kind][index];
            i = end - 1;
        }
        return out;
    }

private:
    static constexpr const char* kKinds = "orh";

    // What model/ids.cpp makes: o- and 10 [a-z0-9], r- and 4 [a-z0-9], h- and 32 [0-9a-f].
    static int kind_of(std::string_view s) {
        static constexpr std::array<std::size_t, 3> kLengths = {10, 4, 32};
        if (s.size() < 3 || s[1] != '-') return -1;
        const auto kind = std::string_view(kKinds).find(s[0]);
        if (kind == std::string_view::npos || s.size() != 2 + kLengths[kind]) return -1;
        for (const char c : s.substr(2)) {
            const bool digit = c >= '0' && c <= '9';
            const bool letter = kind == 2 ? c >= 'a' && c <= 'f' : c >= 'a' && c <= 'z';
            if (!digit && !letter) return -1;
        }
        return int(kind);
    }

    std::array<std::vector<std::string>, 3> ids_;
};

}  // namespace localorgs::fuzz
