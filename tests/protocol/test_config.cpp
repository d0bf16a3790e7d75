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
