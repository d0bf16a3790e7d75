#pragma once
// The domain's single error type. Everything that goes wrong on an API call is thrown as an
// api_error; the protocol layer is the one place that turns it into an AWS JSON error body.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace localorgs::model {

enum class error_code {
#define LOCALORGS_ERROR(name, status, message) name,
#include "errors.def"
#undef LOCALORGS_ERROR
};

struct error_info {
    std::string_view type;     // AWS __type
    int http_status;           // wire status
    std::string_view message;  // default Message
};

const error_info& info(error_code code) noexcept;
// The error whose AWS __type is `type`, if the table has it.
std::optional<error_code> error_code_of(std::string_view type) noexcept;

class api_error : public std::runtime_error {
public:
    explicit api_error(error_code code, std::string message = {}, std::string reason = {});
    error_code code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }
    const std::string& reason() const noexcept { return reason_; }  // empty: no Reason member

private:
    error_code code_;
    std::string message_;
    std::string reason_;
};

// Shorthands for the errors that carry a Reason.
[[noreturn]] void throw_invalid_input(std::string_view reason, std::string message = {});
[[noreturn]] void throw_constraint(std::string_view reason, std::string message = {});

}  // namespace localorgs::model
