#include "server/config.hpp"

#include "model/ids.hpp"
#include "server/quotas.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

namespace localorgs::server {
namespace {

using model::is_account_id;

using nlohmann::json;

constexpr std::array kSellers = {"AWS_INC",    "AWS_INDIA", "AWS_EMEA",      "AWS_CANADA",      "AWS_BRAZIL",
                                 "AWS_JAPAN", "AWS_AUSTRALIA", "AWS_KOREA", "AWS_SOUTH_AFRICA"};
constexpr std::array kPartitions = {"aws", "aws-cn", "aws-us-gov"};

template <std::size_t N>
bool one_of(std::string_view v, const std::array<const char*, N>& set) {
    return std::any_of(set.begin(), set.end(), [&](const char* s) { return v == s; });
}

// "LINE:COLUMN" (from 1) of the byte at 1-based `offset`, as compilers and editors print them.
std::string line_and_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return std::to_string(line) + ":" + std::to_string(column);
}

// The parser's explanation without its own prefix ("[json.exception.parse_error.101] parse error
// at line 1, column 16: ").
std::string parse_reason(const json::parse_error& e) {
    std::string_view what = e.what();
    if (auto at = what.find("parse error"); at != std::string_view::npos) {
        what.remove_prefix(at);
        if (auto colon = what.find(": "); colon != std::string_view::npos) what.remove_prefix(colon + 2);
    }
    return std::string(what);
}

int parse_int(const std::string& name, const std::string& value, int lo, int hi) {
    try {
        std::size_t used = 0;
        long v = std::stol(value, &used);
        if (used != value.size() || v < lo || v > hi) throw std::out_of_range(name);
        return int(v);
    } catch (const std::exception&) {
        throw config_error(name + ": expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                           ", got '" + value + "'");
    }
}

bool parse_bool(const std::string& name, const std::string& value) {
    if (value == "true" || value == "1") return true;
    if (value == "false" || value == "0") return false;
    throw config_error(name + ": expected true or false, got '" + value + "'");
}

struct Option {
    const char* flag;  // without the leading --
    const char* env;
    void (*apply)(Config&, const std::string& name, const std::string& value);
    bool is_switch = false;  // `--flag` alone means true; `--flag=false` is allowed too
};

constexpr Option kOptions[] = {
    {"host", "LOCALORGS_HOST", [](Config& c, const std::string&, const std::string& v) { c.host = v; }},
    {"port", "LOCALORGS_PORT",
     [](Config& c, const std::string& n, const std::string& v) { c.port = std::uint16_t(parse_int(n, v, 0, 65535)); }},
    {"db", "LOCALORGS_DB",
     [](Config& c, const std::string& n, const std::string& v) {
         if (v.empty()) throw config_error(n + ": must not be empty");
         c.db = v;
     }},
    {"config", "LOCALORGS_CONFIG", [](Config& c, const std::string&, const std::string& v) { c.config_file = v; }},
    {"default-account", "LOCALORGS_DEFAULT_ACCOUNT",
     [](Config& c, const std::string& n, const std::string& v) {
         if (!is_account_id(v)) throw config_error(n + ": expected a 12-digit account id, got '" + v + "'");
         c.default_account = v;
     }},
    {"log-level", "LOCALORGS_LOG_LEVEL",
     [](Config& c, const std::string& n, const std::string& v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error")
             throw config_error(n + ": expected debug, info, warn or error, got '" + v + "'");
         c.log_level = v;
     }},
    {"log-format", "LOCALORGS_LOG_FORMAT",
     [](Config& c, const std::string& n, const std::string& v) {
         if (v != "text" && v != "json") throw config_error(n + ": expected text or json, got '" + v + "'");
         c.log_format = v;
     }},
    {"io-threads", "LOCALORGS_IO_THREADS",
     [](Config& c, const std::string& n, const std::string& v) { c.io_threads = parse_int(n, v, 1, 64); }},
    {"durability", "LOCALORGS_DURABILITY",
     [](Config& c, const std::string& n, const std::string& v) {
         if (v != "normal" && v != "full") throw config_error(n + ": expected normal or full, got '" + v + "'");
         c.durability = v;
     }},
    {"verify-signatures", "LOCALORGS_VERIFY_SIGNATURES",
     [](Config& c, const std::string& n, const std::string& v) { c.verify_signatures = parse_bool(n, v); }, true},
    {"admin-token", "LOCALORGS_ADMIN_TOKEN",
     [](Config& c, const std::string& n, const std::string& v) {
         // The message never repeats the value: it is a secret.
         if (v.empty()) throw config_error(n + ": must not be empty");
         if (!std::all_of(v.begin(), v.end(), [](char ch) { return ch > 0x20 && ch < 0x7f; }))
             throw config_error(n + ": must be printable ASCII without spaces");
         c.admin_token = v;
     }},
};

const Option* find_option(std::string_view flag) {
    for (const auto& o : kOptions)
        if (flag == o.flag) return &o;
    return nullptr;
}

std::string string_field(const json& obj, const char* key, const std::string& where) {
    if (!obj.contains(key)) throw config_error(where + "." + key + ": is required");
    const auto& v = obj.at(key);
    if (!v.is_string()) throw config_error(where + "." + key + ": expected a string");
    return v.get<std::string>();
}

void check_keys(const json& obj, std::initializer_list<std::string_view> allowed, const std::string& where) {
    if (!obj.is_object()) throw config_error(where + ": expected an object");
    for (const auto& [key, _] : obj.items())
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            throw config_error(where + ": unknown key '" + key + "'");
}

}  // namespace

// Shared by the config file and the control plane's PUT /_localorgs/accounts/{id}.
const std::initializer_list<std::string_view> kAccountKeys = {
    "Id", "Email", "Name", "SellerOfRecord", "Partition", "EmailVerified", "GovCloudEnabled", "PhoneVerified",
    "EulaAccepted", "PaymentInstrument"};

void apply_account_fields(const json& a, const std::string& where, model::AccountRecord& account) {
    if (a.contains("Email")) {
        std::string email = string_field(a, "Email", where);
        if (!model::is_email(email))
            throw config_error(where + ".Email: '" + email + "' is not a valid email address");
        account.email = email;
    }
    if (a.contains("Name")) {
        std::string name = string_field(a, "Name", where);
        if (name.empty() || name.size() > 128) throw config_error(where + ".Name: must be 1 to 128 characters");
        account.name = name;
    }
    if (a.contains("SellerOfRecord")) {
        std::string s = string_field(a, "SellerOfRecord", where);
        if (!one_of(s, kSellers)) throw config_error(where + ".SellerOfRecord: unknown seller '" + s + "'");
        account.seller_of_record = s;
    }
    if (a.contains("Partition")) {
        std::string p = string_field(a, "Partition", where);
        if (!one_of(p, kPartitions)) throw config_error(where + ".Partition: unknown partition '" + p + "'");
        account.partition = p;
    }
    for (auto [key, field] : {std::pair{"EmailVerified", &account.email_verified},
                              {"GovCloudEnabled", &account.govcloud_enabled},
                              {"PhoneVerified", &account.phone_verified},
                              {"EulaAccepted", &account.eula_accepted},
                              {"PaymentInstrument", &account.payment_instrument}}) {
        if (!a.contains(key)) continue;
        if (!a[key].is_boolean()) throw config_error(where + "." + key + ": expected true or false");
        *field = a[key].get<bool>();
    }
}

std::unordered_map<std::string, std::string> Config::account_by_access_key() const {
    std::unordered_map<std::string, std::string> out;
    for (const auto& c : credentials) out[c.access_key_id] = c.account_id;
    return out;
}

std::string usage() {
    return "usage: localorgs [--host 127.0.0.1] [--port 4566] [--db ./localorgs.db | :memory:]\n"
           "                 [--config FILE] [--default-account ID] [--log-level debug|info|warn|error]\n"
           "                 [--log-format text|json] [--io-threads N] [--durability normal|full]\n"
           "                 [--verify-signatures] [--admin-token TOKEN] [--help] [--version]\n"
           "Each flag can also be set with LOCALORGS_<NAME> (e.g. LOCALORGS_PORT=0).\n";
}

CommandLineAction parse_command_line(int argc, const char* const* argv, Config& config) {
    bool default_account_set = false;
    bool verify_set = false;  // by flag or environment, which win over the config file
    for (const auto& o : kOptions) {
        if (const char* v = std::getenv(o.env)) {
            o.apply(config, o.env, v);
            if (std::string_view(o.flag) == "default-account") default_account_set = true;
            if (std::string_view(o.flag) == "verify-signatures") verify_set = true;
        }
    }
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") return CommandLineAction::help;
        if (arg == "--version") return CommandLineAction::version;
        if (!arg.starts_with("--")) throw usage_error("unexpected argument '" + std::string(arg) + "'");
        arg.remove_prefix(2);
        std::string value;
        bool has_value = false;
        if (auto eq = arg.find('='); eq != std::string_view::npos) {
            value = std::string(arg.substr(eq + 1));
            arg = arg.substr(0, eq);
            has_value = true;
        }
        const Option* o = find_option(arg);
        if (!o) throw usage_error("unknown flag --" + std::string(arg));
        if (!has_value && o->is_switch) {
            value = "true";
        } else if (!has_value) {
            if (i + 1 >= argc) throw usage_error("--" + std::string(arg) + " needs a value");
            value = argv[++i];
        }
        o->apply(config, "--" + std::string(arg), value);
        if (arg == "default-account") default_account_set = true;
        if (arg == "verify-signatures") verify_set = true;
    }
    if (config.config_file) {
        const bool verify = config.verify_signatures;
        load_config_file(*config.config_file, config, default_account_set);
        if (verify_set) config.verify_signatures = verify;
    }
    check_signing_credentials(config);
    return CommandLineAction::run;
}

