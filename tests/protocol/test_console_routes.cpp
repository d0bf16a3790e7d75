// The web console's side of the control plane, driven in-process through server::App: its files,
// the way a browser reaches it, the routes it reads, and the refusal of changes sent cross-site.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "server/console/assets.hpp"
#include "protocol/app_fixture.hpp"

using namespace localorgs;
using nlohmann::json;
namespace http = server::http;

namespace {

using Headers = testing::AppFixture::Headers;

struct ConsoleFixture : testing::AppFixture {
    using AppFixture::AppFixture;

    json get(const std::string& target) {
        auto res = call(http::verb::get, target);
        INFO(target << " -> " << res.body());
        REQUIRE(res.result() == http::status::ok);
        return json::parse(res.body());
    }

    // An AWS API call as `account` (the 12-digit access key id is the caller).
    json aws(const std::string& operation, const json& input, const std::string& account) {
        auto res = call(http::verb::post, "/", input.dump(),
                        {{"X-Amz-Target", "AWSOrganizationsV20161128." + operation},
                         {"Content-Type", "application/x-amz-json-1.1"},
                         {"Authorization", "AWS4-HMAC-SHA256 Credential=" + account +
                                               "/20261128/us-east-1/organizations/aws4_request, "
                                               "SignedHeaders=host, Signature=abc"}});
        INFO(operation << " -> " << res.body());
        REQUIRE(res.result() == http::status::ok);
        return json::parse(res.body());
    }

    std::uint64_t generation() { return get("/_localorgs/generation")["Generation"].get<std::uint64_t>(); }
};

constexpr const char* kManagement = "111111111111";

}  // namespace

TEST_CASE_FIXTURE(ConsoleFixture, "console: a browser opening / is sent to the console; AWS calls are not") {
    for (auto method : {http::verb::get, http::verb::head}) {
        auto res = call(method, "/");
        CHECK(res.result() == http::status::found);
        CHECK(res[http::field::location] == "/_localorgs/console/");
    }
    CHECK(call(http::verb::get, "/_localorgs/console")[http::field::location] == "/_localorgs/console/");
    // The icon every browser asks a site for.
    auto icon = call(http::verb::get, "/favicon.ico");
    CHECK(icon.result() == http::status::ok);
    CHECK(icon[http::field::content_type] == "image/svg+xml");

    // Anything an AWS client sends goes on to the AWS API as before.
    auto signed_get = call(http::verb::get, "/", "", {{"Authorization", "AWS4-HMAC-SHA256 Credential=x"}});
    CHECK(signed_get.result() == http::status::bad_request);
    CHECK(signed_get["X-Amzn-ErrorType"] == "UnknownOperationException");
    auto targeted = call(http::verb::get, "/", "", {{"X-Amz-Target", "AWSOrganizationsV20161128.ListRoots"}});
    CHECK(targeted["X-Amzn-ErrorType"] == "UnknownOperationException");
    CHECK(call(http::verb::get, "/?Action=ListRoots")["X-Amzn-ErrorType"] == "UnknownOperationException");
    CHECK(call(http::verb::post, "/")["X-Amzn-ErrorType"] == "UnknownOperationException");
}

