// The admin command line: words to control-plane requests, answers to tables, and the exit codes,
// against a stand-in server on a real socket.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "server/admin/admin_cli.hpp"
#include "server/transport.hpp"

using namespace localorgs;
using admin::Invocation;
using admin::usage_error;
using nlohmann::json;

namespace {

using Env = std::map<std::string, std::string>;

admin::Getenv env_of(Env vars) {
    return [vars](const char* name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

Invocation parse(std::vector<std::string> args, Env env = {}) {
    return admin::parse(args, env_of(std::move(env)));
}

json body_of(const Invocation& inv) {
    return json::parse(inv.request.body);
}

std::string header(const Invocation& inv, const std::string& name) {
    for (const auto& [n, v] : inv.request.headers)
        if (n == name) return v;
    return "";
}

// What parse() refuses: the message, and the command whose usage follows it.
std::pair<std::string, std::string> refusal(std::vector<std::string> args, Env env = {}) {
    try {
        parse(std::move(args), std::move(env));
    } catch (const usage_error& e) {
        return {e.what(), e.command};
    }
    FAIL("not refused");
    return {};
}

// A control plane stand-in: records every request and answers with what the test chose.
class FakeServer {
public:
    explicit FakeServer(unsigned status = 200, std::string body = "{}")
        : status_(status),
          body_(std::move(body)),
          transport_(ioc_, "127.0.0.1", 0, [this](server::Request&& req, server::Respond respond) {
              server::Response res{server::http::status(status_), req.version()};
              res.set(server::http::field::content_type, "application/json");
              res.body() = body_;
              res.prepare_payload();
              {
                  std::lock_guard lock(mutex_);
                  requests_.push_back(std::move(req));
              }
              respond(std::move(res));
          }) {
        transport_.start();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~FakeServer() {
        transport_.stop();
        thread_.join();
    }
    std::string url() const { return transport_.url(); }
    std::vector<server::Request> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    unsigned status_;
    std::string body_;
    boost::asio::io_context ioc_;
    server::Transport transport_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<server::Request> requests_;
};

struct Ran {
    int code;
    std::string out;
    std::string err;
};

Ran run(std::vector<std::string> args, Env env = {}) {
    std::ostringstream out, err;
    int code = admin::run(args, "FULL USAGE\n", out, err, env_of(std::move(env)));
    return {code, out.str(), err.str()};
}

// A port on which nothing listens: bound once by the kernel's choice, then released.
std::string closed_port_url() {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    auto port = acceptor.local_endpoint().port();
    acceptor.close();
    return "http://127.0.0.1:" + std::to_string(port);
}

}  // namespace

TEST_CASE("accounts: list, get and put become the control plane's account routes") {
    for (auto args : {std::vector<std::string>{"accounts"}, {"accounts", "list"}}) {
        auto inv = parse(args);
        CHECK(inv.command == "accounts list");
        CHECK(!inv.help);
        CHECK(inv.request.method == "GET");
        CHECK(inv.request.target == "/_localorgs/accounts");
        CHECK(inv.request.body.empty());
    }
    auto get = parse({"accounts", "get", "111111111111"});
    CHECK(get.request.method == "GET");
    CHECK(get.request.target == "/_localorgs/accounts/111111111111");

    auto put = parse({"accounts", "put", "111111111111", "--email", "a+b@example.com", "--name", "Prod Team",
                      "--seller-of-record", "AWS_INDIA", "--partition=aws-cn", "--email-verified", "false"});
    CHECK(put.request.method == "PUT");
    CHECK(put.request.target == "/_localorgs/accounts/111111111111");
    CHECK(body_of(put) == json{{"Email", "a+b@example.com"},
                               {"Name", "Prod Team"},
                               {"SellerOfRecord", "AWS_INDIA"},
                               {"Partition", "aws-cn"},
                               {"EmailVerified", false}});
    // Only what is given is sent, so the rest keeps its value on the server.
    CHECK(body_of(parse({"accounts", "put", "222222222222", "--email-verified=true"})) ==
          json{{"EmailVerified", true}});
    CHECK(body_of(parse({"accounts", "put", "222222222222"})) == json::object());
    // Flags may come before the positional too.
    CHECK(parse({"accounts", "put", "--name", "X", "333333333333"}).request.target ==
          "/_localorgs/accounts/333333333333");
}

TEST_CASE("clock: show, advance by a duration, set to an instant, reset") {
    CHECK(parse({"clock"}).request.method == "GET");
    CHECK(parse({"clock", "show"}).request.target == "/_localorgs/clock");
    auto advance = parse({"clock", "advance", "15d"});
    CHECK(advance.request.method == "POST");
    CHECK(advance.request.target == "/_localorgs/clock");
    CHECK(body_of(advance) == json{{"AdvanceSeconds", 15 * 86400}});
    CHECK(body_of(parse({"clock", "advance", "1d12h"})) == json{{"AdvanceSeconds", 36 * 3600}});
    CHECK(body_of(parse({"clock", "advance", "-2h"})) == json{{"AdvanceSeconds", -7200}});  // not a flag
    CHECK(body_of(parse({"clock", "set", "1767225600"})) == json{{"Now", 1767225600.0}});
    CHECK(body_of(parse({"clock", "set", "2026-01-01T02:00:00+02:00"})) == json{{"Now", 1767225600.0}});
    CHECK(body_of(parse({"clock", "reset"})) == json{{"Reset", true}});
}

TEST_CASE("outbox, faults and reset") {
    CHECK(parse({"outbox"}).request.target == "/_localorgs/outbox");
    // '+' and '@' are percent-encoded: a '+' left bare could be read as a space.
    CHECK(parse({"outbox", "--to", "a+b@example.com"}).request.target ==
          "/_localorgs/outbox?to=a%2Bb%40example.com");
    auto clear = parse({"outbox", "clear"});
    CHECK(clear.request.method == "DELETE");
    CHECK(clear.request.target == "/_localorgs/outbox");

    CHECK(parse({"faults"}).request.target == "/_localorgs/faults");
    CHECK(parse({"faults", "list"}).request.method == "GET");
    auto add = parse({"faults", "add", "--operation", "InviteAccountToOrganization", "--error",
                      "ConcurrentModificationException", "--reason", "R", "--message", "injected", "--count",
                      "3", "--account", "111111111111"});
    CHECK(add.request.method == "POST");
    CHECK(add.request.target == "/_localorgs/faults");
    CHECK(body_of(add) == json{{"Operation", "InviteAccountToOrganization"},
                               {"Error", "ConcurrentModificationException"},
                               {"Reason", "R"},
                               {"Message", "injected"},
                               {"Count", 3},
                               {"AccountId", "111111111111"}});
    CHECK(body_of(parse({"faults", "add", "--operation=*", "--error=ServiceException"})) ==
          json{{"Operation", "*"}, {"Error", "ServiceException"}});
    CHECK(parse({"faults", "clear"}).request.method == "DELETE");

    auto reset = parse({"reset"});
    CHECK(reset.request.method == "POST");
    CHECK(reset.request.target == "/_localorgs/reset");
}

TEST_CASE("endpoint and admin token: flag over environment over default; --json anywhere") {
    auto plain = parse({"clock"});
    CHECK(plain.settings.endpoint.host == "127.0.0.1");
    CHECK(plain.settings.endpoint.port == "4566");
    CHECK(!plain.settings.admin_token);
    CHECK(header(plain, "Authorization").empty());
    CHECK(!plain.settings.json);

    Env env = {{"LOCALORGS_ENDPOINT", "http://localhost:5000"}, {"LOCALORGS_ADMIN_TOKEN", "from-env"}};
    auto from_env = parse({"clock"}, env);
    CHECK(from_env.settings.endpoint.host == "localhost");
    CHECK(from_env.settings.endpoint.port == "5000");
    CHECK(header(from_env, "Authorization") == "Bearer from-env");

    auto flags =
        parse({"clock", "--json", "--endpoint", "http://[::1]:6000/prefix/", "--admin-token=s3cret"}, env);
    CHECK(flags.settings.json);
    CHECK(flags.settings.endpoint.host == "::1");
    CHECK(flags.settings.endpoint.port == "6000");
    CHECK(flags.settings.endpoint.base_path == "/prefix");
    CHECK(header(flags, "Authorization") == "Bearer s3cret");

    // Set to nothing is not set.
    CHECK(parse({"clock"}, {{"LOCALORGS_ENDPOINT", ""}}).settings.endpoint.port == "4566");
    CHECK(parse({"clock", "--endpoint", "http://example.com"}).settings.endpoint.port == "80");
}

TEST_CASE("usage errors name what is wrong, and the command whose usage follows") {
    using R = std::pair<std::string, std::string>;
    auto contains = [](const R& r, const char* needle) {
        CAPTURE(r.first);
        CHECK(r.first.find(needle) != std::string::npos);
    };
    CHECK(refusal({"acounts"}) == R{"unknown command 'acounts'", ""});
    auto mistyped = refusal({"accounts", "lst"});
    contains(mistyped, "unknown command 'accounts lst'");
    contains(mistyped, "list, get, put");
    CHECK(mistyped.second == "accounts");
    CHECK(refusal({"accounts", "list", "--bogus"}) ==
          R{"unknown flag --bogus for 'accounts list'", "accounts list"});
    CHECK(refusal({"accounts", "list", "--to", "x"}).first == "unknown flag --to for 'accounts list'");
    CHECK(refusal({"accounts", "get"}) == R{"accounts get needs ID", "accounts get"});
    CHECK(refusal({"accounts", "get", "1", "2"}) == R{"unexpected argument '2'", "accounts get"});
    CHECK(refusal({"accounts", "put", "1", "--email-verified", "yes"}).first ==
          "--email-verified: expected true or false, got 'yes'");
    CHECK(refusal({"accounts", "put", "1", "--name"}).first == "--name needs a value");
    contains(refusal({"clock", "advance", "15"}), "'15' is not a duration");
    contains(refusal({"clock", "advance", "15x"}), "unknown unit 'x'");
    CHECK(refusal({"clock", "advance"}).first == "clock advance needs DURATION");
    contains(refusal({"clock", "set", "tomorrow"}), "'tomorrow' is not a time");
    contains(refusal({"clock", "15d"}), "unknown command 'clock 15d'");
    CHECK(refusal({"faults", "add", "--error", "X"}) == R{"faults add needs --operation", "faults add"});
    CHECK(refusal({"faults", "add", "--operation", "X"}).first == "faults add needs --error");
    CHECK(refusal({"faults", "add", "--operation", "X", "--error", "Y", "--count", "two"}).first ==
          "--count: expected a whole number, got 'two'");
    CHECK(refusal({"outbox", "--json=yes"}).first == "--json takes no value");
    CHECK(refusal({"reset", "now"}).first == "unexpected argument 'now'");
    contains(refusal({"clock", "--endpoint", "https://localhost:4566"}), "only http://");
    contains(refusal({"clock", "--endpoint", "localhost:4566"}), "expected http://HOST[:PORT]");
    contains(refusal({"clock", "--endpoint", "http://:4566"}), "the host is missing");
    contains(refusal({"clock", "--endpoint", "http://localhost:99999"}), "1 to 65535");
    contains(refusal({"clock", "--endpoint", "http://localhost:"}), "the port is empty");
    contains(refusal({"clock"}, {{"LOCALORGS_ENDPOINT", "localhost"}}), "endpoint 'localhost'");
    CHECK(refusal({"help", "nothing"}).first == "unknown command 'nothing'");
    CHECK(refusal({"help", "clock", "rewind"}).first == "unknown command 'clock rewind'");
}

TEST_CASE("help: overall, per group, per command") {
    CHECK(parse({"help"}).help);
    CHECK(parse({"help"}).command.empty());
    CHECK(parse({"help", "serve"}).command.empty());
    CHECK(parse({"help", "clock"}).command == "clock");
    CHECK(parse({"help", "clock", "advance"}).command == "clock advance");
    CHECK(parse({"clock", "--help"}).command == "clock");  // a group alone: all of its commands
    CHECK(parse({"clock", "advance", "-h"}).command == "clock advance");
    CHECK(parse({"clock", "advance", "-h"}).help);
    CHECK(parse({"reset", "--help"}).help);

    std::string clock = admin::command_usage("clock");
    for (const char* line : {"localorgs clock [show]", "localorgs clock advance DURATION",
                             "localorgs clock set EPOCH|ISO8601", "localorgs clock reset", "--endpoint URL"})
        CHECK_MESSAGE(clock.find(line) != std::string::npos, line);
    std::string put = admin::command_usage("accounts put");
    CHECK(put.starts_with("usage: localorgs accounts put ID [--email E]"));
    for (const char* needle : {"--seller-of-record S", "--email-verified B", "--govcloud-enabled B",
                               "--phone-verified B", "--eula-accepted B", "--payment-instrument B", "AWS_SOUTH_AFRICA",
                               "aws-us-gov", "--json", "--admin-token T", "LOCALORGS_ENDPOINT"})
        CHECK_MESSAGE(put.find(needle) != std::string::npos, needle);
    CHECK(put.find("accounts get") == std::string::npos);

    std::string all = admin::usage();
    for (const char* needle :
         {"localorgs serve", "accounts [list]", "accounts get ID", "accounts put ID",
          "clock advance DURATION", "clock set EPOCH|ISO8601", "clock reset", "outbox [list] [--to ADDRESS]",
          "outbox clear", "faults add", "faults [list]", "faults clear", "reset", "help [COMMAND]", "--json",
          "--endpoint URL", "Exit codes"})
        CHECK_MESSAGE(all.find(needle) != std::string::npos, needle);
    CHECK(admin::is_command("accounts"));
    CHECK(admin::is_command("help"));
    CHECK(!admin::is_command("serve"));
    CHECK(!admin::is_command("--port"));
}

TEST_CASE("answers as tables and fields") {
    json accounts = {{"Accounts",
                      {{{"Id", "111111111111"},
                        {"Email", "owner@example.com"},
                        {"Name", "Management"},
                        {"SellerOfRecord", "AWS_INC"},
                        {"Partition", "aws"},
                        {"EmailVerified", true},
                        {"OrganizationId", "o-abcdefghij"}},
                       {{"Id", "222222222222"},
                        {"Email", "b@example.com"},
                        {"Name", "B"},
                        {"SellerOfRecord", "AWS_INDIA"},
                        {"Partition", "aws"},
                        {"EmailVerified", false},
                        {"OrganizationId", nullptr},
                        {"JoinedMethod", nullptr},
                        {"State", "CLOSED"},
                        {"RoleName", nullptr},
                        {"GovCloudEnabled", false},
                        {"GovCloudTwinId", nullptr},
                        {"PhoneVerified", false},
                        {"EulaAccepted", true},
                        {"PaymentInstrument", true}}}}};
    CHECK(parse({"accounts"}).render(accounts) ==
          "ID            EMAIL              NAME        SELLER OF RECORD  PARTITION  EMAIL VERIFIED  "
          "ORGANIZATION  JOINED  STATE\n"
          "111111111111  owner@example.com  Management  AWS_INC           aws        true            "
          "o-abcdefghij  -       -\n"
          "222222222222  b@example.com      B           AWS_INDIA         aws        false           -             "
          "-       CLOSED\n");
    CHECK(parse({"accounts"}).render({{"Accounts", json::array()}}) == "No accounts.\n");
    CHECK(parse({"accounts", "get", "2"}).render(accounts["Accounts"][1]) ==
          "Id                222222222222\n"
          "Email             b@example.com\n"
          "Name              B\n"
          "Seller of record  AWS_INDIA\n"
          "Partition         aws\n"
          "Email verified    false\n"
          "Organization      -\n"
          "Joined            -\n"
          "State             CLOSED\n"
          "Role name         -\n"
          "GovCloud enabled  false\n"
          "GovCloud twin     -\n"
          "Phone verified    false\n"
          "EULA accepted     true\n"
          "Payment method    true\n");

    CHECK(parse({"clock"}).render({{"Now", 1767225600.25}, {"OffsetSeconds", 1296000}}) ==
          "Now     2026-01-01T00:00:00.250Z (epoch 1767225600.25)\n"
          "Offset  15d ahead of the real time\n");
    CHECK(parse({"clock", "reset"}).render({{"Now", 1767225600}, {"OffsetSeconds", 0}}) ==
          "Now     2026-01-01T00:00:00Z (epoch 1767225600)\n"
          "Offset  none: the real time\n");
    CHECK(parse({"clock"})
              .render({{"Now", 1767225600}, {"OffsetSeconds", -5400.5}})
              .ends_with("Offset  1h30m0.5s behind the real time\n"));

    json mail = {{"Messages",
                  {{{"Id", "m1"},
                    {"To", "a@example.com"},
                    {"Subject", "Invitation to join o-abcdefghij"},
                    {"Body", "long\ntext"},
                    {"HandshakeId", "h-0123456789"},
                    {"SentTimestamp", 1767225600.0}}}}};
    CHECK(parse({"outbox"}).render(mail) ==
          "SENT                  TO             HANDSHAKE     SUBJECT\n"
          "2026-01-01T00:00:00Z  a@example.com  h-0123456789  Invitation to join o-abcdefghij\n");
    CHECK(parse({"outbox"}).render({{"Messages", json::array()}}) == "No messages.\n");
    CHECK(parse({"outbox", "clear"}).render(json::object()) == "Outbox emptied.\n");

    json faults = {{"Faults",
                    {{{"FaultId", "f-1"}, {"Operation", "*"}, {"Error", "ServiceException"}, {"Count", 1}},
                     {{"FaultId", "f-2"},
                      {"Operation", "AcceptHandshake"},
                      {"Error", "ConstraintViolationException"},
                      {"Reason", "ACCOUNT_NUMBER_LIMIT_EXCEEDED"},
                      {"AccountId", "111111111111"},
                      {"Message", "injected"},
                      {"Count", 4}}}}};
    CHECK(parse({"faults"}).render(faults) ==
          "ID   OPERATION        ERROR                         REASON                         ACCOUNT       "
          "CALLS LEFT  MESSAGE\n"
          "f-1  *                ServiceException              -                              -             1"
          "           -\n"
          "f-2  AcceptHandshake  ConstraintViolationException  ACCOUNT_NUMBER_LIMIT_EXCEEDED  111111111111  4"
          "           injected\n");
    CHECK(parse({"faults"}).render({{"Faults", json::array()}}) == "No faults.\n");
    CHECK(parse({"faults", "add", "--operation", "*", "--error", "E"}).render({{"FaultId", "f-9"}}) ==
          "Added fault f-9.\n");
    CHECK(parse({"faults", "clear"}).render(json::object()) == "Faults cleared.\n");
    CHECK(parse({"reset"}).render(json::object()).starts_with("Reset: "));
}

TEST_CASE("run: sends the request, prints the table or the JSON, exit code 0") {
    FakeServer server(200, R"({"Accounts": [{"Id": "111111111111", "Email": "a@example.com", "Name": "A",
        "SellerOfRecord": "AWS_INC", "Partition": "aws", "EmailVerified": true, "OrganizationId": null}]})");
    auto table = run({"accounts", "list", "--endpoint", server.url()});
    CHECK(table.code == 0);
    CHECK(table.err.empty());
    CHECK(table.out.starts_with("ID            EMAIL"));
    CHECK(table.out.find("111111111111  a@example.com  A") != std::string::npos);

