#pragma once
// Input validation driven by the constraint table generated from the botocore service model
// (tools/gen_constraints.py -> constraints.inc). Runs before any operation.
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

namespace localorgs::server::validation {

// Every operation of the service model (63 of them), in model order.
std::span<const std::string_view> operation_names() noexcept;
bool is_known_operation(std::string_view operation) noexcept;

// Checks the decoded request body of `operation` against its input shape.
// - body not an object, or a member of the wrong JSON type -> api_error SerializationException
// - constraint violated -> api_error InvalidInputException with the model's Reason
//   (INPUT_REQUIRED, MIN_/MAX_LENGTH_EXCEEDED, INVALID_PATTERN, INVALID_ENUM, MIN_/MAX_VALUE_EXCEEDED)
// Unknown members are ignored. Precondition: is_known_operation(operation).
void validate_input(std::string_view operation, const nlohmann::json& input);

}  // namespace localorgs::server::validation
