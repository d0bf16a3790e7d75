#pragma once
// The AWS operations localorgs implements: decode the validated input, call the model, encode.
// Operations of the model that are not in this table answer NotImplementedException.
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "model/organizations.hpp"

namespace localorgs::server::operations {

using Operation = nlohmann::json (*)(model::Organizations&, model::Repository&, const model::Caller&,
                                     const nlohmann::json& input);

struct Entry {
    std::string_view name;
    Operation run;
};

// Each family of operations lists what it implements.
std::span<const Entry> organization_operations() noexcept;  // organizations.cpp
std::span<const Entry> handshake_operations() noexcept;     // handshakes.cpp

// nullptr when the operation is not implemented.
Operation find(std::string_view name) noexcept;

}  // namespace localorgs::server::operations
