#pragma once
// `localorgs COMMAND ...`: the admin command line. A client of the control plane's HTTP contract
// (README, Control plane) and nothing else: it sends a request to a running server and shows the answer, as a
// table by default or as the server's JSON with --json.
#include <functional>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "server/admin/http_client.hpp"

namespace localorgs::admin {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;  // the server refused, or could not be reached
constexpr int kExitUsage = 2;   // the command line is wrong; nothing was sent

constexpr const char* kDefaultEndpoint = "http://127.0.0.1:4566";

struct usage_error : std::runtime_error {
    usage_error(const std::string& message, std::string command)
        : std::runtime_error(message), command(std::move(command)) {}
    std::string command;  // whose usage follows the message ("" for the overall one)
};

// Reads an environment variable; injected so tests do not have to change the process's.
using Getenv = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> process_env(const char* name);

// True for a word that names an admin command (including `help`).
bool is_command(std::string_view word);

struct Settings {
    Endpoint endpoint;                       // --endpoint > LOCALORGS_ENDPOINT > kDefaultEndpoint
    std::optional<std::string> admin_token;  // --admin-token > LOCALORGS_ADMIN_TOKEN
    bool json = false;
};

// One parsed command line: what to send, and how to show the answer without --json.
struct Invocation {
    std::string command;  // "accounts put", or a group ("accounts") or "" when only help is asked
    bool help = false;    // show the usage of `command`; send nothing
    Settings settings;
    HttpRequest request;
    std::string (*render)(const nlohmann::json& answer) = nullptr;
};

// `args` are the words after the program name; args[0] is the command. Throws usage_error.
Invocation parse(const std::vector<std::string>& args, const Getenv& getenv = process_env);

// The commands' part of `localorgs --help` (the server's flags come from its own usage text).
std::string usage();
// The usage of one command ("clock advance") or of all commands of a group ("clock").
std::string command_usage(std::string_view command);

// Parses, sends, shows. `full_usage` is what `localorgs help` prints. Returns the exit code.
int run(const std::vector<std::string>& args, const std::string& full_usage, std::ostream& out,
        std::ostream& err, const Getenv& getenv = process_env);

}  // namespace localorgs::admin
