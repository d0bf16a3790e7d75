#include "server/control/control_plane.hpp"

#include "model/ids.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "model/errors.hpp"
#include "server/config.hpp"

namespace localorgs::server {
namespace {

using model::is_account_id;

using nlohmann::json;

// A control-plane refusal: {"Error", "Message"} with a 4xx status.
struct control_error {
    http::status status;
    std::string error;
    std::string message;
};

Response reply(http::status status, const json& body, const Request& req) {
    Response res{status, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head) res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
    res.prepare_payload();
    if (req.method() == http::verb::head) res.content_length(body.dump().size());
    return res;
}

Response reply(const control_error& e, const Request& req) {
    return reply(e.status, {{"Error", e.error}, {"Message", e.message}}, req);
}

json account_json(const model::AccountRecord& a) {
    return {{"Id", a.id},
            {"Email", a.email},
            {"Name", a.name},
            {"SellerOfRecord", a.seller_of_record},
            {"Partition", a.partition},
            {"EmailVerified", a.email_verified},
            {"OrganizationId", a.organization_id.empty() ? json(nullptr) : json(a.organization_id)}};
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

constexpr std::string_view kAccounts = "/_localorgs/accounts";

}  // namespace

bool ControlPlane::owns(std::string_view target) {
    auto path = path_of(target);
    return path.starts_with("/_localorgs/") || path == "/_localorgs" || path.starts_with("/_localstack/");
}

void ControlPlane::handle(Request&& req, Respond respond) {
    const std::string path(path_of(req.target()));
    const auto method = req.method();
    auto not_found = [&] {
        respond(reply({http::status::not_found, "NotFound", "No control-plane route " + path}, req));
    };
    auto wrong_method = [&] {
        respond(reply({http::status::method_not_allowed, "MethodNotAllowed",
                       std::string(req.method_string()) + " is not supported on " + path},
                      req));
    };

    if (path == "/_localorgs/health") {
        if (method != http::verb::get && method != http::verb::head) return wrong_method();
        auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
        return respond(reply(http::status::ok,
                             {{"status", "running"}, {"version", LOCALORGS_VERSION}, {"uptime_seconds", uptime.count()}},
                             req));
    }
    if (path == "/_localstack/health") {
        if (method != http::verb::get && method != http::verb::head) return wrong_method();
        return respond(reply(http::status::ok,
                             {{"services", {{"organizations", "running"}}}, {"edition", "localorgs"},
                              {"version", LOCALORGS_VERSION}},
                             req));
    }

    // Everything below reads or writes state: it runs on the database thread.
    auto on_db = [this, req = std::move(req), respond = std::move(respond)](
                     std::function<Response(model::Repository&, const Request&)> work) mutable {
        db_.post([this, req = std::move(req), respond = std::move(respond), work = std::move(work)]() {
            Response res;
            try {
                store_.transact([&](model::Repository& repo) { res = work(repo, req); });
            } catch (const control_error& e) {
                res = reply(e, req);
            } catch (const model::api_error& e) {
                res = reply({http::status::conflict, std::string(model::info(e.code()).type), e.message()}, req);
            } catch (const config_error& e) {
                res = reply({http::status::bad_request, "InvalidRequest", e.what()}, req);
            } catch (const std::exception& e) {
                res = reply({http::status::internal_server_error, "InternalError", e.what()}, req);
            }
            respond(std::move(res));
        });
    };

    if (path == "/_localorgs/reset") {
        if (method != http::verb::post) return wrong_method();
        return on_db([this](model::Repository& repo, const Request& r) {
            repo.wipe();
            reseed_(repo);
            return reply(http::status::ok, json::object(), r);
        });
    }
    if (path == kAccounts) {
        if (method != http::verb::get) return wrong_method();
        return on_db([](model::Repository& repo, const Request& r) {
            json list = json::array();
            for (const auto& a : repo.all_accounts()) list.push_back(account_json(a));
            return reply(http::status::ok, {{"Accounts", std::move(list)}}, r);
        });
    }
    if (path.starts_with(std::string(kAccounts) + "/")) {
        std::string id = path.substr(kAccounts.size() + 1);
        if (!is_account_id(id))
            return respond(reply({http::status::bad_request, "InvalidRequest", "'" + id + "' is not a 12-digit account id"}, req));
        if (method == http::verb::get) {
            return on_db([id](model::Repository& repo, const Request& r) {
                auto a = repo.find_account(id);
                if (!a) throw control_error{http::status::not_found, "NotFound", "No account " + id + " is known"};
                return reply(http::status::ok, account_json(*a), r);
            });
        }
        if (method == http::verb::put) {
            return on_db([this, id](model::Repository& repo, const Request& r) {
                json body = r.body().empty() ? json::object() : json::parse(r.body(), nullptr, false);
                if (body.is_discarded() || !body.is_object())
                    throw control_error{http::status::bad_request, "InvalidRequest", "The body must be a JSON object"};
                for (const auto& [key, _] : body.items())
                    if (key != "Email" && key != "Name" && key != "SellerOfRecord" && key != "Partition" &&
                        key != "EmailVerified" && key != "Id")
                        throw control_error{http::status::bad_request, "InvalidRequest", "Unknown member '" + key + "'"};
                if (body.contains("Id") && body["Id"] != id)
                    throw control_error{http::status::bad_request, "InvalidRequest", "Id does not match the path"};
                model::AccountRecord entry = repo.find_account(id).value_or(model::default_account(id));
                apply_account_fields(body, "Account", entry);
                return reply(http::status::ok, account_json(service_.register_account(repo, entry)), r);
            });
        }
        return wrong_method();
    }
    not_found();
}

}  // namespace localorgs::server
