#pragma once
// Policy documents: what each of the service model's policy types allows in its content, how
// management policies inherit (the @@ operators), and how SCPs decide a member account's call.
// Pure functions over the documents' text; the Policies family (model/policies.hpp) stores,
// attaches and lists policies and calls these. Policy content is JSON by definition, so this part
// of the model reads JSON (nlohmann); nothing else of the model does.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/api/enums.hpp"

namespace localorgs::model::policy {

// One row per api::PolicyType (reference: the User Guide's "Quotas" and each type's syntax page).
struct TypeRules {
    api::PolicyType type;
    std::string_view arn_segment;  // in policy ARNs: the lower-cased enum ("service_control_policy")
    std::string_view top_key;      // management types: the one top-level key ("tags"); "" for SCP/RCP
    std::size_t max_content;       // characters of Content (POLICY_CONTENT_LIMIT_EXCEEDED past it)
    int max_policies;              // per organization (POLICY_NUMBER_LIMIT_EXCEEDED)
    int max_attachments;           // direct attachments per root/OU/account
    int min_attachments;           // while the type is enabled (SCP and RCP: 1)
    bool authorization;            // SCP and RCP: evaluated; the others merge into effective policies
};
const TypeRules& rules(api::PolicyType type);
std::span<const TypeRules> all_rules();

// Throws api_error MalformedPolicyDocumentException with a message naming the problem (and where
// it is) when `content` is not a document of `type`. The size is not checked here.
// `customer` false for the AWS-managed policies (RCPFullAWSAccess may Allow; customer RCPs may not).
void validate(api::PolicyType type, std::string_view content, bool customer = true);

// A policy as it applies to an account: its id and content.
struct Applied {
    std::string_view id;
    std::string_view content;
};
// The levels from the root down to the account: at each, the policies of one type attached
// there, in the order they were attached.
using Levels = std::vector<std::vector<Applied>>;

// The effective policy of a management type for the account at the end of `levels`: the compact
// JSON the operators produce, with the operators gone; nullopt when no policy applies. Settings
// come in the order the policies first wrote them; lists emptied by @@remove are left out.
// SCPs and RCPs have none: asking for theirs throws std::logic_error (callers refuse it first).
std::optional<std::string> effective(api::PolicyType type, const Levels& levels);

// What makes an effective policy fail validation (ListEffectivePolicyValidationErrors).
struct ValidationError {
    std::string code;     // e.g. ELEMENTS_TOO_MANY
    std::string message;
    std::string path;     // dotted path to the element, e.g. "securityhub.enable_in_regions"
    std::vector<std::string> contributing_policies;  // ids of the policies that set it
};
// Empty when the effective policy is valid or there is none. The checks are invented ([I] in
// management.cpp): ELEMENT_TYPE_MISMATCH, ELEMENT_MISSING, ELEMENTS_TOO_MANY.
std::vector<ValidationError> effective_errors(api::PolicyType type, const Levels& levels);

// What a request tells Condition blocks: each condition key the emulator knows for this call
// (lower or mixed case: keys compare case-insensitively) with its value, or nullopt when the call
// has none (organizations:PolicyType on ListAccounts). A key not listed is one the emulator
// cannot know (aws:SourceIp, ...).
struct Context {
    std::vector<std::pair<std::string, std::optional<std::string>>> keys;
};

// SCPs on a member account's call: `action` is "organizations:<Operation>", `resources` the ARNs
// the operation acts on ("*" when none is named). An explicit Deny anywhere wins; otherwise every
// level needs an Allow that matches.
// A level with no SCP allows nothing; no level at all restricts nothing. Action names match
// case-insensitively, resource ARNs case-sensitively, both with the wildcards * and ?.
enum class Decision { allowed, implicit_deny, explicit_deny };
// Conditions are judged on the keys `context` gives (String*, Arn*, Bool and Null operators, with
// IfExists and ForAnyValue/ForAllValues). A condition on a key the emulator cannot know is taken to
// hold by default: a guardrail that denies "unless ..." still bites, and an Allow with a condition
// still allows. `conditions_match` false takes it to fail instead. A stored document that is not
// an SCP throws MalformedPolicyDocumentException. Parsed documents are cached per thread, by content.
struct EvaluationOptions {
    bool conditions_match = true;
};
Decision evaluate(const Levels& scps, std::string_view action, std::span<const std::string> resources,
                  EvaluationOptions options = {}, const Context& context = {});

// The organization's delegation policy (PutResourcePolicy): a resource-based policy whose
// statements name member accounts as Principal ({"AWS": id or IAM ARN}). What it names, for the
// checks only the organization can make; MalformedPolicyDocumentException when it is not a policy.
struct DelegationPolicy {
    std::vector<std::string> principals;    // as written
    std::vector<std::string> actions;       // Action and NotAction patterns
    std::vector<std::string> resources;     // Resource patterns
    std::vector<std::string> policy_types;  // values of organizations:PolicyType conditions
};
DelegationPolicy read_delegation_policy(std::string_view content);
// The account a Principal names: "111122223333" or "arn:aws:iam::111122223333:root" (or a user
// or role of it); nullopt for anything else.
std::optional<std::string> principal_account(std::string_view principal);
// Whether the delegation policy lets `account` perform `action` on `resources`: the same
// evaluator as SCPs, with the statements that name the account; conditions the request cannot
// tell do not hold.
Decision evaluate_delegation(std::string_view content, std::string_view account, std::string_view action,
                             std::span<const std::string> resources, const Context& context);

// IAM's wildcard matching (* any run, ? one character).
bool matches(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace localorgs::model::policy
