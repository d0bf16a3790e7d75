#include "server/control/control_plane.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "model/errors.hpp"
#include "model/ids.hpp"
#include "server/validation/validator.hpp"
#include "server/config.hpp"
#include "server/quotas.hpp"
#include "server/url.hpp"

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

[[noreturn]] void bad_request(std::string message) {
    throw control_error{http::status::bad_request, "InvalidRequest", std::move(message)};
}

Response reply(http::status status, const json& body, const Request& req) {
    Response res{status, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    // A HEAD answer loses its body in the session (drop_body_for_head), as every answer does.
    res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
    res.prepare_payload();
    return res;
}

Response reply(const control_error& e, const Request& req) {
    return reply(e.status, {{"Error", e.error}, {"Message", e.message}}, req);
}

// Control-plane bodies are flat objects. Deeper nesting is refused while the body is parsed, so a
// deeply nested value never exists: copying it into a database job or printing it would recurse
// once per level, and a body of a megabyte of brackets overflowed the stack.
constexpr int kMaxBodyDepth = 8;

// `allowed`: the member names the route takes, or empty to leave the names to the route.
json body_object(const Request& req, std::initializer_list<std::string_view> allowed) {
    bool too_deep = false;
    const auto within_depth = [&too_deep](int depth, json::parse_event_t, json&) {
        too_deep = too_deep || depth > kMaxBodyDepth;
        return !too_deep;
    };
    json body = req.body().empty() ? json::object() : json::parse(req.body(), within_depth, false);
    if (too_deep) bad_request("The body is nested too deeply");
    if (body.is_discarded() || !body.is_object()) bad_request("The body must be a JSON object");
    for (const auto& [key, value] : body.items()) {
        if (allowed.size() && std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            bad_request("Unknown member '" + key + "'");
        // Every member of every control-plane body is a scalar.
        if (value.is_structured()) bad_request("Member '" + key + "' must not be an object or a list");
    }
    return body;
}

long long integer_member(const json& body, const char* key, long long lo, long long hi) {
    const auto& v = body.at(key);
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
        bad_request(std::string(key) + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v.get<long long>();
}

json account_json(const model::AccountRecord& a, model::Millis now) {
    // State as DescribeAccount gives it, for accounts in no organization too.
    const char* state = a.closing(now) ? "PENDING_CLOSURE" : a.closed(now) ? "CLOSED" : "ACTIVE";
    return {{"Id", a.id},
            {"Email", a.email},
            {"Name", a.name},
            {"SellerOfRecord", a.seller_of_record},
            {"Partition", a.partition},
            {"EmailVerified", a.email_verified},
            {"OrganizationId", a.organization_id.empty() ? json(nullptr) : json(a.organization_id)},
            {"JoinedMethod", a.joined_method ? json(model::api::to_string(*a.joined_method)) : json(nullptr)},
            {"State", state},
            {"RoleName", a.role_name.empty() ? json(nullptr) : json(a.role_name)},
            {"GovCloudEnabled", a.govcloud_enabled},
            {"GovCloudTwinId", a.twin_account_id.empty() ? json(nullptr) : json(a.twin_account_id)},
            {"PhoneVerified", a.phone_verified},
            {"EulaAccepted", a.eula_accepted},
            {"PaymentInstrument", a.payment_instrument}};
}

json clock_json(const model::SystemClock& clock) {
    return {{"Now", double(clock.now_ms()) / 1000.0}, {"OffsetSeconds", double(clock.offset_ms()) / 1000.0}};
}


json fault_json(const Fault& f) {
    json out = {{"FaultId", f.id}, {"Operation", f.operation}, {"Count", f.remaining}};
    if (!f.error.empty()) out["Error"] = f.error;
    if (!f.failure_reason.empty()) out["FailureReason"] = f.failure_reason;
    if (!f.message.empty()) out["Message"] = f.message;
    if (!f.reason.empty()) out["Reason"] = f.reason;
    if (!f.account_id.empty()) out["AccountId"] = f.account_id;
    return out;
}

// A responsibility transfer as the control plane shows it: both sides, every timestamp.
json transfer_json(const model::ResponsibilityTransferRecord& t, model::Millis now) {
    auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
    auto time_or_null = [](model::Millis ms) { return ms ? json(double(ms) / 1000.0) : json(nullptr); };
    return {{"Id", t.id},
            {"Type", model::api::to_string(t.type)},
            {"Name", t.name},
            {"Status", model::api::to_string(t.lapsed(now) ? model::api::ResponsibilityTransferStatus::EXPIRED
                                                           : t.status)},
            {"TargetOrganizationId", t.target_organization_id},
            {"TargetAccountId", t.target_account_id},
            {"SourceOrganizationId", text_or_null(t.source_organization_id)},
            {"SourceAccountId", text_or_null(t.source_account_id)},
            {"SourceEmail", text_or_null(t.recipient_email)},
            {"HandshakeId", t.handshake_id},
            {"RequestedTimestamp", double(t.requested_ms) / 1000.0},
            {"ExpirationTimestamp", double(t.expiration_ms) / 1000.0},
            {"StartTimestamp", double(t.start_ms) / 1000.0},
            {"EndTimestamp", time_or_null(t.end_ms)}};
}

constexpr std::string_view kAccounts = "/_localorgs/accounts/";
constexpr std::string_view kOrganizations = "/_localorgs/organizations/";

}  // namespace

std::string_view ControlPlane::error_of(const Response& response) {
    // reply() dumps {"Error","Message"} with its keys in order, so the name opens the body.
    constexpr std::string_view kOpening = R"({"Error":")";
    std::string_view body = response.body();
    if (response.result_int() < 400 || !body.starts_with(kOpening)) return {};
    body.remove_prefix(kOpening.size());
    return body.substr(0, body.find('"'));
}

std::optional<Response> ControlPlane::refuse_unauthorized(const Request& req) const {
    if (!token_digest_) return std::nullopt;
    std::string_view header = req[http::field::authorization];
    // "Bearer <token>"; the scheme is case-insensitive (RFC 7235).
    bool bearer = header.size() > 7 && header[6] == ' ' &&
                  std::equal(header.begin(), header.begin() + 6, "bearer",
                             [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b; });
    if (bearer) {
        Digest presented = sha256(header.substr(7));
        auto as_view = [](const Digest& d) {
            return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
        };
        if (constant_time_equal(as_view(presented), as_view(*token_digest_))) return std::nullopt;
    }
    control_error e{http::status::unauthorized, "Unauthorized",
                    header.empty() ? "The control plane needs the admin token: send Authorization: Bearer <token>."
                                   : "The admin token is not valid."};
    Response res = reply(e, req);
    res.set(http::field::www_authenticate,
            header.empty() ? R"(Bearer realm="localorgs")" : R"(Bearer realm="localorgs", error="invalid_token")");
    return res;
}

bool ControlPlane::owns(std::string_view target) {
    auto path = url::path(target);
    return path.starts_with("/_localorgs/") || path == "/_localorgs" || path.starts_with("/_localstack/");
}

void ControlPlane::on_db(Request&& req, Respond respond,
                         std::function<Response(model::Repository&, const Request&)> work) {
    auto request = std::make_shared<Request>(std::move(req));
    auto response = std::make_shared<Response>();
    db_.submit([request, response, work = std::move(work)](model::Repository& repo) { *response = work(repo, *request); },
               [request, response, respond = std::move(respond)](std::exception_ptr error) {
                   if (error) {
                       try {
                           std::rethrow_exception(error);
                       } catch (const control_error& e) {
                           *response = reply(e, *request);
                       } catch (const model::api_error& e) {
                           *response = reply(
                               {http::status::conflict, std::string(model::info(e.code()).type), e.message()}, *request);
                       } catch (const config_error& e) {
                           *response = reply({http::status::bad_request, "InvalidRequest", e.what()}, *request);
                       } catch (const std::exception& e) {
                           *response = reply({http::status::internal_server_error, "InternalError", e.what()}, *request);
                       }
                   }
                   respond(std::move(*response));
               });
}

void ControlPlane::handle(Request&& req, Respond respond) {
    const std::string path(url::path(req.target()));
    const auto method = req.method();
    using V = http::verb;
    auto answer = [&](http::status status, const json& body) { respond(reply(status, body, req)); };
    auto refuse = [&](const control_error& e) { respond(reply(e, req)); };
    auto wrong_method = [&] {
        refuse({http::status::method_not_allowed, "MethodNotAllowed",
                std::string(req.method_string()) + " is not supported on " + path});
    };

    try {
        if (path == "/_localorgs/health") {
            if (method != V::get && method != V::head) return wrong_method();
            auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
            return answer(http::status::ok,
                          {{"status", "running"}, {"version", LOCALORGS_VERSION}, {"uptime_seconds", up.count()}});
        }
        if (path == "/_localstack/health") {
            if (method != V::get && method != V::head) return wrong_method();
            return answer(http::status::ok, {{"services", {{"organizations", "running"}}},
                                             {"edition", "localorgs"},
                                             {"version", LOCALORGS_VERSION}});
        }
        // Everything past the health checks needs the admin token, when one is set; unknown
        // routes too, so that nothing about the control plane shows without it.
        if (auto refusal = refuse_unauthorized(req)) return respond(std::move(*refusal));

        if (path == "/_localorgs/reset") {
            if (method != V::post) return wrong_method();
            return on_db(std::move(req), std::move(respond), [this](model::Repository& repo, const Request& r) {
                repo.wipe();
                reseed_(repo);
                faults_.clear();
                clock_.set_offset_ms(0);
                return reply(http::status::ok, json::object(), r);
            });
        }

        if (path == "/_localorgs/clock") {
            if (method == V::get) return answer(http::status::ok, clock_json(clock_));
            if (method != V::post) return wrong_method();
            json body = body_object(req, {"AdvanceSeconds", "Now", "Reset"});
            if (body.size() != 1) bad_request("Give exactly one of AdvanceSeconds, Now or Reset");
            model::Millis offset = clock_.offset_ms();
            constexpr double kLimit = 1e11;  // about 3000 years, in seconds
            if (body.contains("AdvanceSeconds")) {
                const auto& v = body["AdvanceSeconds"];
                if (!v.is_number() || std::abs(v.get<double>()) > kLimit) bad_request("AdvanceSeconds must be a number");
                offset += model::Millis(v.get<double>() * 1000.0);
            } else if (body.contains("Now")) {
                const auto& v = body["Now"];
                if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > kLimit)
                    bad_request("Now must be epoch seconds");
                offset += model::Millis(v.get<double>() * 1000.0) - clock_.now_ms();
            } else {
                if (body["Reset"] != true) bad_request("Reset must be true");
                offset = 0;
            }
            // Saved in the same order as API calls run, so no call sees half a move.
            return on_db(std::move(req), std::move(respond), [this, offset](model::Repository& repo, const Request& r) {
                repo.settings.save(kClockOffsetSetting, std::to_string(offset));
                clock_.set_offset_ms(offset);
                // What the new time brings about (creations and closures due) happens now.
                service_.settle(repo);
                return reply(http::status::ok, clock_json(clock_), r);
            });
        }

        if (path == "/_localorgs/outbox") {
            if (method == V::get) {
                std::string to = url::query_param(req.target(), "to").value_or("");
                return on_db(std::move(req), std::move(respond), [to](model::Repository& repo, const Request& r) {
                    json list = json::array();
                    for (const auto& m : repo.outbox.list(to))
                        list.push_back({{"Id", m.id},
                                        {"To", m.to},
                                        {"Subject", m.subject},
                                        {"Body", m.body},
                                        {"HandshakeId", m.handshake_id},
                                        {"SentTimestamp", double(m.sent_ms) / 1000.0}});
                    return reply(http::status::ok, {{"Messages", std::move(list)}}, r);
                });
            }
            if (method != V::delete_) return wrong_method();
            return on_db(std::move(req), std::move(respond), [](model::Repository& repo, const Request& r) {
                repo.outbox.clear();
                return reply(http::status::ok, json::object(), r);
            });
        }

        // Responsibility transfers, both sides, oldest first; ?organization= keeps one organization's.
        if (path == "/_localorgs/transfers") {
            if (method != V::get) return wrong_method();
            std::string org = url::query_param(req.target(), "organization").value_or("");
            return on_db(std::move(req), std::move(respond), [this, org](model::Repository& repo, const Request& r) {
                json list = json::array();
                for (const auto& t : repo.transfers.all())
                    if (org.empty() || t.target_organization_id == org || t.source_organization_id == org)
                        list.push_back(transfer_json(t, clock_.now_ms()));
                return reply(http::status::ok, {{"Transfers", std::move(list)}}, r);
            });
        }

        if (path == "/_localorgs/faults") {
            if (method == V::get) {
                json list = json::array();
                for (const auto& f : faults_.list()) list.push_back(fault_json(f));
                return answer(http::status::ok, {{"Faults", std::move(list)}});
            }
            if (method == V::delete_) {
                faults_.clear();
                return answer(http::status::ok, json::object());
            }
            if (method != V::post) return wrong_method();
            json body =
                body_object(req, {"Operation", "Error", "Reason", "Message", "Count", "AccountId", "FailureReason"});
            Fault f;
            if (!body.contains("Operation") || !body["Operation"].is_string()) bad_request("Operation is required");
            f.operation = body["Operation"].get<std::string>();
            if (f.operation != "*" && !server::validation::is_known_operation(f.operation))
                bad_request("Unknown operation '" + f.operation + "'");
            if (body.contains("FailureReason")) {
                // A creation that ends FAILED with this reason, instead of an error answer.
                if (f.operation != "CreateAccount" && f.operation != "CreateGovCloudAccount")
                    bad_request("FailureReason goes with Operation CreateAccount or CreateGovCloudAccount");
                if (body.contains("Error")) bad_request("Give Error or FailureReason, not both");
                if (!body["FailureReason"].is_string() ||
                    !model::api::parse_enum<model::api::CreateAccountFailureReason>(body["FailureReason"].get<std::string>()))
                    bad_request("FailureReason must be one of CreateAccountFailureReason's values");
                f.failure_reason = body["FailureReason"].get<std::string>();
            } else {
                if (!body.contains("Error") || !body["Error"].is_string()) bad_request("Error is required");
                f.error = body["Error"].get<std::string>();
                if (!wire_error::named(f.error)) bad_request("Unknown error '" + f.error + "'");
            }
            for (auto [key, field] : {std::pair{"Reason", &f.reason}, {"Message", &f.message}, {"AccountId", &f.account_id}}) {
                if (!body.contains(key)) continue;
                if (!body[key].is_string()) bad_request(std::string(key) + " must be a string");
                *field = body[key].get<std::string>();
            }
            if (!f.account_id.empty() && !is_account_id(f.account_id)) bad_request("AccountId must be 12 digits");
            if (body.contains("Count")) f.remaining = int(integer_member(body, "Count", 1, 1'000'000));
            return answer(http::status::ok, {{"FaultId", faults_.add(std::move(f))}});
        }

        if (path == "/_localorgs/accounts") {
            if (method != V::get) return wrong_method();
            return on_db(std::move(req), std::move(respond), [this](model::Repository& repo, const Request& r) {
                service_.settle(repo);
                json list = json::array();
                for (const auto& a : repo.accounts.all()) list.push_back(account_json(a, clock_.now_ms()));
                return reply(http::status::ok, {{"Accounts", std::move(list)}}, r);
            });
        }
        if (path.starts_with(kAccounts)) {
            std::string id = path.substr(kAccounts.size());
            if (!is_account_id(id)) bad_request("'" + id + "' is not a 12-digit account id");
            if (method == V::get) {
                return on_db(std::move(req), std::move(respond), [this, id](model::Repository& repo, const Request& r) {
                    service_.settle(repo);
                    auto a = repo.accounts.find(id);
                    if (!a) throw control_error{http::status::not_found, "NotFound", "No account " + id + " is known"};
                    return reply(http::status::ok, account_json(*a, clock_.now_ms()), r);
                });
            }
            if (method != V::put) return wrong_method();
            json body = body_object(req, kAccountKeys);
            if (body.contains("Id") && body["Id"] != id) bad_request("Id does not match the path");
            return on_db(std::move(req), std::move(respond),
                         [this, id, body](model::Repository& repo, const Request& r) {
                             model::AccountRecord entry = repo.accounts.find(id).value_or(model::default_account(id));
                             apply_account_fields(body, "Account", entry);
                             return reply(http::status::ok,
                                          account_json(service_.accounts.register_account(repo, entry), clock_.now_ms()), r);
                         });
        }

        // /_localorgs/organizations/{OrgId}/delegation: trusted services, delegated administrators
        // (one row per service), the delegation policy.
        if (path.starts_with(kOrganizations) && path.ends_with("/delegation")) {
            if (method != V::get) return wrong_method();
            std::string org_id = path.substr(kOrganizations.size(), path.size() - kOrganizations.size() - 11);
            return on_db(std::move(req), std::move(respond), [org_id](model::Repository& repo, const Request& r) {
                if (!repo.organizations.find(org_id))
                    throw control_error{http::status::not_found, "NotFound", "No organization " + org_id + " exists"};
                constexpr std::size_t kPage = 500;  // read in keyset pages, as the API does
                json services = json::array(), admins = json::array(), policy = nullptr;
                for (std::string after;;) {
                    auto page = repo.delegation.services(org_id, after, kPage);
                    for (const auto& s : page)
                        services.push_back({{"ServicePrincipal", s.service_principal},
                                            {"DateEnabled", double(s.enabled_ms) / 1000.0}});
                    if (page.size() < kPage) break;
                    after = page.back().service_principal;
                }
                for (std::string after;;) {
                    auto page = repo.delegation.administrators(org_id, "", after, kPage);
                    for (const auto& a : page)
                        for (const auto& d : repo.delegation.services_of(org_id, a.account_id, "", kPage))
                            admins.push_back({{"AccountId", d.account_id},
                                              {"ServicePrincipal", d.service_principal},
                                              {"DelegationEnabledDate", double(d.enabled_ms) / 1000.0}});
                    if (page.size() < kPage) break;
                    after = page.back().account_id;
                }
                if (auto p = repo.delegation.resource_policy(org_id))
                    policy = {{"Id", p->id}, {"Content", p->content}};
                return reply(http::status::ok,
                             {{"TrustedServices", std::move(services)},
                              {"DelegatedAdministrators", std::move(admins)},
                              {"ResourcePolicy", std::move(policy)}},
                             r);
            });
        }

        // /_localorgs/organizations/{OrgId}/quotas
        if (path.starts_with(kOrganizations) && path.ends_with("/quotas")) {
            std::string org_id = path.substr(kOrganizations.size(), path.size() - kOrganizations.size() - 7);
            json body;
            if (method == V::put) {
                body = body_object(req, {});  // apply_quotas knows the names
                model::Quotas check;  // refused here, before the database is involved
                try {
                    apply_quotas(body, "Quotas", check);
                } catch (const config_error& e) {
                    bad_request(e.what());
                }
            } else if (method != V::get) {
                return wrong_method();
            }
            return on_db(std::move(req), std::move(respond), [org_id, body](model::Repository& repo, const Request& r) {
                auto org = repo.organizations.find(org_id);
                if (!org)
                    throw control_error{http::status::not_found, "NotFound", "No organization " + org_id + " exists"};
                if (r.method() == V::put) {
                    apply_quotas(body, "Quotas", org->quotas);
                    repo.organizations.save(*org);
                }
                return reply(http::status::ok, quotas_json(org->quotas), r);
            });
        }
        refuse({http::status::not_found, "NotFound", "No control-plane route " + path});
    } catch (const control_error& e) {
        refuse(e);
    }
}

}  // namespace localorgs::server
