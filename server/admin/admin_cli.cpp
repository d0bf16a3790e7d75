#include "server/admin/admin_cli.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "server/admin/table.hpp"
#include "server/admin/time_text.hpp"

namespace localorgs::admin {
namespace {

using nlohmann::json;

// --- what the commands are ----------------------------------------------------------------------

struct Args {
    std::string command;
    std::vector<std::string> positionals;
    std::map<std::string, std::string> flags;

    const std::string* flag(const char* name) const {
        auto it = flags.find(name);
        return it == flags.end() ? nullptr : &it->second;
    }
    const std::string& required(const char* name) const {
        if (const auto* v = flag(name)) return *v;
        throw usage_error(command + " needs --" + name, command);
    }
};

struct Command {
    const char* group;
    const char* action;  // the group alone means its first command
    const char* synopsis;
    const char* brief;                     // for the list of all commands
    const char* summary;                   // for the command's own usage
    std::vector<const char*> positionals;  // all required
    std::vector<const char*> flags;        // value flags, without the leading --
    HttpRequest (*build)(const Args&);
    std::string (*render)(const json&);
};

// Unreserved characters pass; everything else (an email's '+' and '@' included) is %XX, which the
// server decodes.
std::string percent_encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(char(c));
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

HttpRequest get(std::string target) {
    return {"GET", std::move(target), "", {}};
}
HttpRequest send(const char* method, std::string target, const json& body) {
    return {method, std::move(target), body.dump(), {}};
}

// --- how answers look -----------------------------------------------------------------------------

std::string text(const json& object, const char* key) {
    const auto& v = object.at(key);
    if (v.is_null()) return "-";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump();
}

std::string optional_text(const json& object, const char* key) {
    return object.contains(key) ? text(object, key) : "-";
}

// Epoch seconds with the millisecond fraction the server keeps, and no float noise.
std::string epoch_text(double seconds) {
    long long ms = std::llround(seconds * 1000.0);
    std::string out = std::to_string(ms / 1000);
    if (ms % 1000 != 0) {
        std::string frac = std::to_string(1000 + std::abs(ms % 1000)).substr(1);
        while (frac.back() == '0') frac.pop_back();
        out += "." + frac;
    }
    return out;
}

std::string render_accounts(const json& answer) {
    const auto& accounts = answer.at("Accounts");
    if (accounts.empty()) return "No accounts.\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : accounts)
        rows.push_back({text(a, "Id"), text(a, "Email"), text(a, "Name"), text(a, "SellerOfRecord"),
                        text(a, "Partition"), text(a, "EmailVerified"), text(a, "OrganizationId"),
                        optional_text(a, "JoinedMethod"), optional_text(a, "State")});
    return render_table({"ID", "EMAIL", "NAME", "SELLER OF RECORD", "PARTITION", "EMAIL VERIFIED", "ORGANIZATION",
                         "JOINED", "STATE"},
                        rows);
}

std::string render_account(const json& a) {
    return render_fields({{"Id", text(a, "Id")},
                          {"Email", text(a, "Email")},
                          {"Name", text(a, "Name")},
                          {"Seller of record", text(a, "SellerOfRecord")},
                          {"Partition", text(a, "Partition")},
                          {"Email verified", text(a, "EmailVerified")},
                          {"Organization", text(a, "OrganizationId")},
                          {"Joined", optional_text(a, "JoinedMethod")},
                          {"State", optional_text(a, "State")},
                          {"Role name", optional_text(a, "RoleName")},
                          {"GovCloud enabled", optional_text(a, "GovCloudEnabled")},
                          {"GovCloud twin", optional_text(a, "GovCloudTwinId")},
                          {"Phone verified", optional_text(a, "PhoneVerified")},
                          {"EULA accepted", optional_text(a, "EulaAccepted")},
                          {"Payment method", optional_text(a, "PaymentInstrument")}});
}

std::string render_clock(const json& clock) {
    double now = clock.at("Now").get<double>();
    double offset = clock.at("OffsetSeconds").get<double>();
    std::string moved = std::llround(offset * 1000) == 0 ? "none: the real time"
                        : offset > 0                     ? format_duration(offset) + " ahead of the real time"
                                                         : format_duration(-offset) + " behind the real time";
    return render_fields(
        {{"Now", format_instant(now) + " (epoch " + epoch_text(now) + ")"}, {"Offset", moved}});
}

std::string render_outbox(const json& answer) {
    const auto& messages = answer.at("Messages");
    if (messages.empty()) return "No messages.\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : messages)
        rows.push_back({format_instant(m.at("SentTimestamp").get<double>()), text(m, "To"),
                        text(m, "HandshakeId"), text(m, "Subject")});
    return render_table({"SENT", "TO", "HANDSHAKE", "SUBJECT"}, rows);
}

std::string render_transfers(const json& answer) {
    const auto& transfers = answer.at("Transfers");
    if (transfers.empty()) return "No transfers.\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : transfers) {
        std::string source = optional_text(t, "SourceAccountId");
        if (source == "-") source = optional_text(t, "SourceEmail");
        const auto& end = t.at("EndTimestamp");
        rows.push_back({text(t, "Id"), text(t, "Type"), text(t, "Status"),
                        text(t, "TargetAccountId") + " (" + text(t, "TargetOrganizationId") + ")", source,
                        format_instant(t.at("StartTimestamp").get<double>()),
                        end.is_null() ? std::string("-") : format_instant(end.get<double>()),
                        text(t, "HandshakeId"), text(t, "Name")});
    }
    return render_table({"ID", "TYPE", "STATUS", "PAYER (ORGANIZATION)", "SOURCE", "START", "END", "HANDSHAKE", "NAME"},
                        rows);
}

std::string render_delegation(const json& answer) {
    std::string out;
    const auto& services = answer.at("TrustedServices");
    if (services.empty()) {
        out += "No trusted services.\n";
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& s : services)
            rows.push_back({text(s, "ServicePrincipal"), format_instant(s.at("DateEnabled").get<double>())});
        out += render_table({"TRUSTED SERVICE", "ENABLED"}, rows);
    }
    out += "\n";
    const auto& admins = answer.at("DelegatedAdministrators");
    if (admins.empty()) {
        out += "No delegated administrators.\n";
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& a : admins)
            rows.push_back({text(a, "AccountId"), text(a, "ServicePrincipal"),
                            format_instant(a.at("DelegationEnabledDate").get<double>())});
        out += render_table({"DELEGATED ADMINISTRATOR", "SERVICE", "SINCE"}, rows);
    }
    const auto& policy = answer.at("ResourcePolicy");
    out += policy.is_null() ? "\nNo delegation policy.\n" : "\nDelegation policy " + text(policy, "Id") + ":\n" +
                                                               text(policy, "Content") + "\n";
    return out;
}

