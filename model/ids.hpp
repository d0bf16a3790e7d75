#pragma once
// Identifier generation, injected so tests can make it deterministic.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace localorgs::model {

// An AWS account id: exactly 12 decimal digits.
inline bool is_account_id(std::string_view s) {
    if (s.size() != 12) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// ASCII lower case: the form email addresses are stored and compared in, and how the API spells
// an enum's value inside an identifier or a search matches text.
inline std::string lowercase(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return s;
}

// The model's Email pattern, [^\s@]+@[^\s@]+\.[^\s@]+, applied to the whole value (the model
// leaves it unanchored) and a little stricter: one @, a dot after it, not last; 6..64 characters.
inline bool is_email(std::string_view s) {
    if (s.size() < 6 || s.size() > 64) return false;
    auto at = s.find('@');
    if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos)
        return false;
    auto dot = s.rfind('.');
    if (dot == std::string_view::npos || dot < at + 2 || dot + 1 == s.size()) return false;
    for (char c : s)
        if (c == ' ' || (c >= '\t' && c <= '\r')) return false;
    return true;
}

class IdGenerator {
public:
    explicit IdGenerator(std::uint64_t seed);
    IdGenerator();  // seeded from std::random_device

    std::string organization_id();  // o- + 10 [a-z0-9]
    std::string root_id();          // r- + 4 [0-9a-z]
    std::string handshake_id();     // h- + 32 lowercase hex
    std::string create_account_request_id();  // car- + 32 lowercase hex
    std::string account_id();                 // 12 digits, the first not 0
    std::string policy_id();                  // p- + 10 [a-z0-9]
    std::string resource_policy_id();         // rp- + 8 [a-z0-9]
    std::string responsibility_transfer_id();  // rt- + 16 [a-z0-9]
    // ou- + the root id's suffix + - + 8 [a-z0-9]: the model's pattern names the root in the id.
    std::string organizational_unit_id(std::string_view root_id);

private:
    std::string draw(std::string_view prefix, std::size_t n, std::string_view alphabet);
    std::mt19937_64 rng_;
};

}  // namespace localorgs::model
