// Management policies (every type but SCPs and RCPs): their grammar, how the policies on an
// account's path merge into its effective policy, and what makes an effective policy invalid.
//
// Source: the User Guide's "Policy syntax and inheritance for management policy types"
// (policy-operators.html) and its "Inheritance examples" (inheritance-examples.html), whose six
// worked examples tests/model/golden/policy_inheritance/ holds verbatim.
#include <algorithm>
#include <memory>
#include <stdexcept>

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

// --- inheritance ---

// The effective policy being built: one Setting per key of the merged documents.
struct Setting {
    std::vector<std::pair<std::string, std::unique_ptr<Setting>>> children;  // in first-written order
    std::optional<Json> value;                                               // one value or a list
    bool emptied = false;         // a list that @@remove emptied: left out of the output
    Ops allowed = kAllOps;        // what the levels above let policies do here and below
    Ops allowed_below = kAllOps;  // this level's child-control lists, intersected: for the levels below
    int assigned_at = -1;         // the level whose (first) @@assign set the value
    std::vector<std::string> contributors;  // the policies whose operators changed it

    Setting& child(const std::string& key) {
        for (auto& [k, s] : children)
            if (k == key) return *s;
        children.emplace_back(key, std::make_unique<Setting>());
        return *children.back().second;
    }
    const Setting* find(std::string_view key) const {
        for (const auto& [k, s] : children)
            if (k == key) return s.get();
        return nullptr;
    }
    // Whether any setting under it holds a value: keys that only ever carried child-control
    // lists hold nothing.
    bool holds_settings() const {
        return std::any_of(children.begin(), children.end(),
                           [](const auto& c) { return c.second->value || c.second->holds_settings(); });
    }
    void contribute(std::string_view id) {
        if (std::find(contributors.begin(), contributors.end(), id) == contributors.end())
            contributors.emplace_back(id);
    }
};