std::string render_faults(const json& answer) {
    const auto& faults = answer.at("Faults");
    if (faults.empty()) return "No faults.\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : faults)
        rows.push_back({text(f, "FaultId"), text(f, "Operation"), text(f, "Error"),
                        optional_text(f, "Reason"), optional_text(f, "AccountId"), text(f, "Count"),
                        optional_text(f, "Message")});
    return render_table({"ID", "OPERATION", "ERROR", "REASON", "ACCOUNT", "CALLS LEFT", "MESSAGE"}, rows);
}

// --- the commands -----------------------------------------------------------------------------------

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"accounts",
         "list",
         "accounts [list]",
         "list the accounts the server knows",
         "List the accounts the server knows.",
         {},
         {},
         [](const Args&) { return get("/_localorgs/accounts"); },
         render_accounts},
        {"accounts",
         "get",
         "accounts get ID",
         "show one account",
         "Show one account.",
         {"ID"},
         {},
         [](const Args& a) { return get("/_localorgs/accounts/" + percent_encode(a.positionals[0])); },
         render_account},
        {"accounts",
         "put",
         "accounts put ID [--email E] [--name N] [--seller-of-record S] [--partition P]\n"
         "[--email-verified B] [--govcloud-enabled B] [--phone-verified B] [--eula-accepted B]\n"
         "[--payment-instrument B]",
         "create or update an account",
         "Create or update an account; what is not given keeps its value (a new account starts\n"
         "from account-ID@example.com, \"Account ID\", AWS_INC, aws, verified).\n"
         "S is one of AWS_INC, AWS_INDIA, AWS_EMEA, AWS_CANADA, AWS_BRAZIL, AWS_JAPAN,\n"
         "AWS_AUSTRALIA, AWS_KOREA, AWS_SOUTH_AFRICA; P one of aws, aws-cn, aws-us-gov; B true or false.\n"
         "--govcloud-enabled lets a management account use CreateGovCloudAccount; the last three are\n"
         "what an account the organization created needs before it can leave.",
         {"ID"},
         {"email", "name", "seller-of-record", "partition", "email-verified", "govcloud-enabled", "phone-verified",
          "eula-accepted", "payment-instrument"},
         [](const Args& a) {
             json body = json::object();
             for (auto [flag, member] : {std::pair{"email", "Email"},
                                         {"name", "Name"},
                                         {"seller-of-record", "SellerOfRecord"},
                                         {"partition", "Partition"}})
                 if (const auto* v = a.flag(flag)) body[member] = *v;
             for (auto [flag, member] : {std::pair{"email-verified", "EmailVerified"},
                                         {"govcloud-enabled", "GovCloudEnabled"},
                                         {"phone-verified", "PhoneVerified"},
                                         {"eula-accepted", "EulaAccepted"},
                                         {"payment-instrument", "PaymentInstrument"}}) {
                 const auto* v = a.flag(flag);
                 if (!v) continue;
                 if (*v != "true" && *v != "false")
                     throw usage_error("--" + std::string(flag) + ": expected true or false, got '" + *v + "'",
                                       a.command);
                 body[member] = *v == "true";
             }
             return send("PUT", "/_localorgs/accounts/" + percent_encode(a.positionals[0]), body);
         },
         render_account},

        {"clock",
         "show",
         "clock [show]",
         "show the server's time and how far it was moved",
         "Show the server's time and how far it was moved.",
         {},
         {},
         [](const Args&) { return get("/_localorgs/clock"); },
         render_clock},
        {"clock",
         "advance",
         "clock advance DURATION",
         "move the time: 30s, 15m, 2h, 15d, 1d12h, -2h",
         "Move the time forward: 30s, 15m, 2h, 15d, 1d12h (units d, h, m, s in that order);\n"
         "-2h moves it back.",
         {"DURATION"},
         {},
         [](const Args& a) {
             try {
                 return send("POST", "/_localorgs/clock",
                             {{"AdvanceSeconds", parse_duration(a.positionals[0])}});
             } catch (const time_text_error& e) {
                 throw usage_error(e.what(), a.command);
             }
         },
         render_clock},
        {"clock",
         "set",
         "clock set EPOCH|ISO8601",
         "set the time: 1767225600, 2026-01-01T12:00:00Z",
         "Set the time: epoch seconds (1767225600) or ISO 8601 (2026-01-01, 2026-01-01T12:00:00Z,\n"
         "2026-01-01T14:00:00+02:00; UTC when no offset is given).",
         {"TIME"},
         {},
         [](const Args& a) {
             try {
                 return send("POST", "/_localorgs/clock", {{"Now", parse_instant(a.positionals[0])}});
             } catch (const time_text_error& e) {
                 throw usage_error(e.what(), a.command);
             }
         },
         render_clock},
        {"clock",
         "reset",
         "clock reset",
         "back to the real time",
         "Go back to the real time.",
         {},
         {},
         [](const Args&) {
             return send("POST", "/_localorgs/clock", {{"Reset", true}});
         },
         render_clock},

        {"outbox",
         "list",
         "outbox [list] [--to ADDRESS]",
         "the emails AWS would have sent",
         "The emails AWS would have sent for invitations, oldest first; --to keeps those to ADDRESS.",
         {},
         {"to"},
         [](const Args& a) {
             const auto* to = a.flag("to");
             return get("/_localorgs/outbox" + (to ? "?to=" + percent_encode(*to) : std::string()));
         },
         render_outbox},
        {"outbox",
         "clear",
         "outbox clear",
         "empty the outbox",
         "Empty the outbox (handshakes are not touched).",
         {},
         {},
         [](const Args&) { return send("DELETE", "/_localorgs/outbox", json::object()); },
         [](const json&) -> std::string { return "Outbox emptied.\n"; }},

        {"transfers",
         "list",
         "transfers [list] [--organization O]",
         "responsibility transfers, both sides",
         "Responsibility (billing) transfers and their invitations, oldest first, with the paying\n"
         "side (Target) and the other (Source); --organization keeps those of organization O.",
         {},
         {"organization"},
         [](const Args& a) {
             const auto* org = a.flag("organization");
             return get("/_localorgs/transfers" + (org ? "?organization=" + percent_encode(*org) : std::string()));
         },
         render_transfers},

        {"delegation",
         "show",
         "delegation ORGANIZATION_ID",
         "trusted services, delegated administrators",
         "The organization's trusted services, its delegated administrators (one row per service)\n"
         "and its delegation policy.",
         {"ORGANIZATION_ID"},
         {},
         [](const Args& a) { return get("/_localorgs/organizations/" + percent_encode(a.positionals.at(0)) + "/delegation"); },
         render_delegation},

        {"faults",
         "list",
         "faults [list]",
         "the injected faults still armed",
         "The injected faults that have calls left to fail.",
         {},
         {},
         [](const Args&) { return get("/_localorgs/faults"); },
         render_faults},
        {"faults",
         "add",
         "faults add --operation OP --error TYPE [--reason R] [--message M] [--count N]\n"
         "[--account ID]",
         "make the next calls fail with an AWS error",
         "Make the next N calls (default 1) of OP (an operation name, or * for any) by account ID\n"
         "(any caller when not given) fail, before anything changes, with the AWS error TYPE\n"
         "(e.g. ConcurrentModificationException), its Reason R and Message M.",
         {},
         {"operation", "error", "reason", "message", "count", "account"},
         [](const Args& a) {
             json body = {{"Operation", a.required("operation")}, {"Error", a.required("error")}};
             if (const auto* v = a.flag("reason")) body["Reason"] = *v;
             if (const auto* v = a.flag("message")) body["Message"] = *v;
             if (const auto* v = a.flag("account")) body["AccountId"] = *v;
             if (const auto* v = a.flag("count")) {
                 if (v->empty() || v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos)
                     throw usage_error("--count: expected a whole number, got '" + *v + "'", a.command);
                 body["Count"] = std::stoi(*v);
             }
             return send("POST", "/_localorgs/faults", body);
         },
         [](const json& answer) { return "Added fault " + text(answer, "FaultId") + ".\n"; }},
        {"faults",
         "clear",
         "faults clear",
         "remove every injected fault",
         "Remove every injected fault.",
         {},
         {},
         [](const Args&) { return send("DELETE", "/_localorgs/faults", json::object()); },
         [](const json&) -> std::string { return "Faults cleared.\n"; }},

        {"reset",
         "",
         "reset",
         "wipe all state and apply the config file again",
         "Wipe all state (organizations, accounts, handshakes, outbox, faults), go back to the\n"
         "real time, and register the config file's accounts again.",
         {},
         {},
         [](const Args&) { return send("POST", "/_localorgs/reset", json::object()); },
         [](const json&) -> std::string {
             return "Reset: state wiped, configured accounts registered again, real time, no faults.\n";
         }},
    };
    return table;
}