TEST_CASE_FIXTURE(ConsoleFixture,
                  "console: every file is served from the binary with a policy of its own origin only") {
    REQUIRE(server::console::find_asset("index.html"));
    for (const auto& asset : server::console::assets()) {
        const std::string name(asset.name);
        CAPTURE(name);
        auto res = call(http::verb::get, "/_localorgs/console/" + name);
        CHECK(res.result() == http::status::ok);
        CHECK(res.body() == asset.bytes);
        CHECK(res[http::field::content_type] == asset.content_type);
        const std::string policy(res["Content-Security-Policy"]);
        CHECK(policy.starts_with("default-src 'self';"));
        CHECK(policy.find("'unsafe-inline'") == std::string::npos);
        CHECK(policy.find("'unsafe-eval'") == std::string::npos);
        CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
        CHECK(res["X-Content-Type-Options"] == "nosniff");
        // Asked again each time; an unchanged file is a 304 without a body.
        CHECK(res[http::field::cache_control] == "no-cache");
        auto again = call(http::verb::get, "/_localorgs/console/" + name, "",
                          {{"If-None-Match", std::string(res[http::field::etag])}});
        CHECK(again.result() == http::status::not_modified);
        CHECK(again.body().empty());
    }
    auto index = call(http::verb::get, "/_localorgs/console/");
    CHECK(index.body() == server::console::find_asset("index.html")->bytes);

    auto missing = call(http::verb::get, "/_localorgs/console/nothing.js");
    CHECK(missing.result() == http::status::not_found);
    CHECK(json::parse(missing.body())["Error"] == "NotFound");
    CHECK(call(http::verb::post, "/_localorgs/console/app.js").result() == http::status::method_not_allowed);
}

TEST_CASE("console: the files hold no inline code and never write data as HTML") {
    // The policy forbids inline script and style; the files do without them. Every value goes
    // into the page as text (server/console/assets/dom.js), so none of the files may use the
    // DOM's HTML parsers.
    const std::regex inline_script(R"(<script(?![^>]*\bsrc=)[^>]*>)");
    const std::regex inline_handler(R"(\son[a-z]+\s*=)", std::regex::icase);
    for (const auto& asset : server::console::assets()) {
        const std::string name(asset.name);
        // An SVG names its XML namespace with a URL, which nothing fetches.
        const std::string text =
            std::regex_replace(std::string(asset.bytes), std::regex(R"( xmlns="[^"]*")"), "");
        CAPTURE(name);
        CHECK(text.find("http://") == std::string::npos);  // nothing fetched from elsewhere
        CHECK(text.find("https://") == std::string::npos);
        if (name.ends_with(".html")) {
            CHECK_FALSE(std::regex_search(text, inline_script));
            CHECK_FALSE(std::regex_search(text, inline_handler));
            CHECK(text.find("style=") == std::string::npos);
            CHECK(text.find("<style") == std::string::npos);
        }
        if (name.ends_with(".js")) {
            for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                                     "eval(", "new Function", "createContextualFragment", "DOMParser"})
                CHECK_MESSAGE(text.find(sink) == std::string::npos, sink);
        }
    }
}

TEST_CASE("console: with an admin token the files stay open and every data route wants it") {
    server::Config config;
    config.admin_token = "t0ken";
    ConsoleFixture f(config);
    CHECK(f.call(http::verb::get, "/").result() == http::status::found);
    CHECK(f.call(http::verb::get, "/_localorgs/console/").result() == http::status::ok);
    CHECK(f.call(http::verb::get, "/_localorgs/console/app.js").result() == http::status::ok);
    for (const char* route : {"/_localorgs/generation", "/_localorgs/requests", "/_localorgs/overview",
                              "/_localorgs/organizations", "/_localorgs/organizations/o-x/tree",
                              "/_localorgs/handshakes?organization=o-x", "/_localorgs/handshakes/h-x"}) {
        const std::string target = route;
        CAPTURE(target);
        CHECK(f.call(http::verb::get, target).result() == http::status::unauthorized);
        CHECK(f.call(http::verb::get, target, "", {{"Authorization", "Bearer t0ken"}}).result() !=
              http::status::unauthorized);
    }
    CHECK(f.call(http::verb::delete_, "/_localorgs/faults/f-1").result() == http::status::unauthorized);
}

