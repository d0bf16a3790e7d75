#pragma once
// The AWS operations localorgs implements: decode the validated input, call the model, encode.
// Operations of the model that are not in this table answer NotImplementedException.
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "model/organizations.hpp"

namespace localorgs::server::operations {

// What an operation's database work hands back: the model's answer, encoded as the response body
// only when called, on an I/O thread, so the database thread spends no time on JSON.
using Answer = std::function<std::string()>;

using Operation = Answer (*)(model::Organizations&, model::Repository&, const model::Caller&,
                             const nlohmann::json& input);

// An answer that encodes `value` with `encode` when asked.
template <class T, class Encode>
Answer answer(T value, Encode encode) {
    return [value = std::move(value), encode] { return encode(value); };
}
// The empty object of operations that return nothing.
inline Answer no_output() {
    return [] { return std::string("{}"); };
}

struct Entry {
    std::string_view name;
    Operation run;
};

// Each family of operations lists what it implements.
std::span<const Entry> organization_operations() noexcept;  // organizations.cpp
std::span<const Entry> handshake_operations() noexcept;     // handshakes.cpp

// Describe* and List* operations only read (unless they meet a caller for the first time, or a
// handshake whose expiry is due to be recorded): they may run beside the database thread.
inline bool reads_only(std::string_view name) noexcept {
    return name.starts_with("Describe") || name.starts_with("List");
}

// nullptr when the operation is not implemented.
Operation find(std::string_view name) noexcept;

}  // namespace localorgs::server::operations