std::string name_of(const Command& c) {
    return *c.action ? std::string(c.group) + " " + c.action : std::string(c.group);
}

bool is_group(std::string_view word) {
    const auto& all = commands();
    return std::any_of(all.begin(), all.end(), [&](const Command& c) { return word == c.group; });
}

const Command* find_action(std::string_view group, std::string_view action) {
    for (const auto& c : commands())
        if (group == c.group && action == c.action) return &c;
    return nullptr;
}

const Command& default_action(std::string_view group) {
    for (const auto& c : commands())
        if (group == c.group) return c;
    throw std::logic_error("no such group");
}

std::string actions_of(std::string_view group) {
    std::string out;
    for (const auto& c : commands())
        if (group == c.group && *c.action) out += (out.empty() ? "" : ", ") + std::string(c.action);
    return out;
}

constexpr const char* kCommonOptions =
    "Options of every command:\n"
    "  --endpoint URL     the server (env LOCALORGS_ENDPOINT; default http://127.0.0.1:4566)\n"
    "  --admin-token T    sent as 'Authorization: Bearer T' (env LOCALORGS_ADMIN_TOKEN)\n"
    "  --json             print the server's JSON answer instead of a table\n"
    "  --help, -h         this command's usage\n";

std::string indent(std::string_view text, std::string_view prefix) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        out += std::string(prefix) + std::string(text.substr(start, end - start)) + "\n";
        start = end + 1;
    }
    return out;
}