TEST_CASE_FIXTURE(ConsoleFixture, "console: changes a browser sends from another site are refused") {
    const auto offset = [this] { return get("/_localorgs/clock")["OffsetSeconds"].get<double>(); };
    const std::string advance = R"({"AdvanceSeconds": 3600})";
    for (const Headers& cross_site :
         {Headers{{"Sec-Fetch-Site", "cross-site"}}, Headers{{"Sec-Fetch-Site", "same-site"}},
          Headers{{"Origin", "http://evil.example"}, {"Host", "127.0.0.1:4566"}},
          Headers{{"Origin", "null"}, {"Host", "127.0.0.1:4566"}},
          // Sec-Fetch-Site wins over an Origin that looks right.
          Headers{{"Sec-Fetch-Site", "cross-site"},
                  {"Origin", "http://127.0.0.1:4566"},
                  {"Host", "127.0.0.1:4566"}}}) {
        auto res = call(http::verb::post, "/_localorgs/clock", advance, cross_site);
        CHECK(res.result() == http::status::forbidden);
        CHECK(json::parse(res.body())["Error"] == "CrossSiteRequest");
        CHECK(call(http::verb::post, "/_localorgs/reset", "", cross_site).result() ==
              http::status::forbidden);
        CHECK(call(http::verb::delete_, "/_localorgs/faults", "", cross_site).result() ==
              http::status::forbidden);
    }
    CHECK(offset() == 0);

    // The console itself (same origin), a person typing an address (none), and clients that are
    // not browsers (no header at all).
    for (const Headers& allowed :
         {Headers{{"Sec-Fetch-Site", "same-origin"}}, Headers{{"Sec-Fetch-Site", "none"}},
          Headers{{"Origin", "http://127.0.0.1:4566"}, {"Host", "127.0.0.1:4566"}}, Headers{}}) {
        CHECK(call(http::verb::post, "/_localorgs/clock", advance, allowed).result() == http::status::ok);
    }
    CHECK(offset() == 4 * 3600);
    // Reading is not changing: a page elsewhere cannot read the answer anyway (no CORS).
    auto read = call(http::verb::get, "/_localorgs/clock", "", {{"Sec-Fetch-Site", "cross-site"}});
    CHECK(read.result() == http::status::ok);
    CHECK(read["Access-Control-Allow-Origin"].empty());
}

TEST_CASE_FIXTURE(ConsoleFixture, "console: the generation moves with every change, not with reads") {
    auto g0 = generation();
    aws("CreateOrganization", json::object(), kManagement);
    auto g1 = generation();
    CHECK(g1 > g0);
    aws("DescribeOrganization", json::object(), kManagement);
    get("/_localorgs/overview");
    CHECK(generation() == g1);
    call(http::verb::post, "/_localorgs/clock", R"({"AdvanceSeconds": 1})");
    auto g2 = generation();
    CHECK(g2 > g1);
    CHECK(call(http::verb::post, "/_localorgs/clock", R"({"AdvanceSeconds": "x"})").result() ==
          http::status::bad_request);
    CHECK(generation() == g2);  // a refused change is no change
}

TEST_CASE_FIXTURE(ConsoleFixture, "console: the Requests route shows the latest API calls, newest first") {
    aws("CreateOrganization", json::object(), kManagement);
    call(http::verb::post, "/", "{}",
         {{"X-Amz-Target", "AWSOrganizationsV20161128.CreateOrganization"},
          {"Authorization",
           "AWS4-HMAC-SHA256 Credential=111111111111/20261128/us-east-1/organizations/aws4_request"}});
    get("/_localorgs/clock");  // the control plane's own calls are not API calls
    auto data = get("/_localorgs/requests");
    REQUIRE(data["Requests"].size() == 2);
    CHECK(data["Capacity"] == 1000);
    const auto& newest = data["Requests"][0];
    CHECK(newest["Operation"] == "CreateOrganization");
    CHECK(newest["Caller"] == kManagement);
    CHECK(newest["Status"] == 400);
    CHECK(newest["Error"] == "AlreadyInOrganizationException");
    CHECK(newest["LatencyMicros"].is_number_unsigned());
    CHECK(newest["RequestId"].get<std::string>().size() >= 16);
    CHECK(data["Requests"][1]["Status"] == 200);
    CHECK(data["Requests"][1]["Error"] == "");
    CHECK(data["Last"] == newest["Seq"]);
    CHECK(get("/_localorgs/requests?after=" + newest["Seq"].dump())["Requests"].empty());
    CHECK(call(http::verb::get, "/_localorgs/requests?limit=0").result() == http::status::bad_request);
    CHECK(call(http::verb::get, "/_localorgs/requests?after=x").result() == http::status::bad_request);
}