void check_signing_credentials(const Config& config) {
    if (!config.verify_signatures) return;
    // Verifying needs every key's secret; a key without one could never sign a request.
    for (std::size_t i = 0; i < config.credentials.size(); ++i)
        if (config.credentials[i].secret_access_key.empty())
            throw config_error("Credentials[" + std::to_string(i) + "] (" + config.credentials[i].access_key_id +
                               "): --verify-signatures needs a SecretAccessKey for every access key");
}

void load_config_file(const std::string& path, Config& config, bool default_account_set) {
    std::ifstream in(path);
    if (!in) throw config_error("cannot read the config file " + path + ": " + std::strerror(errno));
    std::stringstream text;
    text << in.rdbuf();
    apply_config_json(text.str(), path, config, default_account_set);
}

void apply_config_json(const std::string& text, const std::string& origin, Config& config,
                       bool default_account_set) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw config_error(origin + ":" + line_and_column(text, e.byte) + ": not valid JSON: " + parse_reason(e));
    }
    check_keys(doc, {"DefaultAccount", "Accounts", "Credentials", "Quotas", "DirectTransfer", "ScpEnabledOnCreate", "VerifySignatures"},
               origin);
    if (doc.contains("DefaultAccount") && !default_account_set) {
        std::string id = string_field(doc, "DefaultAccount", origin);
        if (!is_account_id(id)) throw config_error(origin + ".DefaultAccount: expected a 12-digit account id");
        config.default_account = id;
    }
    if (doc.contains("Accounts")) {
        if (!doc["Accounts"].is_array()) throw config_error(origin + ".Accounts: expected a list");
        int i = 0;
        for (const auto& a : doc["Accounts"]) {
            std::string where = origin + ".Accounts[" + std::to_string(i++) + "]";
            check_keys(a, kAccountKeys, where);
            if (!a.contains("Id")) throw config_error(where + ": Id is required");
            std::string id = string_field(a, "Id", where);
            if (!is_account_id(id)) throw config_error(where + ".Id: expected a 12-digit account id");
            model::AccountRecord account = model::default_account(id);
            apply_account_fields(a, where, account);
            config.accounts.push_back(std::move(account));
        }
    }
    if (doc.contains("Credentials")) {
        if (!doc["Credentials"].is_array()) throw config_error(origin + ".Credentials: expected a list");
        int i = 0;
        for (const auto& c : doc["Credentials"]) {
            std::string where = origin + ".Credentials[" + std::to_string(i++) + "]";
            check_keys(c, {"AccessKeyId", "SecretAccessKey", "AccountId"}, where);
            Credential cred;
            cred.access_key_id = string_field(c, "AccessKeyId", where);
            if (c.contains("SecretAccessKey")) cred.secret_access_key = string_field(c, "SecretAccessKey", where);
            cred.account_id = string_field(c, "AccountId", where);
            if (!is_account_id(cred.account_id)) throw config_error(where + ".AccountId: expected a 12-digit account id");
            config.credentials.push_back(std::move(cred));
        }
    }
    for (auto [key, field] : {std::pair{"DirectTransfer", &Config::direct_transfer},
                              std::pair{"ScpEnabledOnCreate", &Config::scp_enabled_on_create},
                              std::pair{"VerifySignatures", &Config::verify_signatures}}) {
        if (!doc.contains(key)) continue;
        if (!doc[key].is_boolean()) throw config_error(origin + "." + key + ": expected true or false");
        config.*field = doc[key].get<bool>();
    }
    if (doc.contains("Quotas")) apply_quotas(doc["Quotas"], origin + ".Quotas", config.quotas);
}

}  // namespace localorgs::server