// A synopsis whose continuation lines line up under its first argument.
std::string synopsis_block(const Command& c, const std::string& prefix) {
    std::string_view synopsis = c.synopsis;
    std::string continuation(prefix.size() + name_of(c).size() + 1, ' ');
    std::string out;
    for (std::size_t start = 0; start <= synopsis.size();) {
        auto end = std::min(synopsis.find('\n', start), synopsis.size());
        out += start == 0 ? prefix : continuation;
        out += synopsis.substr(start, end - start);
        out += '\n';
        start = end + 1;
    }
    return out;
}

std::string describe_refusal(const HttpAnswer& answer, const json& body, const HttpRequest& request,
                             const Endpoint& endpoint) {
    std::string status = "HTTP " + std::to_string(answer.status);
    // The control plane's {"Error", "Message"}; an AWS-shaped {"__type", "Message"} if the endpoint
    // turns out to answer like the AWS API.
    for (const char* kind : {"Error", "__type"}) {
        if (body.is_object() && body.contains(kind) && body[kind].is_string()) {
            std::string message = body.contains("Message") && body["Message"].is_string()
                                      ? ": " + body["Message"].get<std::string>()
                                      : "";
            return body[kind].get<std::string>() + message + " (" + status + ")";
        }
    }
    std::string snippet = answer.body.substr(0, 200);
    return status + (answer.reason.empty() ? "" : " " + answer.reason) + " from " + request.method + " " +
           endpoint.origin + endpoint.base_path + request.target + (snippet.empty() ? "" : ": " + snippet);
}