    auto raw = run({"accounts", "list", "--json"}, {{"LOCALORGS_ENDPOINT", server.url()}});
    CHECK(raw.code == 0);
    CHECK(json::parse(raw.out) ==
          json::parse(R"({"Accounts": [{"Id": "111111111111", "Email": "a@example.com",
        "Name": "A", "SellerOfRecord": "AWS_INC", "Partition": "aws", "EmailVerified": true,
        "OrganizationId": null}]})"));

    auto put = run({"accounts", "put", "111111111111", "--name", "B", "--endpoint", server.url() + "/base/",
                    "--admin-token", "s3cret"});
    CHECK(put.code == 1);  // the stand-in answers a list where an account is expected
    auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].method() == server::http::verb::get);
    CHECK(requests[0].target() == "/_localorgs/accounts");
    CHECK(requests[0][server::http::field::authorization].empty());
    const auto& sent = requests[2];
    CHECK(sent.method() == server::http::verb::put);
    CHECK(sent.target() == "/base/_localorgs/accounts/111111111111");
    CHECK(sent[server::http::field::authorization] == "Bearer s3cret");
    CHECK(sent[server::http::field::content_type] == "application/json");
    CHECK(json::parse(sent.body()) == json{{"Name", "B"}});
    CHECK(put.err.starts_with("localorgs: unexpected answer from "));
}