TEST_CASE_FIXTURE(ConsoleFixture, "console: organizations, tree and handshakes as the API shows them") {
    auto org = aws("CreateOrganization", json::object(), kManagement)["Organization"];
    const std::string org_id = org["Id"];
    std::vector<std::string> sent;
    for (const char* account : {"222222222222", "333333333333", "444444444444"}) {
        // A second apart, so that newest first is one order (within a millisecond it is by id).
        call(http::verb::post, "/_localorgs/clock", R"({"AdvanceSeconds": 1})");
        sent.push_back(aws("InviteAccountToOrganization",
                           {{"Target", {{"Id", account}, {"Type", "ACCOUNT"}}}},
                           kManagement)["Handshake"]["Id"]);
    }
    aws("AcceptHandshake", {{"HandshakeId", sent[0]}}, "222222222222");

    auto orgs = get("/_localorgs/organizations");
    REQUIRE(orgs["Organizations"].size() == 1);
    const auto& summary = orgs["Organizations"][0];
    CHECK(summary["Id"] == org_id);
    CHECK(summary["MasterAccountId"] == kManagement);
    CHECK(summary["FeatureSet"] == "ALL");
    CHECK(summary["MemberCount"] == 2);
    CHECK(summary["PendingHandshakeCount"] == 2);
    CHECK(summary["RootPolicyTypes"] == json::array());  // a new root has no policy type enabled (README)
    CHECK(get("/_localorgs/organizations?id=" + org_id)["Organizations"][0]["Id"] == org_id);
    CHECK(call(http::verb::get, "/_localorgs/organizations?id=o-nothing").result() ==
          http::status::not_found);

    auto overview = get("/_localorgs/overview");
    const auto& card = overview["Organizations"][0];
    CHECK(card["Members"].size() == 2);
    CHECK(card["PendingHandshakes"].size() == 2);
    CHECK(card["PendingHandshakes"][0]["Id"] == sent[2]);  // newest first
    CHECK(card["PendingHandshakes"][0]["State"] == "OPEN");

    auto tree = get("/_localorgs/organizations/" + org_id + "/tree");
    CHECK(tree["Root"]["Id"] == aws("ListRoots", json::object(), kManagement)["Roots"][0]["Id"]);
    CHECK(tree["OrganizationalUnits"] == json::array());
    REQUIRE(tree["Accounts"].size() == 2);
    CHECK(tree["Accounts"][0]["Id"] == kManagement);
    CHECK(tree["Accounts"][0]["Management"] == true);
    CHECK(tree["Accounts"][1]["JoinedMethod"] == "INVITED");
    CHECK(tree["Accounts"][1]["Status"] == "ACTIVE");
    auto found = get("/_localorgs/organizations/" + org_id + "/tree?search=2222");
    REQUIRE(found["Accounts"].size() == 1);
    CHECK(found["Accounts"][0]["ParentId"] == tree["Root"]["Id"]);
    CHECK(get("/_localorgs/organizations/" + org_id + "/tree?search=ACCOUNT-1111")["Accounts"].size() == 1);
    CHECK(call(http::verb::get, "/_localorgs/organizations/" + org_id + "/tree?parent=r-none").result() ==
          http::status::not_found);
    CHECK(call(http::verb::get, "/_localorgs/organizations/" + org_id + "/tree?token=junk").result() ==
          http::status::bad_request);

    auto page = get("/_localorgs/handshakes?organization=" + org_id + "&limit=2");
    CHECK(page["Total"] == 3);
    REQUIRE(page["Handshakes"].size() == 2);
    CHECK(page["Handshakes"][0]["Id"] == sent[2]);
    auto rest = get("/_localorgs/handshakes?organization=" + org_id +
                    "&limit=2&token=" + page["NextToken"].get<std::string>());
    REQUIRE(rest["Handshakes"].size() == 1);
    CHECK(rest["Handshakes"][0]["State"] == "ACCEPTED");
    CHECK(!rest.contains("NextToken"));
    CHECK(get("/_localorgs/handshakes?organization=" + org_id + "&state=OPEN")["Total"] == 2);
    CHECK(get("/_localorgs/handshakes?party=333333333333")["Handshakes"][0]["Id"] == sent[1]);
    CHECK(call(http::verb::get, "/_localorgs/handshakes").result() == http::status::bad_request);
    CHECK(call(http::verb::get, "/_localorgs/handshakes?organization=o-x&state=SLEEPING").result() ==
          http::status::bad_request);
    CHECK(call(http::verb::get, "/_localorgs/handshakes?organization=o-x&token=12").result() ==
          http::status::bad_request);

    // The detail is DescribeHandshake's answer, exactly.
    auto detail = get("/_localorgs/handshakes/" + sent[1]);
    CHECK(detail["Handshake"] ==
          aws("DescribeHandshake", {{"HandshakeId", sent[1]}}, kManagement)["Handshake"]);
    CHECK(detail["ChildCount"] == 0);
    CHECK(call(http::verb::get, "/_localorgs/handshakes/h-nothing").result() == http::status::not_found);

    // 15 days on, the open invitations show as expired.
    call(http::verb::post, "/_localorgs/clock", R"({"AdvanceSeconds": 1296000})");
    CHECK(get("/_localorgs/handshakes?organization=" + org_id + "&state=EXPIRED")["Total"] == 2);
    CHECK(get("/_localorgs/handshakes/" + sent[1])["Handshake"]["State"] == "EXPIRED");
}

