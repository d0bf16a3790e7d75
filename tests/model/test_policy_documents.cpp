// Policy documents (issue 15 items 1, 6, 7; model/policy/documents.hpp): the table of policy
// types, what each type's content check refuses, effective management policies (the User Guide's
// six inheritance examples as golden files under golden/policy_inheritance/), the validation of
// effective policies, and SCP evaluation. Every test case name starts "policy documents: ".
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model/errors.hpp"
#include "model/expect_error.hpp"
#include "model/policy/documents.hpp"

using namespace localorgs;
using model::error_code;
using model::api::PolicyType;
using model::policy::Applied;
using model::policy::Decision;
using model::policy::Levels;
namespace policy = model::policy;

// ---------------------------------------------------------------------------------------------
// The type table

TEST_CASE("policy documents: one row per PolicyType, in the enum's order, with AWS's quotas") {
    auto rows = policy::all_rules();
    REQUIRE(rows.size() == model::api::enum_names<PolicyType>().size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        CHECK(static_cast<std::size_t>(r.type) == i);
        CHECK(&policy::rules(r.type) == &r);
        std::string lower(model::api::to_string(r.type));
        std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return std::tolower(c); });
        CHECK(r.arn_segment == lower);
        bool auth =
            r.type == PolicyType::SERVICE_CONTROL_POLICY || r.type == PolicyType::RESOURCE_CONTROL_POLICY;
        CHECK(r.authorization == auth);
        CHECK(r.top_key.empty() == auth);
        CHECK(r.min_attachments == (auth ? 1 : 0));
        CHECK(r.max_content > 0);
        CHECK(r.max_policies > 0);
        CHECK(r.max_attachments >= 5);
    }
    const auto& scp = policy::rules(PolicyType::SERVICE_CONTROL_POLICY);
    CHECK(scp.max_content == 10'240);
    CHECK(scp.max_policies == 10'000);
    CHECK(scp.max_attachments == 10);
    const auto& rcp = policy::rules(PolicyType::RESOURCE_CONTROL_POLICY);
    CHECK(rcp.max_content == 5'120);
    CHECK(rcp.max_policies == 2'000);
    CHECK(rcp.max_attachments == 5);
    CHECK(policy::rules(PolicyType::TAG_POLICY).top_key == "tags");
    CHECK(policy::rules(PolicyType::BACKUP_POLICY).top_key == "plans");
    CHECK(policy::rules(PolicyType::AISERVICES_OPT_OUT_POLICY).max_content == 2'500);
    CHECK(policy::rules(PolicyType::AISERVICES_OPT_OUT_POLICY).max_attachments == 5);
    CHECK(policy::rules(PolicyType::CHATBOT_POLICY).max_attachments == 5);
    CHECK(policy::rules(PolicyType::UPGRADE_ROLLOUT_POLICY).max_content == 5'120);
    CHECK(policy::rules(PolicyType::DECLARATIVE_POLICY_EC2).top_key == "ec2_attributes");
    CHECK(policy::rules(PolicyType::SECURITYHUB_POLICY).top_key == "securityhub");
    for (auto t : {PolicyType::TAG_POLICY, PolicyType::BACKUP_POLICY, PolicyType::SECURITYHUB_POLICY,
                   PolicyType::DECLARATIVE_POLICY_EC2, PolicyType::CHATBOT_POLICY}) {
        CHECK(policy::rules(t).max_policies == 1'000);
    }
}
