#pragma once
// Command line, LOCALORGS_* environment variables and the JSON config file (README, Command line).
// Precedence: flag > environment > config file > default.
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/types.hpp"

namespace localorgs::server {

struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A command line that is not made of known flags: the one kind of error where pointing at --help
// helps (a wrong value already says what it expects).
struct usage_error : config_error {
    using config_error::config_error;
};

struct Credential {
    std::string access_key_id;
    std::string secret_access_key;
    std::string account_id;
};

struct Config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 4566;
    std::string db = "./localorgs.db";
    std::optional<std::string> config_file;
    std::string default_account = "000000000000";
    std::string log_level = "info";  // debug|info|warn|error
    std::string log_format = "text";  // text|json
    int io_threads = 2;
    std::string durability = "normal";  // normal|full
    // SigV4 signatures checked against the Credentials' secrets (also "VerifySignatures" in the
    // config file); off: the access key id alone names the caller (README, Identity).
    bool verify_signatures = false;
    // When set, every control-plane route but the health checks needs `Authorization: Bearer <it>`.
    std::string admin_token;

    // From the config file.
    std::vector<model::AccountRecord> accounts;
    std::vector<Credential> credentials;
    model::Quotas quotas;
    bool direct_transfer = true;  // "DirectTransfer": false restores the pre-Dec-2025 behaviour
    // "ScpEnabledOnCreate": true makes CreateOrganization enable SCPs in the root, as the API text
    // says; AWS is observed to leave them disabled (README, The policies).
    bool scp_enabled_on_create = false;

    std::unordered_map<std::string, std::string> account_by_access_key() const;
};

enum class CommandLineAction { run, help, version };

// Parses argv and the environment (`getenv`), then reads the config file if one is named.
// Throws config_error naming the wrong flag, variable, key or value.
CommandLineAction parse_command_line(int argc, const char* const* argv, Config& config);
// With verify_signatures, every credential needs a SecretAccessKey; throws config_error naming it.
void check_signing_credentials(const Config& config);
void load_config_file(const std::string& path, Config& config, bool default_account_set = false);
void apply_config_json(const std::string& text, const std::string& origin, Config& config, bool default_account_set);
// The members an account object may have (config file and control plane).
extern const std::initializer_list<std::string_view> kAccountKeys;
// Email, Name, SellerOfRecord, Partition, EmailVerified, GovCloudEnabled and the standalone
// information (PhoneVerified, EulaAccepted, PaymentInstrument) of an account object (config file and
// control plane); throws config_error naming `where` and the member.
void apply_account_fields(const nlohmann::json& fields, const std::string& where, model::AccountRecord& account);

std::string usage();

}  // namespace localorgs::server
