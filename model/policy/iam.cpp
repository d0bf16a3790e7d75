// Authorization policies: the IAM policy grammar as SCPs and RCPs take it, and how SCPs decide a
// member account's call.
//
// Sources: the User Guide's "SCP syntax" and "RCP syntax" pages; since 19 September 2025 SCPs take
// the full IAM language (AWS Security Blog, "... service control policies now support full IAM
// language"): Condition, resource ARNs and NotAction in Allow statements, wildcards anywhere in an
// action, NotResource. The IAM User Guide's "IAM JSON policy element reference" and "Policy
// evaluation logic" for the rest.
#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

#include "model/ids.hpp"
#include "model/policy/internal.hpp"

namespace localorgs::model::policy {
namespace detail {
namespace {

using api::PolicyType;

std::string_view grammar_name(Grammar g) {
    switch (g) {
        case Grammar::rcp: return "a resource control policy";
        case Grammar::delegation: return "a delegation policy";
        case Grammar::scp: break;
    }
    return "a service control policy";
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// "*", or "service:Action" where the service prefix is letters, digits and hyphens ("s3",
// "execute-api") and the action letters and digits with * and ? anywhere (the IAM User Guide's
// "IAM JSON policy elements: Action").
bool is_action_pattern(std::string_view s) {
    if (s == "*") return true;
    auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
    auto service = s.substr(0, colon), action = s.substr(colon + 1);
    bool service_ok =
        std::all_of(service.begin(), service.end(), [](char c) { return is_alnum(c) || c == '-'; });
    bool action_ok = std::all_of(action.begin(), action.end(), [](char c) {
        return is_alnum(c) || c == '*' || c == '?' || c == '-' || c == '_';
    });
    return service_ok && action_ok;
}

// "*", or an ARN: "arn:partition:service:region:account:resource", any part wildcarded ("IAM JSON
// policy elements: Resource": "must be in ARN format or *").
bool is_resource_pattern(std::string_view s) {
    return s == "*" || (starts_with(s, "arn:") && std::count(s.begin(), s.end(), ':') >= 5);
}

// The IAM User Guide's "IAM JSON policy elements: Condition operators": each may end in
// "IfExists" (but Null) and be qualified with "ForAllValues:" or "ForAnyValue:" for multivalued keys.
bool is_condition_operator(std::string_view op) {
    // clang-format off
    static constexpr std::string_view kOperators[] = {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
        "NumericGreaterThan", "NumericGreaterThanEquals",
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
        "DateGreaterThan", "DateGreaterThanEquals",
        "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
        "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"};
    // clang-format on
    for (std::string_view q : {"ForAllValues:", "ForAnyValue:"})
        if (starts_with(op, q)) op.remove_prefix(q.size());
    if (ends_with(op, "IfExists")) {
        op.remove_suffix(std::string_view("IfExists").size());
        if (op == "Null") return false;
    }
    return std::find(std::begin(kOperators), std::end(kOperators), op) != std::end(kOperators);
}

// A string or a non-empty array of strings (Action, Resource and their Not forms), each of which
// `valid` accepts; `what` says what they must be.
template <class Valid>
std::vector<std::string> string_list(const Json& v, const std::string& path, Valid valid,
                                     std::string_view what) {
    std::vector<std::string> out;
    auto take = [&](const Json& item, const std::string& where) {
        if (!item.is_string()) {
            std::string m = where;
            m += " must be a string, not ";
            m += kind(item);
            m += '.';
            malformed(std::move(m));
        }
        const auto& s = item.get_ref<const std::string&>();
        if (!valid(s)) {
            std::string m = where;
            m += ' ';
            m += in_quotes(s);
            m += " is not ";
            m += what;
            m += '.';
            malformed(std::move(m));
        }
        out.push_back(s);
    };
    if (v.is_array()) {
        if (v.empty()) malformed(path + " must not be an empty array.");
        for (std::size_t i = 0; i < v.size(); ++i) take(v[i], at(path, i));
    } else {
        take(v, path);
    }
    return out;
}

// A condition value as text: strings as they are, booleans "true"/"false", numbers as written.
std::string value_text(const Json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// Condition: { operator: { key: value or [values] } }.
std::vector<Condition> read_conditions(const Json& v, const std::string& path) {
    if (!v.is_object()) malformed(path + " must be an object of condition operators.");
    std::vector<Condition> out;
    for (const auto& [op, block] : v.items()) {
        std::string where = at(path, op);
        if (!is_condition_operator(op)) {
            std::string m = path;
            m += " has an unknown condition operator ";
            m += in_quotes(op);
            m += '.';
            malformed(std::move(m));
        }
        if (!block.is_object()) malformed(where + " must be an object of condition keys and values.");
        for (const auto& [key, value] : block.items()) {
            if (key.empty()) malformed(where + " has an empty condition key.");
            std::string at_key = at(where, key);
            bool ok = is_scalar(value) || (value.is_array() && !value.empty() &&
                                           std::all_of(value.begin(), value.end(), is_scalar));
            if (!ok)
                malformed(at_key + " must be a string, number or boolean, or a non-empty array of them.");
            Condition c{op, key, {}};
            if (value.is_array())
                for (const auto& item : value) c.values.push_back(value_text(item));
            else
                c.values.push_back(value_text(value));
            out.push_back(std::move(c));
        }
    }
    return out;
}

// RCPs apply to every principal that reaches the account's resources; the User Guide's RCP syntax
// page writes Principal as "*" [I: {"AWS": "*"}, IAM's other spelling of everyone, is accepted too].
void check_principal(const Json& v, const std::string& path) {
    auto everyone = [](const Json& p) { return p == "*" || (p.is_array() && p.size() == 1 && p[0] == "*"); };
    bool ok = v == "*" || (v.is_object() && v.size() == 1 && v.contains("AWS") && everyone(v["AWS"]));
    if (!ok) malformed(path + R"( must be "*" (or {"AWS": "*"}): an RCP applies to every principal.)");
}

// The delegation policy names member accounts: {"AWS": "111122223333"} or the account's IAM ARN
// ("arn:aws:iam::111122223333:root"), one or a list (User Guide, "Delegated administrator for
// AWS Organizations"). Whether they are accounts of the organization is the caller's to check.
std::vector<std::string> read_principals(const Json& v, const std::string& path) {
    const std::string what = path + R"( must be {"AWS": ...} naming accounts of the organization.)";
    if (v == "*") return {"*"};
    if (!v.is_object() || v.size() != 1 || !v.contains("AWS")) malformed(what);
    const Json& aws = v["AWS"];
    std::vector<std::string> out;
    auto take = [&](const Json& p) {
        if (!p.is_string() || p.get_ref<const std::string&>().empty()) malformed(what);
        out.push_back(p.get<std::string>());
    };
    if (aws.is_array()) {
        if (aws.empty()) malformed(what);
        for (const auto& p : aws) take(p);
    } else {
        take(aws);
    }
    return out;
}

class StatementReader {
public:
    StatementReader(Grammar grammar, bool customer) : grammar_(grammar), customer_(customer) {}

    Statement read(const Json& st, const std::string& path) {
        if (!st.is_object()) {
            std::string m = path;
            m += " must be an object, not ";
            m += kind(st);
            m += '.';
            malformed(std::move(m));
        }
        for (const auto& [key, value] : st.items()) check_element(key, path);
        Statement out;
        out.allow = read_effect(st, path);
        read_actions(st, path, out);
        read_resources(st, path, out);
        if (st.contains("Condition")) out.conditions = read_conditions(st["Condition"], at(path, "Condition"));
        if (grammar_ == Grammar::rcp) {
            if (!st.contains("Principal")) malformed(path + R"( has no Principal; an RCP names "*".)");
            check_principal(st["Principal"], at(path, "Principal"));
        }
        if (grammar_ == Grammar::delegation) {
            if (!st.contains("Principal")) malformed(path + " has no Principal; name the accounts it delegates to.");
            out.principals = read_principals(st["Principal"], at(path, "Principal"));
        }
        read_sid(st, path);
        return out;
    }

private:
    void check_element(const std::string& key, const std::string& path) const {
        static constexpr std::array<std::string_view, 7> kCommon{
            "Sid", "Effect", "Action", "Resource", "NotResource", "Condition", "NotAction"};
        bool known = std::find(kCommon.begin(), kCommon.end(), key) != kCommon.end();
        bool unsupported = key == "NotPrincipal" || (key == "Principal" && grammar_ == Grammar::scp) ||
                           (key == "NotAction" && grammar_ == Grammar::rcp);
        if (unsupported) {
            std::string m = at(path, key);
            m += " is not supported in ";
            m += grammar_name(grammar_);
            m += '.';
            malformed(std::move(m));
        }
        if (known || key == "Principal") return;
        std::string m = path;
        m += " has an unknown element ";
        m += in_quotes(key);
        m += grammar_ != Grammar::scp
                 ? "; a statement has Sid, Effect, Principal, Action, Resource or NotResource, Condition."
                 : "; a statement has Sid, Effect, Action or NotAction, Resource or NotResource, Condition.";
        malformed(std::move(m));
    }

    bool read_effect(const Json& st, const std::string& path) const {
        if (!st.contains("Effect")) malformed(path + R"( has no Effect; it must be "Allow" or "Deny".)");
        const Json& e = st["Effect"];
        if (e != "Allow" && e != "Deny") malformed(at(path, "Effect") + R"( must be "Allow" or "Deny".)");
        bool allow = e == "Allow";
        // The RCP syntax page: "The effect of Allow is only supported for the RCPFullAWSAccess policy".
        if (allow && grammar_ == Grammar::rcp && customer_)
            malformed(at(path, "Effect") + R"( is "Allow", which only the AWS-managed RCPFullAWSAccess may )"
                                           "use; an RCP you write can only Deny.");
        return allow;
    }

    static void read_actions(const Json& st, const std::string& path, Statement& out) {
        bool action = st.contains("Action"), not_action = st.contains("NotAction");
        if (action && not_action)
            malformed(path + " has both Action and NotAction; a statement takes one of them.");
        if (!action && !not_action)
            malformed(path + " has neither Action nor NotAction; a statement needs one.");
        std::string_view name = action ? "Action" : "NotAction";
        out.not_action = not_action;
        out.actions = string_list(st[std::string(name)], at(path, name), is_action_pattern,
                                  R"("*" or a "service:action" pattern)");
    }

    // "Statements must include either a Resource or a NotResource element" (the IAM User Guide's
    // "IAM JSON policy elements: Resource"), as SCPs have since they take the full IAM language.
    static void read_resources(const Json& st, const std::string& path, Statement& out) {
        bool resource = st.contains("Resource"), not_resource = st.contains("NotResource");
        if (resource && not_resource)
            malformed(path + " has both Resource and NotResource; a statement takes one of them.");
        if (!resource && !not_resource)
            malformed(path + " has neither Resource nor NotResource; a statement needs one.");
        std::string_view name = resource ? "Resource" : "NotResource";
        out.not_resource = not_resource;
        out.resources =
            string_list(st[std::string(name)], at(path, name), is_resource_pattern, R"("*" or an ARN)");
    }

    // "In IAM, the Sid value must be unique within a JSON policy" (IAM JSON policy elements: Sid).
    void read_sid(const Json& st, const std::string& path) {
        if (!st.contains("Sid")) return;
        const Json& sid = st["Sid"];
        if (!sid.is_string()) malformed(at(path, "Sid") + " must be a string.");
        auto [it, fresh] = sids_.emplace(sid.get<std::string>(), path);
        if (!fresh) {
            std::string m = at(path, "Sid");
            m += ' ';
            m += in_quotes(it->first);
            m += " repeats the Sid of ";
            m += it->second;
            m += "; Sids must be unique within a policy.";
            malformed(std::move(m));
        }
    }

    Grammar grammar_;
    bool customer_;
    std::map<std::string, std::string> sids_;  // Sid -> the statement that has it
};

void check_top_level(Grammar grammar, const Json& doc) {
    for (const auto& [key, value] : doc.items()) {
        if (key == "Version" || key == "Statement" || key == "Id") continue;
        std::string m = "Unknown top-level element ";
        m += in_quotes(key);
        m += " in ";
        m += grammar_name(grammar);
        m += R"(; it has "Version", "Id" and "Statement".)";
        malformed(std::move(m));
    }
    // Both syntax pages: "Every SCP [RCP] must include a Version element with the value
    // "2012-10-17"" -- yet their own examples leave it out, so [I] it may be absent; when present
    // it is that value. IAM's older "2008-10-17" is refused: these pages name only the current one.
    if (doc.contains("Version") && doc["Version"] != "2012-10-17")
        malformed(R"(Version must be "2012-10-17".)");
    if (doc.contains("Id") && !doc["Id"].is_string()) malformed("Id must be a string.");
}

// IAM's wildcard matching: * any run of characters (also none), ? exactly one.
bool wildcard_match(std::string_view pattern, std::string_view text, bool icase) {
    auto same = [icase](char a, char b) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return icase ? lower(a) == lower(b) : a == b;
    };
    std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
            ++p, ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;  // let the last * swallow one more character
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view text, bool icase) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return wildcard_match(p, text, icase); });
}

// Action names are case-insensitive in IAM ("IAM JSON policy elements: Action"); ARNs are not.
bool action_matches(const Statement& st, std::string_view action) {
    return matches_any(st.actions, action, true) != st.not_action;
}
bool resource_matches(const Statement& st, std::string_view resource) {
    return matches_any(st.resources, resource, false) != st.not_resource;
}

}  // namespace