std::string one_line(std::string s) {
    std::replace_if(
        s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return s;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
}

bool is_command(std::string_view word) {
    return word == "help" || is_group(word);
}

Invocation parse(const std::vector<std::string>& args, const Getenv& getenv) {
    Invocation inv;
    if (args.empty()) throw usage_error("no command given", "");
    const std::string& group = args[0];

    if (group == "help") {
        inv.help = true;
        if (args.size() == 1 || args[1] == "serve") return inv;
        if (!is_group(args[1])) throw usage_error("unknown command '" + args[1] + "'", "");
        inv.command = args[1];
        if (args.size() > 2) {
            if (!find_action(args[1], args[2]))
                throw usage_error("unknown command '" + args[1] + " " + args[2] + "'", args[1]);
            inv.command += " " + args[2];
        }
        return inv;
    }
    if (!is_group(group)) throw usage_error("unknown command '" + group + "'", "");

    std::size_t i = 1;
    const Command* command = nullptr;
    if (i < args.size() && !args[i].starts_with("-")) command = find_action(group, args[i]);
    const bool action_named = command != nullptr;
    if (action_named) {
        ++i;
    } else {
        command = &default_action(group);
        // A mistyped action reads better as that than as an unexpected argument of the default.
        if (i < args.size() && !args[i].starts_with("-") && command->positionals.empty() && *command->action)
            throw usage_error("unknown command '" + group + " " + args[i] + "' (" + group + " has " +
                                  actions_of(group) + ")",
                              group);
    }

    Args parsed;
    parsed.command = name_of(*command);
    inv.command = parsed.command;
    std::optional<std::string> endpoint, token;
    for (; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg == "--help" || arg == "-h") {
            inv.help = true;
            if (!action_named) inv.command = group;  // `clock --help` is about all clock commands
            return inv;
        }
        if (!arg.starts_with("--")) {
            parsed.positionals.emplace_back(arg);
            continue;
        }
        arg.remove_prefix(2);
        std::optional<std::string> value;
        if (auto eq = arg.find('='); eq != std::string_view::npos) {
            value = std::string(arg.substr(eq + 1));
            arg = arg.substr(0, eq);
        }
        const std::string name(arg);
        if (name == "json") {
            if (value) throw usage_error("--json takes no value", parsed.command);
            inv.settings.json = true;
            continue;
        }
        bool known = name == "endpoint" || name == "admin-token" ||
                     std::any_of(command->flags.begin(), command->flags.end(),
                                 [&](const char* flag) { return name == flag; });
        if (!known)
            throw usage_error("unknown flag --" + name + " for '" + parsed.command + "'", parsed.command);
        if (!value) {
            if (i + 1 >= args.size()) throw usage_error("--" + name + " needs a value", parsed.command);
            value = args[++i];
        }
        if (name == "endpoint") {
            endpoint = *value;
        } else if (name == "admin-token") {
            token = *value;
        } else {
            parsed.flags[name] = *value;
        }
    }

    if (parsed.positionals.size() > command->positionals.size())
        throw usage_error("unexpected argument '" + parsed.positionals[command->positionals.size()] + "'",
                          parsed.command);
    if (parsed.positionals.size() < command->positionals.size())
        throw usage_error(parsed.command + " needs " + command->positionals[parsed.positionals.size()],
                          parsed.command);

    // A variable set to nothing counts as not set, as shells and compose files often leave them.
    auto from_env = [&](const char* name) {
        auto v = getenv(name);
        return v && !v->empty() ? v : std::nullopt;
    };
    if (!endpoint) endpoint = from_env("LOCALORGS_ENDPOINT");
    if (!token) token = from_env("LOCALORGS_ADMIN_TOKEN");
    try {
        inv.settings.endpoint = parse_endpoint(endpoint.value_or(kDefaultEndpoint));
    } catch (const std::invalid_argument& e) {
        throw usage_error(e.what(), parsed.command);
    }
    inv.settings.admin_token = token;

    inv.request = command->build(parsed);
    if (token) inv.request.headers.emplace_back("Authorization", "Bearer " + *token);
    inv.render = command->render;
    return inv;
}