TEST_CASE_FIXTURE(ConsoleFixture, "console: the policy types enabled, and the policies attached to each node of the tree") {
    const std::string org_id = aws("CreateOrganization", json::object(), kManagement)["Organization"]["Id"];
    const std::string member = "222222222222";
    auto invite = aws("InviteAccountToOrganization", {{"Target", {{"Id", member}, {"Type", "ACCOUNT"}}}}, kManagement);
    aws("AcceptHandshake", {{"HandshakeId", invite["Handshake"]["Id"]}}, member);
    const std::string root = aws("ListRoots", json::object(), kManagement)["Roots"][0]["Id"];
    const std::string ou = aws("CreateOrganizationalUnit", {{"ParentId", root}, {"Name", "Engineering"}},
                               kManagement)["OrganizationalUnit"]["Id"];
    const std::string tree_path = "/_localorgs/organizations/" + org_id + "/tree";

    // Nothing enabled, nothing attached: every node says 0.
    auto bare = get(tree_path);
    CHECK(bare["Root"]["PolicyCount"] == 0);
    CHECK(bare["Root"]["PolicyCountByType"] == json::object());
    CHECK(bare["OrganizationalUnits"][0]["PolicyCount"] == 0);
    CHECK(bare["Accounts"][0]["PolicyCount"] == 0);

    for (const char* type : {"SERVICE_CONTROL_POLICY", "TAG_POLICY"})
        aws("EnablePolicyType", {{"RootId", root}, {"PolicyType", type}}, kManagement);
    const std::string tags = aws("CreatePolicy",
                                 {{"Name", "cost-center"},
                                  {"Description", ""},
                                  {"Type", "TAG_POLICY"},
                                  {"Content", R"({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}})"}},
                                 kManagement)["Policy"]["PolicySummary"]["Id"];
    for (const auto& target : {ou, member})
        aws("AttachPolicy", {{"PolicyId", tags}, {"TargetId", target}}, kManagement);

    auto summary = get("/_localorgs/organizations?id=" + org_id)["Organizations"][0];
    std::vector<std::string> enabled;
    for (const auto& t : summary["RootPolicyTypes"]) {
        CHECK(t["Status"] == "ENABLED");
        enabled.push_back(t["Type"]);
    }
    std::sort(enabled.begin(), enabled.end());
    CHECK(enabled == std::vector<std::string>{"SERVICE_CONTROL_POLICY", "TAG_POLICY"});

    // FullAWSAccess is on every node once SCPs are enabled; the tag policy on the OU and the member.
    auto tree = get(tree_path);
    CHECK(tree["Root"]["PolicyCount"] == 1);
    CHECK(tree["Root"]["PolicyCountByType"] == json{{"SERVICE_CONTROL_POLICY", 1}});
    REQUIRE(tree["OrganizationalUnits"].size() == 1);
    CHECK(tree["OrganizationalUnits"][0]["PolicyCount"] == 2);
    CHECK(tree["OrganizationalUnits"][0]["PolicyCountByType"] ==
          json{{"SERVICE_CONTROL_POLICY", 1}, {"TAG_POLICY", 1}});
    REQUIRE(tree["Accounts"].size() == 2);
    CHECK(tree["Accounts"][0]["Id"] == kManagement);
    CHECK(tree["Accounts"][0]["PolicyCount"] == 1);
    CHECK(tree["Accounts"][1]["Id"] == member);
    CHECK(tree["Accounts"][1]["PolicyCountByType"] == json{{"SERVICE_CONTROL_POLICY", 1}, {"TAG_POLICY", 1}});
    // The counts are what ListPoliciesForTarget lists.
    for (const auto& [target, type, count] :
         {std::tuple{ou, "TAG_POLICY", 1}, std::tuple{root, "SERVICE_CONTROL_POLICY", 1},
          std::tuple{std::string(member), "SERVICE_CONTROL_POLICY", 1}})
        CHECK(aws("ListPoliciesForTarget", {{"TargetId", target}, {"Filter", type}}, kManagement)["Policies"].size() ==
              std::size_t(count));
    // A search result carries them too.
    CHECK(get(tree_path + "?search=" + member)["Accounts"][0]["PolicyCount"] == 2);

    // The member moved into the OU keeps its own; the OU's level shows it.
    aws("MoveAccount", {{"AccountId", member}, {"SourceParentId", root}, {"DestinationParentId", ou}}, kManagement);
    auto level = get(tree_path + "?parent=" + ou);
    REQUIRE(level["Accounts"].size() == 1);
    CHECK(level["Accounts"][0]["PolicyCount"] == 2);
    CHECK(level["Root"]["PolicyCount"] == 1);

    // Disabling a type detaches its policies everywhere.
    aws("DisablePolicyType", {{"RootId", root}, {"PolicyType", "TAG_POLICY"}}, kManagement);
    CHECK(get(tree_path + "?parent=" + ou)["Accounts"][0]["PolicyCountByType"] ==
          json{{"SERVICE_CONTROL_POLICY", 1}});
    CHECK(get("/_localorgs/organizations?id=" + org_id)["Organizations"][0]["RootPolicyTypes"].size() == 1);
}

