#include "model/pagination.hpp"

#include <array>
#include <cstdint>

#include "model/errors.hpp"

namespace localorgs::model {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(acc >> bits) & 63]);
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
    return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
    static const auto table = [] {
        std::array<int, 256> t{};
        t.fill(-1);
        for (std::size_t i = 0; i < kAlphabet.size(); ++i)
            t[static_cast<unsigned char>(kAlphabet[i])] = int(i);
        return t;
    }();
    std::string out;
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        int v = table[c];
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xff));
        }
    }
    return out;
}

// Not a secret against attackers (this is a local emulator); it makes tokens tamper-evident so
// clients get INVALID_NEXT_TOKEN instead of a silently wrong page.
std::uint64_t checksum(std::string_view payload) {
    std::uint64_t h = 0xcbf29ce484222325ull ^ 0x6c6f63616c6f7267ull;  // "localorg"
    for (unsigned char c : payload) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string hex64(std::uint64_t v) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) s[std::size_t(i)] = digits[v & 15];
    return s;
}

[[noreturn]] void invalid_token() {
    throw_invalid_input("INVALID_NEXT_TOKEN",
                        "The NextToken is not valid. Get the value for the NextToken parameter from the "
                        "response to a previous call of the operation.");
}

}  // namespace

std::string encode_page_token(std::string_view kind, std::string_view scope, std::string_view last_key) {
    std::string payload;
    payload.reserve(kind.size() + scope.size() + last_key.size() + 20);
    payload.append("1\n").append(kind).append("\n").append(scope).append("\n").append(last_key);
    std::string sum = hex64(checksum(payload));
    payload.append("\n").append(sum);
    return base64url(payload);
}

std::string decode_page_token(const PageRequest& request, std::string_view kind, std::string_view scope) {
    if (!request.next_token) return {};
    auto raw = unbase64url(*request.next_token);
    // Only the canonical spelling of a token is accepted, so no two strings name the same page.
    if (!raw || raw->size() < 17 || base64url(*raw) != *request.next_token) invalid_token();
    std::string_view all(*raw);
    std::string_view payload = all.substr(0, all.size() - 17);
    if (all[all.size() - 17] != '\n' || all.substr(all.size() - 16) != hex64(checksum(payload)))
        invalid_token();
    // payload = "1\n<kind>\n<scope>\n<last>"
    std::string expected_head = "1\n";
    expected_head.append(kind).append("\n").append(scope).append("\n");
    if (payload.substr(0, expected_head.size()) != expected_head) invalid_token();
    std::string last(payload.substr(expected_head.size()));
    if (last.empty()) invalid_token();
    return last;
}

}  // namespace localorgs::model