std::string usage() {
    std::string out =
        "\n'localorgs serve [FLAGS]' does the same as 'localorgs [FLAGS]': it starts the server.\n"
        "'localorgs COMMAND [ARGS]' asks a running server instead, through its control plane:\n\n";
    for (const auto& c : commands()) {
        std::string_view synopsis = c.synopsis;
        if (synopsis.size() <= 28 && synopsis.find('\n') == std::string_view::npos)
            out += "  " + std::string(synopsis) + std::string(30 - synopsis.size(), ' ') + c.brief + "\n";
        else
            out += synopsis_block(c, "  ") + std::string(32, ' ') + c.brief + "\n";
    }
    out += "  help [COMMAND]                a command's usage in full\n\n";
    out += kCommonOptions;
    out += "Exit codes: 0 done, 1 the server refused or could not be reached, 2 wrong usage.\n";
    return out;
}

std::string command_usage(std::string_view command) {
    std::string out;
    for (const auto& c : commands()) {
        if (command != c.group && command != name_of(c)) continue;
        out += synopsis_block(c, "usage: localorgs ") + indent(c.summary, "    ") + "\n";
    }
    if (out.empty()) return "Run 'localorgs --help' for usage.\n";
    return out + kCommonOptions;
}

int run(const std::vector<std::string>& args, const std::string& full_usage, std::ostream& out,
        std::ostream& err, const Getenv& getenv) {
    Invocation inv;
    try {
        inv = parse(args, getenv);
    } catch (const usage_error& e) {
        err << "localorgs: " << e.what() << "\n"
            << (e.command.empty() ? "Run 'localorgs --help' for usage.\n" : command_usage(e.command));
        return kExitUsage;
    }
    if (inv.help) {
        out << (inv.command.empty() ? full_usage : command_usage(inv.command));
        return kExitOk;
    }

    const Endpoint& endpoint = inv.settings.endpoint;
    HttpAnswer answer;
    try {
        answer = exchange(endpoint, inv.request);
    } catch (const connection_error& e) {
        err << "localorgs: " << e.what()
            << " (is localorgs running there? --endpoint or LOCALORGS_ENDPOINT names the server)\n";
        return kExitFailed;
    }
    json body = answer.body.empty() ? json::object() : json::parse(answer.body, nullptr, false);
    if (answer.status < 200 || answer.status > 299) {
        err << "localorgs: " << one_line(describe_refusal(answer, body, inv.request, endpoint)) << "\n";
        return kExitFailed;
    }
    try {
        if (body.is_discarded()) throw std::runtime_error("it is not JSON");
        out << (inv.settings.json ? body.dump(2, ' ', false, json::error_handler_t::replace) + "\n"
                                  : inv.render(body));
    } catch (const std::exception& e) {
        err << "localorgs: unexpected answer from " << endpoint.url
            << " (is it localorgs?): " << one_line(e.what()) << "\n";
        return kExitFailed;
    }
    return kExitOk;
}

}  // namespace localorgs::admin