std::vector<Statement> read_statements(Grammar grammar, const Json& doc, bool customer) {
    check_top_level(grammar, doc);
    if (!doc.contains("Statement")) malformed("The policy has no Statement.");
    const Json& st = doc["Statement"];
    StatementReader reader(grammar, customer);
    std::vector<Statement> out;
    if (st.is_object()) {
        out.push_back(reader.read(st, "Statement"));
    } else if (st.is_array()) {
        if (st.empty()) malformed("Statement must hold at least one statement.");
        for (std::size_t i = 0; i < st.size(); ++i) out.push_back(reader.read(st[i], at("Statement", i)));
    } else {
        std::string m = "Statement must be an object or an array of objects, not ";
        m += kind(st);
        m += '.';
        malformed(std::move(m));
    }
    return out;
}

namespace {

// The statements of an authorization policy, read once per thread and kept: every call of a
// member account evaluates the SCPs on its path (and the delegation policy), and they change far
// less often than they are read. Keyed by content, so an updated policy is a new entry; per
// thread, so readers share no lock. Bounded: past kCached documents the cache starts again.
struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <Grammar G>
const std::vector<Statement>& statements_of(std::string_view content) {
    constexpr std::size_t kCached = 256;
    thread_local std::unordered_map<std::string, std::vector<Statement>, TextHash, std::equal_to<>> cache;
    if (auto it = cache.find(content); it != cache.end()) return it->second;
    auto statements = read_statements(G, parse_object(content), true);
    if (cache.size() >= kCached) cache.clear();
    return cache.emplace(std::string(content), std::move(statements)).first->second;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && wildcard_match(a, b, true);  // no wildcard in keys, so equality
}

// The IAM User Guide's "Condition operators" on the one value a key has in this request. Keys are
// case-insensitive; values compare as each operator says.
bool value_matches(std::string_view base, std::string_view pattern, std::string_view value) {
    if (base == "StringEquals" || base == "StringNotEquals" || base == "BinaryEquals") return pattern == value;
    if (base == "StringEqualsIgnoreCase" || base == "StringNotEqualsIgnoreCase" || base == "Bool")
        return iequals(pattern, value);
    if (base == "StringLike" || base == "StringNotLike" || base == "ArnEquals" || base == "ArnLike" ||
        base == "ArnNotEquals" || base == "ArnNotLike")
        return wildcard_match(pattern, value, false);
    return false;  // numeric, date and address operators: the keys the emulator knows are strings
}

bool negated(std::string_view base) {
    return base.find("Not") != std::string_view::npos;  // StringNotEquals, ArnNotLike, NotIpAddress...
}

// Whether one condition holds; nullopt when the request cannot tell (a key the emulator does
// not know, such as aws:SourceIp).
std::optional<bool> holds(const Condition& c, const Context& context) {
    const std::optional<std::string>* value = nullptr;
    for (const auto& [key, v] : context.keys)
        if (iequals(key, c.key)) value = &v;
    if (!value) return std::nullopt;
    std::string_view op = c.op;
    bool for_all = false;
    if (starts_with(op, "ForAllValues:")) {
        op.remove_prefix(13);
        for_all = true;
    } else if (starts_with(op, "ForAnyValue:")) {
        op.remove_prefix(12);
    }
    bool if_exists = ends_with(op, "IfExists");
    if (if_exists) op.remove_suffix(8);
    auto has = [&](std::string_view v) { return std::find(c.values.begin(), c.values.end(), v) != c.values.end(); };
    if (op == "Null") return value->has_value() ? has("false") : has("true");
    // "If the key that you specify in a policy condition is not present in the request context,
    // the values do not match" -- but ...IfExists, negated operators and ForAllValues hold.
    if (!value->has_value()) return if_exists || negated(op) || for_all;
    bool any = std::any_of(c.values.begin(), c.values.end(),
                           [&](const std::string& pattern) { return value_matches(op, pattern, **value); });
    return negated(op) ? !any : any;
}

// Whether the statement's Condition holds for this request: every condition must. One the
// request cannot tell counts as `options.conditions_match`.
bool conditions_hold(const Statement& st, const Context& context, EvaluationOptions options) {
    for (const auto& c : st.conditions) {
        auto h = holds(c, context);
        if (!h.value_or(options.conditions_match)) return false;
    }
    return true;
}

}  // namespace
}  // namespace detail

