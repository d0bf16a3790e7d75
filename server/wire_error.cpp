#include "server/wire_error.hpp"

#include <array>

namespace localorgs::server {
namespace {

struct protocol_info {
    std::string_view type;
    int status;
    std::string_view message;
};

constexpr std::array kProtocolErrors = {
#define LOCALORGS_ERROR(name, status, message) protocol_info{#name, status, message},
#include "server/protocol_errors.def"
#undef LOCALORGS_ERROR
};

}  // namespace

wire_error::wire_error(std::string_view type, int status, std::string message, std::string reason,
                       std::optional<protocol_code> protocol)
    : std::runtime_error(std::string(type)),
      type_(type),
      status_(status),
      message_(std::move(message)),
      reason_(std::move(reason)),
      protocol_(protocol) {}

wire_error::wire_error(protocol_code code, std::string message)
    : wire_error(
          kProtocolErrors[std::size_t(code)].type, kProtocolErrors[std::size_t(code)].status,
          message.empty() ? std::string(kProtocolErrors[std::size_t(code)].message) : std::move(message), {},
          code) {}

wire_error::wire_error(const model::api_error& e)
    : wire_error(model::info(e.code()).type, model::info(e.code()).http_status, e.message(), e.reason(),
                 std::nullopt) {}

std::optional<wire_error> wire_error::named(std::string_view type, std::string message, std::string reason) {
    if (auto code = model::error_code_of(type))
        return wire_error(model::api_error(*code, std::move(message), std::move(reason)));
    for (std::size_t i = 0; i < kProtocolErrors.size(); ++i)
        if (kProtocolErrors[i].type == type) {
            wire_error e(protocol_code(i), std::move(message));
            e.reason_ = std::move(reason);
            return e;
        }
    return std::nullopt;
}

}  // namespace localorgs::server