bool contains(const Json& list, const Json& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

// The algorithm the six worked examples of "Inheritance examples" all agree with: walk the levels
// from the root down to the account; at each, apply its policies in the order they were attached.
// An operator applies only where the child-control lists of the levels above allow it, and is
// otherwise ignored (example 4). The lists of the policies of one level are intersected
// (example 5) and bind the levels below, not that level. At one level the first-attached @@assign
// of a setting wins (example 6) [I: for lists too; @@append and @@remove still apply].
class Merger {
public:
    explicit Merger(const TypeRules& rules) : rules_(rules) {}

    void merge_level(const std::vector<Applied>& level) {
        for (const Applied& p : level) {
            Json doc = parse_object(p.content);
            check_management(rules_, doc);
            policy_ = p.id;
            merged_.emplace_back(p.id);
            std::string top(rules_.top_key);
            merge(top_, doc[top], kAllOps, top);
        }
        commit(top_);
        ++level_;
    }

    bool empty() const { return merged_.empty(); }

    // The effective policy: operators gone, emptied lists and settings left without a value
    // dropped; the top-level key stays [I], if only as {}.
    Json render() const {
        Json doc = Json::object();
        doc[std::string(rules_.top_key)] = render(top_).value_or(Json::object());
        return doc;
    }

    const Setting& top() const { return top_; }
    const std::vector<std::string>& merged() const { return merged_; }
    std::vector<ValidationError>& conflicts() { return conflicts_; }

private:
    void merge(Setting& s, const Json& node, Ops inherited, const std::string& path) {
        Ops allowed = inherited & s.allowed;
        for (const auto& [key, value] : node.items()) {
            if (key == kChildControl)
                s.allowed_below &= child_control(value, path);
            else if (Ops op = value_operator(key))
                apply(s, op, key, value, allowed, path);
        }
        for (const auto& [key, value] : node.items()) {
            if (is_operator(key)) continue;
            if (s.value) {
                conflict(s, path, path + " holds a value, so the settings nested under it are ignored.");
                return;
            }
            merge(s.child(key), value, allowed, at(path, key));
        }
    }

    void apply(Setting& s, Ops op, std::string_view name, const Json& v, Ops allowed,
               const std::string& path) {
        if (!(allowed & op)) return;  // a level above does not let its children use `op` here
        if (s.holds_settings()) {
            std::string m = path;
            m += " holds nested settings, so ";
            m += name;
            m += " is ignored there.";
            return conflict(s, path, std::move(m));
        }
        if (op == kAssignBit) return assign(s, v);
        if (s.value && !s.value->is_array()) {
            std::string m = path;
            m += " holds a single value, so ";
            m += name;
            m += ", which works on lists, is ignored there.";
            return conflict(s, path, std::move(m));
        }
        if (op == kAppendBit)
            append(s, v);
        else
            remove(s, v);
    }

    void assign(Setting& s, const Json& v) {
        if (s.assigned_at == level_) return;  // an earlier policy of this level assigned it
        s.value = v;
        s.emptied = false;
        s.assigned_at = level_;
        s.contribute(policy_);
    }

    // [I] A list holds each value once: appending one already there changes nothing.
    void append(Setting& s, const Json& v) {
        if (!s.value) s.value = Json::array();
        for (const Json& item : v)
            if (!contains(*s.value, item)) s.value->push_back(item);
        if (!s.value->empty()) s.emptied = false;
        s.contribute(policy_);
    }

    void remove(Setting& s, const Json& v) {
        if (!s.value) return;  // "removes the specified inherited settings ... if they exist"
        auto& items = s.value->get_ref<Json::array_t&>();
        std::size_t before = items.size();
        items.erase(std::remove_if(items.begin(), items.end(), [&](const Json& x) { return contains(v, x); }),
                    items.end());
        if (items.size() == before) return;
        s.contribute(policy_);
        if (items.empty()) s.emptied = true;  // example 3: an emptied list vanishes from the output
    }

    // [I] Policies that disagree on what a setting is (a value here, nested settings there; a list
    // here, a single value there): the later operator is ignored, and ListEffectivePolicy-
    // ValidationErrors reports it.
    void conflict(Setting& s, const std::string& path, std::string message) {
        ValidationError e{"ELEMENT_TYPE_MISMATCH", std::move(message), path, s.contributors};
        if (std::find(e.contributing_policies.begin(), e.contributing_policies.end(), policy_) ==
            e.contributing_policies.end())
            e.contributing_policies.emplace_back(policy_);
        conflicts_.push_back(std::move(e));
    }

    static void commit(Setting& s) {
        s.allowed &= s.allowed_below;
        s.allowed_below = kAllOps;
        for (auto& [key, child] : s.children) commit(*child);
    }

    static std::optional<Json> render(const Setting& s) {
        if (s.value) {
            if (s.emptied) return std::nullopt;
            return *s.value;
        }
        Json out = Json::object();
        for (const auto& [key, child] : s.children)
            if (auto v = render(*child)) out.get_ref<Json::object_t&>().emplace_back(key, std::move(*v));
        if (out.empty()) return std::nullopt;
        return out;
    }

    const TypeRules& rules_;
    Setting top_;
    int level_ = 0;
    std::string policy_;               // the policy being merged
    std::vector<std::string> merged_;  // every policy merged, in order
    std::vector<ValidationError> conflicts_;
};

const TypeRules& management_rules(api::PolicyType type) {
    const TypeRules& r = rules(type);
    if (r.authorization) throw std::logic_error("SCPs and RCPs have no effective policy");
    return r;
}

Merger merge_all(const TypeRules& r, const Levels& levels) {
    Merger m(r);
    for (const auto& level : levels) m.merge_level(level);
    return m;
}

// --- validation of the effective policy [I] ---
// AWS names one error code, ELEMENTS_TOO_MANY, and says the effective policy is checked for what
// the service can enforce; which checks it makes is not documented. These are invented, each
// from a documented rule: ELEMENTS_TOO_MANY for any list longer than kMaxElements,
// ELEMENT_MISSING for what a type's syntax page calls required (Security Hub's two region lists,
// at the top and in each feature), and ELEMENT_TYPE_MISMATCH (above) for operators that could not
// apply.

constexpr std::size_t kMaxElements = 100;  // [I] no page states a limit; generous for region and tag lists

void check_counts(const Setting& s, const std::string& path, std::vector<ValidationError>& out) {
    if (s.value && s.value->is_array() && s.value->size() > kMaxElements) {
        std::string m = path;
        m += " has ";
        m += std::to_string(s.value->size());
        m += " elements; at most ";
        m += std::to_string(kMaxElements);
        m += " are allowed.";
        out.push_back({"ELEMENTS_TOO_MANY", std::move(m), path, s.contributors});
    }
    for (const auto& [key, child] : s.children) check_counts(*child, at(path, key), out);
}

// "Both enable_in_regions and disable_in_regions lists are required in the policy, though they
// can be empty" -- and likewise within each feature (the User Guide's "Security Hub policy syntax
// and examples"). A list emptied by @@remove still counts as present.
void require_region_lists(const Setting& s, const std::string& path, const std::vector<std::string>& policies,
                          std::vector<ValidationError>& out) {
    for (std::string_view list : {"enable_in_regions", "disable_in_regions"}) {
        const Setting* found = s.find(list);
        if (found && found->value && found->value->is_array()) continue;
        std::string where = at(path, list);
        std::string m = "The effective policy has no list ";
        m += where;
        m += "; enable_in_regions and disable_in_regions are both required (either may be empty).";
        out.push_back({"ELEMENT_MISSING", std::move(m), where, found ? found->contributors : policies});
    }
}

void check_security_hub(const Merger& m, std::vector<ValidationError>& out) {
    const std::string top = "securityhub";
    require_region_lists(m.top(), top, m.merged(), out);
    const Setting* features = m.top().find("features");
    if (!features) return;
    for (const auto& [name, feature] : features->children)
        require_region_lists(*feature, at(at(top, "features"), name), m.merged(), out);
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

std::optional<std::string> effective(api::PolicyType type, const Levels& levels) {
    detail::Merger m = detail::merge_all(detail::management_rules(type), levels);
    if (m.empty()) return std::nullopt;
    return m.render().dump();
}

std::vector<ValidationError> effective_errors(api::PolicyType type, const Levels& levels) {
    detail::Merger m = detail::merge_all(detail::management_rules(type), levels);
    if (m.empty()) return {};
    std::vector<ValidationError> out = std::move(m.conflicts());
    if (type == api::PolicyType::SECURITYHUB_POLICY) detail::check_security_hub(m, out);
    const TypeRules& r = rules(type);
    detail::check_counts(m.top(), std::string(r.top_key), out);
    return out;
}

}  // namespace localorgs::model::policy