TEST_CASE("run: a refusal of the control plane is one line on stderr and exit code 1") {
    FakeServer refusing(404, R"({"Error": "NotFound", "Message": "No account 111111111111 is known"})");
    auto r = run({"accounts", "get", "111111111111", "--endpoint", refusing.url()});
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "localorgs: NotFound: No account 111111111111 is known (HTTP 404)\n");

    FakeServer not_json(502, "<html>\nBad Gateway\n</html>");
    auto html = run({"reset", "--endpoint", not_json.url()});
    CHECK(html.code == 1);
    CHECK(html.err == "localorgs: HTTP 502 Bad Gateway from POST " + not_json.url() +
                          "/_localorgs/reset: <html> Bad Gateway </html>\n");

    FakeServer garbage(200, "not json");
    auto g = run({"clock", "--endpoint", garbage.url()});
    CHECK(g.code == 1);
    CHECK(g.err.find("unexpected answer") != std::string::npos);
    CHECK(g.err.find("not JSON") != std::string::npos);
}

TEST_CASE("run: nobody listening is exit code 1 with one line naming the endpoint") {
    std::string url = closed_port_url();
    auto r = run({"clock", "--endpoint", url});
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("localorgs: connecting to " + url + " failed: Connection refused"));
    CHECK(r.err.find("LOCALORGS_ENDPOINT") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("run: usage errors exit 2 and send nothing; help exits 0") {
    FakeServer server;
    auto bad = run({"accounts", "list", "--bogus", "--endpoint", server.url()});
    CHECK(bad.code == 2);
    CHECK(bad.out.empty());
    CHECK(bad.err.starts_with(
        "localorgs: unknown flag --bogus for 'accounts list'\nusage: localorgs accounts [list]"));
    auto duration = run({"clock", "advance", "soon", "--endpoint", server.url()});
    CHECK(duration.code == 2);
    CHECK(duration.err.starts_with("localorgs: 'soon' is not a duration"));
    auto unknown = run({"acounts", "--endpoint", server.url()});
    CHECK(unknown.code == 2);
    CHECK(unknown.err == "localorgs: unknown command 'acounts'\nRun 'localorgs --help' for usage.\n");
    CHECK(server.requests().empty());

    auto help = run({"help"});
    CHECK(help.code == 0);
    CHECK(help.out == "FULL USAGE\n");
    auto command_help = run({"faults", "add", "--help"});
    CHECK(command_help.code == 0);
    CHECK(command_help.out == admin::command_usage("faults add"));
    CHECK(server.requests().empty());
}

TEST_CASE("a server that accepts but never answers times out") {
    boost::asio::io_context ioc;
    // Listening without ever accepting: the kernel completes the connection, nobody reads.
    boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    auto endpoint =
        admin::parse_endpoint("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()));
    CHECK_THROWS_WITH_AS(
        admin::exchange(endpoint, {"GET", "/_localorgs/clock", "", {}}, std::chrono::milliseconds(300)),
        doctest::Contains("no answer within 300 ms"), admin::connection_error);
}
