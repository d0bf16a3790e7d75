#pragma once
// An operation as the server finds it: its wire name and a call with typed input and output
// (model/service.hpp binds each to a family's method).
#include <string_view>

#include "model/api/shapes.hpp"
#include "model/repository.hpp"
#include "model/types.hpp"

namespace localorgs::model {

class Service;

struct Binding {
    std::string_view name;
    // `input` points to the operation's api::ops::<Name>::Input, `output` to its Output.
    void (*invoke)(Service& service, Repository& repo, const Caller& caller, const void* input, void* output);
};

}  // namespace localorgs::model
