#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "server/config.hpp"
#include "temp_dir.hpp"

using namespace localorgs;
using server::Config;
using server::config_error;

namespace {
server::CommandLineAction parse(std::vector<const char*> args, Config& c) {
    args.insert(args.begin(), "localorgs");
    return server::parse_command_line(int(args.size()), args.data(), c);
}
}  // namespace

TEST_CASE("flags, environment and defaults") {
    Config c;
    CHECK(parse({}, c) == server::CommandLineAction::run);
    CHECK(c.host == "127.0.0.1");
    CHECK(c.port == 4566);
    CHECK(c.db == "./localorgs.db");
    CHECK(c.default_account == "000000000000");
    CHECK(c.log_format == "text");

    Config d;
    parse({"--port", "0", "--db=:memory:", "--default-account", "123456789012", "--log-level", "debug"}, d);
    CHECK(d.port == 0);
    CHECK(d.db == ":memory:");
    CHECK(d.default_account == "123456789012");
    CHECK(d.log_level == "debug");
    Config j;
    parse({"--log-format", "json"}, j);
    CHECK(j.log_format == "json");

    ::setenv("LOCALORGS_PORT", "5000", 1);
    Config e;
    parse({}, e);
    CHECK(e.port == 5000);
    Config f;
    parse({"--port", "6000"}, f);  // the flag wins over the environment
    CHECK(f.port == 6000);
    ::unsetenv("LOCALORGS_PORT");

    Config g;
    CHECK(parse({"--help"}, g) == server::CommandLineAction::help);
    CHECK(parse({"--version"}, g) == server::CommandLineAction::version);
}

TEST_CASE("wrong flags and values are refused with a message naming them") {
    Config c;
    CHECK_THROWS_WITH_AS(parse({"--bogus", "1"}, c), doctest::Contains("--bogus"), config_error);
    CHECK_THROWS_WITH_AS(parse({"--port", "70000"}, c), doctest::Contains("--port"), config_error);
    CHECK_THROWS_WITH_AS(parse({"--port", "12ab"}, c), doctest::Contains("--port"), config_error);
    CHECK_THROWS_WITH_AS(parse({"--default-account", "42"}, c), doctest::Contains("12-digit"), config_error);
    CHECK_THROWS_WITH_AS(parse({"--log-level", "loud"}, c), doctest::Contains("--log-level"), config_error);
    CHECK_THROWS_WITH_AS(parse({"--log-format", "yaml"}, c), doctest::Contains("expected text or json"), config_error);
    CHECK_THROWS_AS(parse({"--port"}, c), config_error);
}

TEST_CASE("the config file: accounts, credentials, quotas, default account") {
    testing::TempDir dir;
    auto path = dir.file("config.json");
    std::ofstream(path) << R"({
      "DefaultAccount": "999999999999",
      "Accounts": [{"Id": "111111111111", "Email": "a@example.com", "Name": "Prod",
                    "SellerOfRecord": "AWS_INDIA", "Partition": "aws", "EmailVerified": false},
                   {"Id": "222222222222"}],
      "Credentials": [{"AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "s", "AccountId": "111111111111"}],
      "Quotas": {"MaxAccounts": 25, "InvitationsPerDay": null, "InitializationSeconds": 5}
    })";
    Config c;
    parse({"--config", path.c_str()}, c);
    CHECK(c.default_account == "999999999999");
    REQUIRE(c.accounts.size() == 2);
    CHECK(c.accounts[0].email == "a@example.com");
    CHECK(c.accounts[0].seller_of_record == "AWS_INDIA");
    CHECK(!c.accounts[0].email_verified);
    CHECK(c.accounts[1].email == "account-222222222222@example.com");
    CHECK(c.account_by_access_key().at("AKIAEXAMPLE") == "111111111111");
    CHECK(c.quotas.max_accounts == 25);
    CHECK(!c.quotas.invitations_per_day);
    CHECK(c.quotas.initialization_seconds == 5);

    Config flag_wins;
    parse({"--config", path.c_str(), "--default-account", "123123123123"}, flag_wins);
    CHECK(flag_wins.default_account == "123123123123");
}

TEST_CASE("a config file with a wrong key or value is refused, naming it") {
    auto refused = [](const std::string& text, const std::string& needle) {
        Config c;
        CHECK_THROWS_WITH_AS(server::apply_config_json(text, "cfg", c, false), doctest::Contains(needle.c_str()),
                             config_error);
    };
    refused("{", "not valid JSON");
    refused(R"({"Acounts": []})", "Acounts");
    refused(R"({"Accounts": [{"Id": "1"}]})", "Accounts[0].Id");
    refused(R"({"Accounts": [{"Id": "111111111111", "SellerOfRecord": "AWS_MARS"}]})", "SellerOfRecord");
    refused(R"({"Accounts": [{"Id": "111111111111", "Partition": "aws-mars"}]})", "Partition");
    refused(R"({"Accounts": [{"Id": "111111111111", "Email": "nope"}]})", "Email");
    refused(R"({"Accounts": [{"Id": "111111111111", "Colour": "red"}]})", "Colour");
    refused(R"({"Quotas": {"MaxAccounts": 0}})", "MaxAccounts");
    refused(R"({"Credentials": [{"AccessKeyId": "A", "AccountId": "x"}]})", "AccountId");
}

