#include "server/validation/validator.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "model/errors.hpp"
#include "server/wire_error.hpp"
#include "server/validation/constraints.inc"
#include "server/validation/pattern.hpp"

// Two passes over the body, both following the generated shape table:
// 1. JSON types of everything (SerializationException), so a wrongly typed member is reported as
//    such even when an earlier member also breaks a constraint; the protocol, not the service
//    layer, would have rejected it first on AWS.
// 2. Constraints, stopping at the first violation in model member order (InvalidInputException).
// Lengths are counted in code points. AWS (Java) counts UTF-16 code units, so a value with
// characters beyond U+FFFF may pass here at a length AWS would reject; no real client relies on it.
// Nothing is allocated unless a violation is reported: member paths are a chain of stack frames.
namespace localorgs::server::validation {
namespace {

using model::api_error;
using model::error_code;
using model::throw_invalid_input;

using generated::kMembers;
using generated::kNoShape;
using generated::kOperations;
using generated::kShapes;
using generated::shape_def;
using generated::shape_kind;
using json = nlohmann::json;

// The shape graph of the current model is acyclic and shallow; this only bounds a future
// recursive shape against a deeply nested body.
constexpr int kMaxDepth = 32;

constexpr auto kOperationNames = [] {
    std::array<std::string_view, std::size(kOperations)> names{};
    std::transform(std::begin(kOperations), std::end(kOperations), names.begin(),
                   [](const generated::operation_def& op) { return op.name; });
    return names;
}();

constexpr auto kOperationsByName = [] {
    auto ops = std::to_array(kOperations);
    std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return ops;
}();

const generated::operation_def* find_operation(std::string_view name) noexcept {
    const auto it = std::lower_bound(kOperationsByName.begin(), kOperationsByName.end(), name,
                                     [](const auto& op, std::string_view n) { return op.name < n; });
    return it != kOperationsByName.end() && it->name == name ? &*it : nullptr;
}

// Compiled on first use, once per process. A model pattern the engine cannot compile throws here,
// which the tests catch.
const pattern& model_pattern(std::int16_t index) {
    static const std::vector<pattern> compiled = [] {
        std::vector<pattern> patterns;
        patterns.reserve(std::size(generated::kPatterns));
        for (const std::string_view source : generated::kPatterns) patterns.emplace_back(source);
        return patterns;
    }();
    return compiled[static_cast<std::size_t>(index)];
}

// Where a value sits in the body: a member name or a list index, linked to its parent.
struct path_frame {
    const path_frame* parent;
    std::string_view member;  // empty: list element
    std::size_t index;
};

std::string to_string(const path_frame* leaf) {
    std::array<const path_frame*, kMaxDepth + 2> frames{};
    std::size_t depth = 0;
    for (const path_frame* f = leaf; f != nullptr && depth < frames.size(); f = f->parent)
        frames[depth++] = f;
    std::string out;
    while (depth > 0) {
        const path_frame* f = frames[--depth];
        if (f->member.empty()) {
            out += '[' + std::to_string(f->index) + ']';
        } else {
            if (!out.empty()) out += '.';
            out += f->member;
        }
    }
    return out;
}

// --- pass 1: JSON types -----------------------------------------------------------------------

std::string_view expected_name(shape_kind kind) {
    switch (kind) {
        case shape_kind::structure:
            return "a Structure";
        case shape_kind::list:
            return "a List";
        case shape_kind::string:
            return "a String";
        case shape_kind::integer:
            return "an Integer";
        case shape_kind::long_:
            return "a Long";
        case shape_kind::boolean:
            return "a Boolean";
        case shape_kind::timestamp:
            return "a Timestamp";
    }
    return "a value";
}

// Phrased like AWS's own deserializer ("Start of list found where not expected"), plus the member.
[[noreturn]] void throw_serialization(std::string what, const path_frame* path) {
    if (path != nullptr) what += " (member " + to_string(path) + ")";
    throw wire_error(protocol_code::SerializationException, what + ".");
}

[[noreturn]] void throw_wrong_type(const json& value, shape_kind expected, const path_frame* path) {
    if (value.is_object()) throw_serialization("Start of structure or map found where not expected", path);
    if (value.is_array()) throw_serialization("Start of list found where not expected", path);
    std::string_view found = "NUMBER_VALUE";
    if (value.is_string()) {
        found = "STRING_VALUE";
    } else if (value.is_boolean()) {
        found = "BOOLEAN_VALUE";
    } else if (value.is_null()) {
        found = "NULL_VALUE";  // only a list element: null members count as absent
    } else if (value.is_number_float() &&
               (expected == shape_kind::integer || expected == shape_kind::long_)) {
        found = "Fractional NUMBER_VALUE";
    }
    throw_serialization(
        std::string(found) + " can not be converted to " + std::string(expected_name(expected)), path);
}

bool fits(const json& value, std::int64_t low, std::int64_t high) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(high);
    const auto v = value.get<std::int64_t>();
    return v >= low && v <= high;
}

void check_types(const shape_def& shape, const json& value, const path_frame* path, int depth) {
    if (depth > kMaxDepth) throw_serialization("Input nested too deeply", path);
    switch (shape.kind) {
        case shape_kind::structure:
            if (!value.is_object()) throw_wrong_type(value, shape.kind, path);
            for (const auto& member : std::span(kMembers).subspan(shape.first, shape.count)) {
                const auto it = value.find(member.name);
                if (it == value.end() || it->is_null()) continue;
                const path_frame frame{path, member.name, 0};
                check_types(kShapes[member.shape], *it, &frame, depth + 1);
            }
            return;
        case shape_kind::list:
            if (!value.is_array()) throw_wrong_type(value, shape.kind, path);
            for (std::size_t i = 0; i < value.size(); ++i) {
                const path_frame frame{path, {}, i};
                check_types(kShapes[shape.element], value[i], &frame, depth + 1);
            }
            return;
        case shape_kind::string:
            if (!value.is_string()) throw_wrong_type(value, shape.kind, path);
            // Only a body built in-process can get here: the JSON parser rejects ill-formed UTF-8.
            if (!utf8_length(value.get_ref<const std::string&>())) {
                throw_serialization("Invalid UTF-8 in STRING_VALUE", path);
            }
            return;
        case shape_kind::integer:
        case shape_kind::long_: {
            if (!value.is_number_integer()) throw_wrong_type(value, shape.kind, path);
            const bool is_int = shape.kind == shape_kind::integer;
            const std::int64_t low =
                is_int ? std::numeric_limits<std::int32_t>::min() : std::numeric_limits<std::int64_t>::min();
            const std::int64_t high =
                is_int ? std::numeric_limits<std::int32_t>::max() : std::numeric_limits<std::int64_t>::max();
            if (!fits(value, low, high)) {
                throw_serialization(
                    "NUMBER_VALUE is out of range for " + std::string(expected_name(shape.kind)), path);
            }
            return;
        }
        case shape_kind::boolean:
            if (!value.is_boolean()) throw_wrong_type(value, shape.kind, path);
            return;
        case shape_kind::timestamp:
            // awsJson sends timestamps as epoch seconds.
            if (!value.is_number()) throw_wrong_type(value, shape.kind, path);
            return;
    }
}

// --- pass 2: constraints -----------------------------------------------------------------------

std::string_view reason_text(std::string_view reason) {
    for (const auto& r : generated::kReasonTexts) {
        if (r.reason == reason) return r.text.substr(0, r.text.find_last_not_of('.') + 1);
    }
    return "You provided invalid values for one or more of the request parameters";
}

// "<model reason text> for member <path>.<detail>"
[[noreturn]] void throw_violation(std::string_view reason, const path_frame* path,
                                  const std::string& detail = {}) {
    throw_invalid_input(reason,
                        std::string(reason_text(reason)) + " for member " + to_string(path) + "." + detail);
}

std::string bound(std::string_view what, std::int64_t value) {
    return " The " + std::string(what) + " is " + std::to_string(value) + ".";
}

void check_string(const shape_def& shape, const std::string& value, const path_frame* path) {
    // Pass 1 established the UTF-8 is well formed.
    const auto length = static_cast<std::int64_t>(utf8_length(value).value_or(0));
    if (length < shape.min) throw_violation("MIN_LENGTH_EXCEEDED", path, bound("minimum length", shape.min));
    if (length > shape.max) throw_violation("MAX_LENGTH_EXCEEDED", path, bound("maximum length", shape.max));
    // After the length checks, so the pattern only ever sees bounded input.
    if (shape.pattern >= 0 && !model_pattern(shape.pattern).find(value))
        throw_violation("INVALID_PATTERN", path);
    if (shape.count > 0) {
        const auto values = std::span(generated::kEnumValues).subspan(shape.first, shape.count);
        if (std::find(values.begin(), values.end(), value) != values.end()) return;
        std::string valid = " Valid values: ";
        for (const std::string_view v : values) (valid += v) += ", ";
        valid.replace(valid.size() - 2, 2, ".");
        throw_violation("INVALID_ENUM", path, valid);
    }
}

void check_constraints(const shape_def& shape, const json& value, const path_frame* path) {
    switch (shape.kind) {
        case shape_kind::structure:
            for (const auto& member : std::span(kMembers).subspan(shape.first, shape.count)) {
                const auto it = value.find(member.name);
                const path_frame frame{path, member.name, 0};
                if (it == value.end() || it->is_null()) {
                    if (!member.required) continue;
                    throw_invalid_input("INPUT_REQUIRED", std::string(reason_text("INPUT_REQUIRED")) + ": " +
                                                              to_string(&frame) + ".");
                }
                check_constraints(kShapes[member.shape], *it, &frame);
            }
            return;
        case shape_kind::list: {
            const auto size = static_cast<std::int64_t>(value.size());
            if (size < shape.min) {
                throw_invalid_input("MIN_LENGTH_EXCEEDED",
                                    "You provided a list with fewer members than allowed for member " +
                                        to_string(path) + "." + bound("minimum", shape.min));
            }
            if (size > shape.max) {
                throw_invalid_input("MAX_LENGTH_EXCEEDED",
                                    "You provided a list with more members than allowed for member " +
                                        to_string(path) + "." + bound("maximum", shape.max));
            }
            for (std::size_t i = 0; i < value.size(); ++i) {
                const path_frame frame{path, {}, i};
                check_constraints(kShapes[shape.element], value[i], &frame);
            }
            return;
        }
        case shape_kind::string:
            check_string(shape, value.get_ref<const std::string&>(), path);
            return;
        case shape_kind::integer:
        case shape_kind::long_: {
            // Pass 1 established the value fits the shape's type.
            const auto number = value.get<std::int64_t>();
            if (number < shape.min)
                throw_violation("MIN_VALUE_EXCEEDED", path, bound("minimum value", shape.min));
            if (number > shape.max)
                throw_violation("MAX_VALUE_EXCEEDED", path, bound("maximum value", shape.max));
            return;
        }
        case shape_kind::boolean:
        case shape_kind::timestamp:
            return;
    }
}

}  // namespace

std::span<const std::string_view> operation_names() noexcept {
    return kOperationNames;
}

bool is_known_operation(std::string_view operation) noexcept {
    return find_operation(operation) != nullptr;
}

void validate_input(std::string_view operation, const nlohmann::json& input) {
    const generated::operation_def* op = find_operation(operation);
    if (op == nullptr) throw wire_error(protocol_code::UnknownOperationException);
    if (op->input == kNoShape) {
        // Nothing to validate, but the body must still be a JSON object.
        if (!input.is_object()) throw_wrong_type(input, shape_kind::structure, nullptr);
        return;
    }
    const shape_def& shape = kShapes[op->input];
    check_types(shape, input, nullptr, 0);
    check_constraints(shape, input, nullptr);
}

}  // namespace localorgs::server::validation
