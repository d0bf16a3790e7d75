#pragma once
#include <doctest/doctest.h>

#include <string>

#include "model/errors.hpp"

namespace localorgs::testing {

// Runs `f` and checks that it throws exactly this AWS error (and Reason, when given).
template <class F>
void expect_error(F&& f, model::error_code code, const std::string& reason = "") {
    try {
        f();
        FAIL("expected " << model::info(code).type << " but the call succeeded");
    } catch (const model::api_error& e) {
        CHECK_MESSAGE(e.code() == code, "got " << model::info(e.code()).type << ": " << e.message());
        CHECK(e.reason() == reason);
        CHECK(!e.message().empty());
    }
}

}  // namespace localorgs::testing
