#pragma once
// What the files of model/policy/ share; nothing outside model/policy/ includes this header.
#include <string>
#include <vector>

#include "model/policy/documents.hpp"
#include "model/policy/json.hpp"

namespace localorgs::model::policy::detail {

// --- authorization policies (iam.cpp) ---

// One test of a Condition block: operator, key, the values it compares with (as text).
struct Condition {
    std::string op;  // as written, e.g. "ForAnyValue:StringLikeIfExists"
    std::string key;
    std::vector<std::string> values;
};

// One statement of an authorization policy as the evaluator needs it.
struct Statement {
    bool allow = false;
    bool not_action = false;  // `actions` lists NotAction
    std::vector<std::string> actions;
    bool not_resource = false;  // `resources` lists NotResource
    std::vector<std::string> resources;
    std::vector<Condition> conditions;  // all must hold
    // The delegation policy: the AWS principals named, as written (account ids or IAM ARNs).
    std::vector<std::string> principals;
};

// The grammars of authorization policies: SCPs, RCPs, and the organization's delegation policy
// (a resource-based policy naming the member accounts it lets manage policies).
enum class Grammar { scp, rcp, delegation };

// The statements of `doc`, refusing what the grammar does not allow.
std::vector<Statement> read_statements(Grammar grammar, const Json& doc, bool customer);

// --- management policies (management.cpp) ---

// Refuses `doc` unless it is a management policy of `rules.type`.
void check_management(const TypeRules& rules, const Json& doc);

}  // namespace localorgs::model::policy::detail