TEST_CASE("--verify-signatures: a switch, an environment variable and a config-file key") {
    Config off;
    parse({}, off);
    CHECK(!off.verify_signatures);
    CHECK(off.admin_token.empty());
    CHECK(off.host == "127.0.0.1");  // least exposure: loopback unless told otherwise

    Config on;
    parse({"--verify-signatures", "--port", "0"}, on);  // a switch: the next argument is not its value
    CHECK(on.verify_signatures);
    CHECK(on.port == 0);
    Config explicit_off;
    parse({"--verify-signatures=false"}, explicit_off);
    CHECK(!explicit_off.verify_signatures);
    Config bad;
    CHECK_THROWS_WITH_AS(parse({"--verify-signatures=maybe"}, bad), doctest::Contains("--verify-signatures"),
                         config_error);

    ::setenv("LOCALORGS_VERIFY_SIGNATURES", "1", 1);
    Config env;
    parse({}, env);
    CHECK(env.verify_signatures);
    ::setenv("LOCALORGS_VERIFY_SIGNATURES", "yes please", 1);
    Config env_bad;
    CHECK_THROWS_WITH_AS(parse({}, env_bad), doctest::Contains("LOCALORGS_VERIFY_SIGNATURES"), config_error);
    ::unsetenv("LOCALORGS_VERIFY_SIGNATURES");

    testing::TempDir dir;
    auto path = dir.file("config.json");
    std::ofstream(path) << R"({"VerifySignatures": true,
      "Credentials": [{"AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "s", "AccountId": "111111111111"}]})";
    Config from_file;
    parse({"--config", path.c_str()}, from_file);
    CHECK(from_file.verify_signatures);
    Config flag_wins;
    parse({"--config", path.c_str(), "--verify-signatures=false"}, flag_wins);
    CHECK(!flag_wins.verify_signatures);
    ::setenv("LOCALORGS_VERIFY_SIGNATURES", "false", 1);
    Config env_wins;
    parse({"--config", path.c_str()}, env_wins);
    CHECK(!env_wins.verify_signatures);
    ::unsetenv("LOCALORGS_VERIFY_SIGNATURES");

    Config wrong_type;
    CHECK_THROWS_WITH_AS(server::apply_config_json(R"({"VerifySignatures": "yes"})", "cfg", wrong_type, false),
                         doctest::Contains("VerifySignatures"), config_error);
}

TEST_CASE("verifying signatures needs every credential's secret") {
    testing::TempDir dir;
    auto path = dir.file("config.json");
    std::ofstream(path) << R"({"Credentials": [
      {"AccessKeyId": "AKIAGOOD", "SecretAccessKey": "s", "AccountId": "111111111111"},
      {"AccessKeyId": "AKIANOSECRET", "AccountId": "222222222222"}]})";
    Config without;
    parse({"--config", path.c_str()}, without);  // fine while nothing is verified
    CHECK(without.credentials.size() == 2);
    Config with;
    CHECK_THROWS_WITH_AS(parse({"--config", path.c_str(), "--verify-signatures"}, with),
                         doctest::Contains("Credentials[1] (AKIANOSECRET)"), config_error);
    // A credential without AccessKeyId is a config error, not a crash.
    Config missing_key;
    CHECK_THROWS_WITH_AS(server::apply_config_json(R"({"Credentials": [{"AccountId": "111111111111"}]})", "cfg",
                                                   missing_key, false),
                         doctest::Contains("Credentials[0].AccessKeyId"), config_error);
}

TEST_CASE("--admin-token: flag or environment; refusals never repeat it") {
    Config c;
    parse({"--admin-token", "s3cr3t-t0ken"}, c);
    CHECK(c.admin_token == "s3cr3t-t0ken");
    ::setenv("LOCALORGS_ADMIN_TOKEN", "from-env", 1);
    Config env;
    parse({}, env);
    CHECK(env.admin_token == "from-env");
    Config flag_wins;
    parse({"--admin-token=from-flag"}, flag_wins);
    CHECK(flag_wins.admin_token == "from-flag");
    ::unsetenv("LOCALORGS_ADMIN_TOKEN");

    for (const char* bad : {"", "has space", "tab\there", "caf\xc3\xa9"}) {
        Config b;
        try {
            parse({"--admin-token", bad}, b);
            FAIL("accepted a bad token");
        } catch (const config_error& e) {
            CHECK(std::string(e.what()).find("--admin-token") != std::string::npos);
            if (*bad) CHECK(std::string(e.what()).find(bad) == std::string::npos);
        }
    }
}
