#pragma once
// An AWS error as the wire carries it: __type, HTTP status, Message and Reason. The server throws
// its own (the protocol's errors, server/protocol_errors.def) and turns the model's api_error and
// the control plane's injected faults into one; server/aws_json.cpp writes them all.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "model/errors.hpp"

namespace localorgs::server {

enum class protocol_code {
#define LOCALORGS_ERROR(name, status, message) name,
#include "server/protocol_errors.def"
#undef LOCALORGS_ERROR
};

class wire_error : public std::runtime_error {
public:
    explicit wire_error(protocol_code code, std::string message = {});
    explicit wire_error(const model::api_error& e);
    // An error of either table by its __type (faults name them so); nullopt for an unknown name.
    static std::optional<wire_error> named(std::string_view type, std::string message = {},
                                           std::string reason = {});

    std::string_view type() const noexcept { return type_; }
    int http_status() const noexcept { return status_; }
    const std::string& message() const noexcept { return message_; }
    const std::string& reason() const noexcept { return reason_; }  // empty: no Reason member
    // The protocol's code when it is one of the protocol's errors.
    std::optional<protocol_code> protocol() const noexcept { return protocol_; }

private:
    wire_error(std::string_view type, int status, std::string message, std::string reason,
               std::optional<protocol_code> protocol);
    std::string_view type_;  // from one of the tables: static storage
    int status_;
    std::string message_;
    std::string reason_;
    std::optional<protocol_code> protocol_;
};

}  // namespace localorgs::server
