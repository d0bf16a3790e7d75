#include "errors.hpp"

#include <array>

namespace localorgs::model {
namespace {
constexpr std::array kErrors = {
#define LOCALORGS_ERROR(name, status, message) error_info{#name, status, message},
#include "errors.def"
#undef LOCALORGS_ERROR
};
}  // namespace

const error_info& info(error_code code) noexcept {
    return kErrors[static_cast<std::size_t>(code)];
}

std::optional<error_code> error_code_of(std::string_view type) noexcept {
    for (std::size_t i = 0; i < kErrors.size(); ++i)
        if (kErrors[i].type == type) return static_cast<error_code>(i);
    return std::nullopt;
}

api_error::api_error(error_code code, std::string message, std::string reason)
    : std::runtime_error(std::string(info(code).type)),
      code_(code),
      message_(message.empty() ? std::string(info(code).message) : std::move(message)),
      reason_(std::move(reason)) {}

void throw_invalid_input(std::string_view reason, std::string message) {
    throw api_error(error_code::InvalidInputException, std::move(message), std::string(reason));
}

void throw_constraint(std::string_view reason, std::string message) {
    throw api_error(error_code::ConstraintViolationException, std::move(message), std::string(reason));
}

}  // namespace localorgs::model