TEST_CASE_FIXTURE(ConsoleFixture, "console: delegated administrators marked on the tree and in a search") {
    const std::string org_id = aws("CreateOrganization", json::object(), kManagement)["Organization"]["Id"];
    const std::string member = "222222222222";
    auto invite = aws("InviteAccountToOrganization", {{"Target", {{"Id", member}, {"Type", "ACCOUNT"}}}}, kManagement);
    aws("AcceptHandshake", {{"HandshakeId", invite["Handshake"]["Id"]}}, member);
    const std::string tree_path = "/_localorgs/organizations/" + org_id + "/tree";
    auto bare = get(tree_path);
    REQUIRE(bare["Accounts"].size() == 2);
    for (const auto& a : bare["Accounts"]) {
        CHECK(a["DelegatedAdministrator"] == false);
        CHECK(a["DelegatedServices"] == json::array());
    }

    for (const char* service : {"securityhub.amazonaws.com", "config.amazonaws.com"}) {
        aws("EnableAWSServiceAccess", {{"ServicePrincipal", service}}, kManagement);
        aws("RegisterDelegatedAdministrator", {{"AccountId", member}, {"ServicePrincipal", service}}, kManagement);
    }
    auto tree = get(tree_path);
    CHECK(tree["Accounts"][0]["Id"] == kManagement);
    CHECK(tree["Accounts"][0]["DelegatedAdministrator"] == false);
    CHECK(tree["Accounts"][1]["Id"] == member);
    CHECK(tree["Accounts"][1]["DelegatedAdministrator"] == true);
    CHECK(tree["Accounts"][1]["DelegatedServices"] == json{"config.amazonaws.com", "securityhub.amazonaws.com"});
    CHECK(get(tree_path + "?search=" + member)["Accounts"][0]["DelegatedServices"].size() == 2);

    // Deregistered from one service, it keeps the other; from both, the mark goes.
    aws("DeregisterDelegatedAdministrator", {{"AccountId", member}, {"ServicePrincipal", "config.amazonaws.com"}},
        kManagement);
    CHECK(get(tree_path)["Accounts"][1]["DelegatedServices"] == json{"securityhub.amazonaws.com"});
    aws("DeregisterDelegatedAdministrator",
        {{"AccountId", member}, {"ServicePrincipal", "securityhub.amazonaws.com"}}, kManagement);
    CHECK(get(tree_path)["Accounts"][1]["DelegatedAdministrator"] == false);
}