std::optional<std::string> principal_account(std::string_view principal) {
    if (is_account_id(principal)) return std::string(principal);
    // arn:PARTITION:iam::ACCOUNT:root (or a user or role of the account).
    if (principal.substr(0, 4) != "arn:") return std::nullopt;
    std::size_t colons[5];
    std::size_t found = 0;
    for (std::size_t i = 0; i < principal.size() && found < 5; ++i)
        if (principal[i] == ':') colons[found++] = i;
    if (found < 5) return std::nullopt;
    if (principal.substr(colons[1] + 1, colons[2] - colons[1] - 1) != "iam") return std::nullopt;
    if (colons[3] != colons[2] + 1) return std::nullopt;  // no region
    auto account = principal.substr(colons[3] + 1, colons[4] - colons[3] - 1);
    if (!is_account_id(account) || colons[4] + 1 == principal.size()) return std::nullopt;
    return std::string(account);
}


namespace {

// One policy's statements on a request: an explicit Deny of any resource wins (returns true);
// otherwise the resources some Allow covers are marked in `allowed`.
bool apply(const std::vector<detail::Statement>& statements, std::string_view account, std::string_view action,
           std::span<const std::string> resources, const Context& context, EvaluationOptions options,
           std::vector<bool>& allowed) {
    for (const auto& st : statements) {
        if (!detail::action_matches(st, action)) continue;
        if (!account.empty() && std::none_of(st.principals.begin(), st.principals.end(), [&](const std::string& p) {
                return principal_account(p) == account;
            }))
            continue;
        if (!detail::conditions_hold(st, context, options)) continue;
        for (std::size_t i = 0; i < resources.size(); ++i) {
            if (!detail::resource_matches(st, resources[i])) continue;
            if (!st.allow) return true;
            allowed[i] = true;
        }
    }
    return false;
}

const std::string kAny = "*";  // a call that names no resource acts on "*"

}  // namespace

