#include "model/ids.hpp"

namespace localorgs::model {
namespace {
constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kHex = "0123456789abcdef";
}  // namespace

IdGenerator::IdGenerator(std::uint64_t seed) : rng_(seed) {}
IdGenerator::IdGenerator() : rng_((std::uint64_t(std::random_device{}()) << 32) | std::random_device{}()) {}

std::string IdGenerator::draw(std::string_view prefix, std::size_t n, std::string_view alphabet) {
    std::string out(prefix);
    out.reserve(prefix.size() + n);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    for (std::size_t i = 0; i < n; ++i) out.push_back(alphabet[pick(rng_)]);
    return out;
}

std::string IdGenerator::organization_id() {
    return draw("o-", 10, kLowerAlnum);
}
std::string IdGenerator::root_id() {
    return draw("r-", 4, kLowerAlnum);
}
std::string IdGenerator::handshake_id() {
    return draw("h-", 32, kHex);
}
std::string IdGenerator::create_account_request_id() { return draw("car-", 32, kHex); }
std::string IdGenerator::policy_id() { return draw("p-", 10, kLowerAlnum); }
std::string IdGenerator::resource_policy_id() { return draw("rp-", 8, kLowerAlnum); }
std::string IdGenerator::responsibility_transfer_id() { return draw("rt-", 16, kLowerAlnum); }
std::string IdGenerator::account_id() { return draw("", 1, "123456789") + draw("", 11, "0123456789"); }
std::string IdGenerator::organizational_unit_id(std::string_view root_id) {
    std::string prefix = "ou-";
    prefix.append(root_id.substr(root_id.find('-') + 1)).append("-");
    return draw(prefix, 8, kLowerAlnum);
}

}  // namespace localorgs::model