TEST_CASE_FIXTURE(ConsoleFixture, "console: the outbox a page at a time, and faults removed one by one") {
    aws("CreateOrganization", json::object(), kManagement);
    for (const char* account : {"222222222222", "333333333333", "444444444444"})
        aws("InviteAccountToOrganization", {{"Target", {{"Id", account}, {"Type", "ACCOUNT"}}}}, kManagement);
    auto page = get("/_localorgs/outbox?order=newest&limit=2");
    CHECK(page["Total"] == 3);
    REQUIRE(page["Messages"].size() == 2);
    CHECK(page["Messages"][0]["To"] == "account-444444444444@example.com");
    CHECK(get("/_localorgs/outbox?order=newest&limit=2&offset=2")["Messages"][0]["To"] ==
          "account-222222222222@example.com");
    CHECK(get("/_localorgs/outbox")["Messages"][0]["To"] == "account-222222222222@example.com");  // as before
    CHECK(call(http::verb::get, "/_localorgs/outbox?limit=2").result() == http::status::bad_request);
    CHECK(call(http::verb::get, "/_localorgs/outbox?order=sideways").result() == http::status::bad_request);

    auto first = json::parse(call(http::verb::post, "/_localorgs/faults",
                                  R"({"Operation": "ListRoots", "Error": "TooManyRequestsException"})")
                                 .body())["FaultId"];
    call(http::verb::post, "/_localorgs/faults", R"({"Operation": "*", "Error": "ServiceException"})");
    CHECK(call(http::verb::delete_, "/_localorgs/faults/" + first.get<std::string>()).result() ==
          http::status::ok);
    auto left = get("/_localorgs/faults")["Faults"];
    REQUIRE(left.size() == 1);
    CHECK(left[0]["Operation"] == "*");
    CHECK(call(http::verb::delete_, "/_localorgs/faults/" + first.get<std::string>()).result() ==
          http::status::not_found);
}