// The User Guide's "SCP evaluation": at every level from the root down to the account an SCP must
// allow the action, and an explicit Deny in any of them wins. With several resources each must be
// allowed at every level, and a Deny of any one denies the call.
Decision evaluate(const Levels& scps, std::string_view action, std::span<const std::string> resources,
                  EvaluationOptions options, const Context& context) {
    if (resources.empty()) resources = std::span(&kAny, 1);
    bool every_level_allows = true;
    std::vector<bool> allowed;
    for (const auto& level : scps) {
        allowed.assign(resources.size(), false);
        for (const Applied& policy : level) {
            const auto& statements = detail::statements_of<detail::Grammar::scp>(policy.content);
            if (apply(statements, {}, action, resources, context, options, allowed)) return Decision::explicit_deny;
        }
        if (std::find(allowed.begin(), allowed.end(), false) != allowed.end()) every_level_allows = false;
    }
    return every_level_allows ? Decision::allowed : Decision::implicit_deny;
}

// A resource-based policy (IAM's "Policy evaluation logic"): a statement applies when it names the
// caller's account; an explicit Deny wins, else every resource needs an Allow.
Decision evaluate_delegation(std::string_view content, std::string_view account, std::string_view action,
                             std::span<const std::string> resources, const Context& context) {
    if (resources.empty()) resources = std::span(&kAny, 1);
    std::vector<bool> allowed(resources.size(), false);
    const auto& statements = detail::statements_of<detail::Grammar::delegation>(content);
    if (apply(statements, account, action, resources, context, {.conditions_match = false}, allowed))
        return Decision::explicit_deny;
    return std::find(allowed.begin(), allowed.end(), false) == allowed.end() ? Decision::allowed
                                                                            : Decision::implicit_deny;
}

DelegationPolicy read_delegation_policy(std::string_view content) {
    DelegationPolicy out;
    for (const auto& st : detail::read_statements(detail::Grammar::delegation, detail::parse_object(content), true)) {
        out.principals.insert(out.principals.end(), st.principals.begin(), st.principals.end());
        out.actions.insert(out.actions.end(), st.actions.begin(), st.actions.end());
        if (!st.not_resource) out.resources.insert(out.resources.end(), st.resources.begin(), st.resources.end());
        for (const auto& c : st.conditions)
            if (detail::iequals(c.key, "organizations:PolicyType"))
                out.policy_types.insert(out.policy_types.end(), c.values.begin(), c.values.end());
    }
    return out;
}

bool matches(std::string_view pattern, std::string_view text, bool ignore_case) {
    return detail::wildcard_match(pattern, text, ignore_case);
}

}  // namespace localorgs::model::policy
