#pragma once
// What the files of model/policy/ share; nothing outside model/policy/ includes this header.
#include <string>
#include <vector>

#include "model/policy/documents.hpp"
#include "model/policy/json.hpp"

namespace localorgs::model::policy::detail {

// --- authorization policies (iam.cpp) ---

// One statement of an SCP or RCP as the evaluator needs it.
struct Statement {
    bool allow = false;
    bool not_action = false;  // `actions` lists NotAction
    std::vector<std::string> actions;
    bool not_resource = false;  // `resources` lists NotResource
    std::vector<std::string> resources;
    bool conditional = false;  // has a Condition block
};

// The statements of `doc`, an SCP or RCP, refusing what the grammar does not allow.
std::vector<Statement> read_statements(api::PolicyType type, const Json& doc, bool customer);

// --- management policies (management.cpp) ---

// Refuses `doc` unless it is a management policy of `rules.type`.
void check_management(const TypeRules& rules, const Json& doc);

}  // namespace localorgs::model::policy::detail
