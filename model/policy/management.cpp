// Management policies (every type but SCPs and RCPs): their grammar, how the policies on an
// account's path merge into its effective policy, and what makes an effective policy invalid.
//
// Source: the User Guide's "Policy syntax and inheritance for management policy types"
// (policy-operators.html) and its "Inheritance examples" (inheritance-examples.html), whose six
// worked examples tests/model/golden/policy_inheritance/ holds verbatim.
#include <algorithm>

#include "model/policy/internal.hpp"

namespace localorgs::model::policy {
namespace detail {
namespace {

// --- the operators ---

constexpr std::string_view kAssign = "@@assign";
constexpr std::string_view kAppend = "@@append";
constexpr std::string_view kRemove = "@@remove";
constexpr std::string_view kChildControl = "@@operators_allowed_for_child_policies";

// Sets of value-setting operators, as bits.
using Ops = unsigned;
constexpr Ops kAssignBit = 1, kAppendBit = 2, kRemoveBit = 4, kAllOps = 7;

bool is_operator(std::string_view key) {
    return key.substr(0, 2) == "@@";
}

Ops value_operator(std::string_view key) {
    if (key == kAssign) return kAssignBit;
    if (key == kAppend) return kAppendBit;
    if (key == kRemove) return kRemoveBit;
    return 0;
}

// --- the grammar ---

// The value of @@operators_allowed_for_child_policies: ["@@all"], ["@@none"], or a list of the
// value-setting operators. [I] @@all and @@none only alone (together with another entry they say
// two things at once), and never an empty list.
Ops child_control(const Json& v, const std::string& path) {
    auto refuse = [&] {
        malformed(path +
                  R"( must be ["@@all"], ["@@none"] or a list of "@@assign", "@@append" and "@@remove".)");
    };
    if (!v.is_array() || v.empty()) refuse();
    Ops ops = 0;
    for (const Json& item : v) {
        if (!item.is_string()) refuse();
        const auto& s = item.get_ref<const std::string&>();
        if ((s == "@@all" || s == "@@none") && v.size() > 1) refuse();
        if (s == "@@all") return kAllOps;
        if (s == "@@none") return 0;
        Ops op = value_operator(s);
        if (op == 0) refuse();
        ops |= op;
    }
    return ops;
}

// @@assign "can apply to any policy setting of any type": one value or a list. [I] Values are
// strings, numbers and booleans (every type's syntax page writes settings with them), not null,
// and not objects: settings with parts are written as nested keys, each with its own operators.
// @@append and @@remove work "with only multi-valued settings": lists.
void check_value(std::string_view op, const Json& v, const std::string& path) {
    if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (is_scalar(v[i])) continue;
            std::string m = at(path, i);
            m += " must be a string, number or boolean, not ";
            m += kind(v[i]);
            m += '.';
            malformed(std::move(m));
        }
        return;
    }
    std::string m = path;
    if (op != kAssign) {
        m += " must be an array: ";
        m += op;
        m += " works on lists only, not on ";
        m += kind(v);
        m += '.';
        malformed(std::move(m));
    }
    if (is_scalar(v)) return;
    m += " must be a string, number, boolean or array, not ";
    m += kind(v);
    m += v.is_object() ? "; settings with parts are written as nested keys, each with its operators." : ".";
    malformed(std::move(m));
}

// A setting: an object of operators (a value) or of nested settings, never both. [I] The User
// Guide's example 3 prints a policy with "enforced_for" nested inside "tag_value" next to its
// @@remove, but the result it states needs "enforced_for" beside "tag_value": such a mix is
// refused rather than read one of two ways.
void check_setting(const Json& node, const std::string& path, bool top) {
    if (!node.is_object()) {
        std::string m = path;
        m += R"( must be an object: a setting holds operators such as {"@@assign": ...} or nested )";
        m += "settings, not ";
        m += kind(node);
        m += '.';
        malformed(std::move(m));
    }
    std::string_view value_op, nested;
    for (const auto& [key, value] : node.items()) {
        std::string where = at(path, key);
        if (key == kChildControl) {
            child_control(value, where);
        } else if (value_operator(key) != 0) {
            if (top) malformed(path + " holds settings, not a value: " + key + " cannot be used on it.");
            check_value(key, value, where);
            value_op = key;
        } else if (is_operator(key)) {
            std::string m = "Unknown operator ";
            m += in_quotes(key);
            m += " in ";
            m += path;
            m += "; the operators are @@assign, @@append, @@remove and "
                 "@@operators_allowed_for_child_policies.";
            malformed(std::move(m));
        } else {
            if (key.empty()) malformed(path + " has an empty key.");
            check_setting(value, where, false);
            nested = key;
        }
    }
    if (value_op.empty() || nested.empty()) return;
    std::string m = path;
    m += " has both the value operator ";
    m += value_op;
    m += " and the nested setting ";
    m += in_quotes(nested);
    m += "; a setting holds either a value or nested settings.";
    malformed(std::move(m));
}

std::string type_name(const TypeRules& r) {
    return std::string(api::to_string(r.type));
}

}  // namespace

void check_management(const TypeRules& rules, const Json& doc) {
    std::string top(rules.top_key);
    for (const auto& [key, value] : doc.items()) {
        if (key == top) continue;
        std::string m = "Unknown top-level key ";
        m += in_quotes(key);
        m += " in a ";
        m += type_name(rules);
        m += "; its only top-level key is ";
        m += in_quotes(top);
        m += '.';
        malformed(std::move(m));
    }
    if (!doc.contains(top)) {
        std::string m = "The policy has no top-level key ";
        m += in_quotes(top);
        m += "; a ";
        m += type_name(rules);
        m += " starts with it.";
        malformed(std::move(m));
    }
    check_setting(doc[top], top, true);
}

}  // namespace detail

}  // namespace localorgs::model::policy
