// The control plane's routes (README "Control plane"): one small function each, and the table.
// What a route reads from or changes in the repository goes through views.hpp.
#include <cmath>

#include "model/errors.hpp"
#include "model/ids.hpp"
#include "server/config.hpp"
#include "server/control/route_table.hpp"
#include "server/control/views.hpp"
#include "server/quotas.hpp"
#include "server/validation/validator.hpp"
#include "server/wire_error.hpp"

namespace localorgs::server::control {
namespace {

using V = http::verb;

json fault_json(const Fault& f) {
    json out = {{"FaultId", f.id}, {"Operation", f.operation}, {"Count", f.remaining}};
    if (!f.error.empty()) out["Error"] = f.error;
    if (!f.failure_reason.empty()) out["FailureReason"] = f.failure_reason;
    if (!f.message.empty()) out["Message"] = f.message;
    if (!f.reason.empty()) out["Reason"] = f.reason;
    if (!f.account_id.empty()) out["AccountId"] = f.account_id;
    return out;
}

// --- health ---------------------------------------------------------------------------------------

Outcome health(const Call& call) {
    auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                               call.context.started);
    return Outcome::answer(
        {{"status", "running"}, {"version", LOCALORGS_VERSION}, {"uptime_seconds", up.count()}});
}

Outcome localstack_health(const Call&) {
    return Outcome::answer({{"services", {{"organizations", "running"}}},
                            {"edition", "localorgs"},
                            {"version", LOCALORGS_VERSION}});
}

// --- state ----------------------------------------------------------------------------------------

Outcome reset(const Call& call) {
    return Outcome::write([&context = call.context](model::Repository& repo) {
        views::wipe(repo);
        context.reseed(repo);
        context.faults.clear();
        context.clock.set_offset_ms(0);
        return json::object();
    });
}

// --- clock ----------------------------------------------------------------------------------------

Outcome get_clock(const Call& call) {
    return Outcome::answer(views::clock(call.context.clock));
}

Outcome move_clock(const Call& call) {
    auto& clock = call.context.clock;
    json body = body_object(call.request, {"AdvanceSeconds", "Now", "Reset"});
    if (body.size() != 1) bad_request("Give exactly one of AdvanceSeconds, Now or Reset");
    model::Millis offset = clock.offset_ms();
    constexpr double kLimit = 1e11;  // about 3000 years, in seconds
    if (body.contains("AdvanceSeconds")) {
        const auto& v = body["AdvanceSeconds"];
        if (!v.is_number() || std::abs(v.get<double>()) > kLimit)
            bad_request("AdvanceSeconds must be a number");
        offset += model::Millis(v.get<double>() * 1000.0);
    } else if (body.contains("Now")) {
        const auto& v = body["Now"];
        if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > kLimit)
            bad_request("Now must be epoch seconds");
        offset += model::Millis(v.get<double>() * 1000.0) - clock.now_ms();
    } else {
        if (body["Reset"] != true) bad_request("Reset must be true");
        offset = 0;
    }
    // Saved in the same order as API calls run, so no call sees half a move.
    return Outcome::write([&service = call.context.service, &clock, offset](model::Repository& repo) {
        views::save_clock_offset(repo, offset);
        clock.set_offset_ms(offset);
        views::settle(service, repo);  // what the new time brings about happens now
        return views::clock(clock);
    });
}

// --- outbox ---------------------------------------------------------------------------------------

Outcome list_outbox(const Call& call) {
    std::string to = query(call.request, "to"), order = query(call.request, "order");
    if (order == "newest") {
        // A page of the newest first (the console); without `order`, every message oldest first.
        auto offset = std::size_t(query_integer(call.request, "offset", 0, 1'000'000'000, 0));
        auto limit = std::size_t(query_integer(call.request, "limit", 1, 100, 25));
        return Outcome::read([to, offset, limit](model::Repository& repo) {
            return views::newest_messages(repo, to, offset, limit);
        });
    }
    if (!order.empty() && order != "oldest") bad_request("order is oldest (the default) or newest");
    if (!query(call.request, "limit").empty() || !query(call.request, "offset").empty())
        bad_request("limit and offset page the newest-first outbox: add order=newest");
    return Outcome::write([to](model::Repository& repo) { return views::messages(repo, to); });
}

Outcome clear_outbox(const Call&) {
    return Outcome::write([](model::Repository& repo) {
        views::clear_messages(repo);
        return json::object();
    });
}

// --- responsibility transfers and delegation -------------------------------------------------------

Outcome list_transfers(const Call& call) {
    return Outcome::write([&service = call.context.service, org = query(call.request, "organization")](
                              model::Repository& repo) { return views::transfers(repo, service.now(), org); });
}

Outcome get_delegation(const Call& call) {
    return Outcome::write([id = std::string(call.captures[0])](model::Repository& repo) {
        return views::delegation(repo, id);
    });
}

// --- faults ---------------------------------------------------------------------------------------

Outcome list_faults(const Call& call) {
    json list = json::array();
    for (const auto& f : call.context.faults.list()) list.push_back(fault_json(f));
    return Outcome::answer({{"Faults", std::move(list)}});
}

Outcome clear_faults(const Call& call) {
    call.context.faults.clear();
    return Outcome::answer(json::object());
}

Outcome add_fault(const Call& call) {
    json body = body_object(
        call.request, {"Operation", "Error", "Reason", "Message", "Count", "AccountId", "FailureReason"});
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
            !model::api::parse_enum<model::api::CreateAccountFailureReason>(
                body["FailureReason"].get<std::string>()))
            bad_request("FailureReason must be one of CreateAccountFailureReason's values");
        f.failure_reason = body["FailureReason"].get<std::string>();
    } else {
        if (!body.contains("Error") || !body["Error"].is_string()) bad_request("Error is required");
        f.error = body["Error"].get<std::string>();
        if (!wire_error::named(f.error)) bad_request("Unknown error '" + f.error + "'");
    }
    for (auto [key, field] :
         {std::pair{"Reason", &f.reason}, {"Message", &f.message}, {"AccountId", &f.account_id}}) {
        if (!body.contains(key)) continue;
        if (!body[key].is_string()) bad_request(std::string(key) + " must be a string");
        *field = body[key].get<std::string>();
    }
    if (!f.account_id.empty() && !model::is_account_id(f.account_id))
        bad_request("AccountId must be 12 digits");
    if (body.contains("Count")) f.remaining = int(integer_member(body, "Count", 1, 1'000'000));
    return Outcome::answer({{"FaultId", call.context.faults.add(std::move(f))}});
}

// --- accounts -------------------------------------------------------------------------------------

std::string account_id(const Call& call) {
    std::string id(call.captures[0]);
    if (!model::is_account_id(id)) bad_request("'" + id + "' is not a 12-digit account id");
    return id;
}

Outcome list_accounts(const Call& call) {
    return Outcome::write([&service = call.context.service](model::Repository& repo) {
        return views::accounts(service, repo);
    });
}

Outcome get_account(const Call& call) {
    return Outcome::write([&service = call.context.service, id = account_id(call)](model::Repository& repo) {
        return views::account(service, repo, id);
    });
}

Outcome put_account(const Call& call) {
    std::string id = account_id(call);
    json body = body_object(call.request, kAccountKeys);
    if (body.contains("Id") && body["Id"] != id) bad_request("Id does not match the path");
    return Outcome::write([&service = call.context.service, id, body](model::Repository& repo) {
        return views::put_account(service, repo, id, body);
    });
}

// --- quotas ---------------------------------------------------------------------------------------

Outcome get_quotas(const Call& call) {
    return Outcome::write(
        [id = std::string(call.captures[0])](model::Repository& repo) { return views::quotas(repo, id); });
}

Outcome put_quotas(const Call& call) {
    json body = body_object(call.request, {});  // apply_quotas knows the names
    model::Quotas check;                        // refused here, before the database is involved
    try {
        apply_quotas(body, "Quotas", check);
    } catch (const config_error& e) {
        bad_request(e.what());
    }
    return Outcome::write([id = std::string(call.captures[0]), body](model::Repository& repo) {
        return views::put_quotas(repo, id, body);
    });
}

constexpr Access kOpen = Access::open;
constexpr Access kAdmin = Access::admin;

constexpr Route kRoutes[] = {
    {V::get, "/_localorgs/health", kOpen, health},
    {V::head, "/_localorgs/health", kOpen, health},
    {V::get, "/_localstack/health", kOpen, localstack_health},
    {V::head, "/_localstack/health", kOpen, localstack_health},
    {V::post, "/_localorgs/reset", kAdmin, reset},
    {V::get, "/_localorgs/clock", kAdmin, get_clock},
    {V::post, "/_localorgs/clock", kAdmin, move_clock},
    {V::get, "/_localorgs/outbox", kAdmin, list_outbox},
    {V::delete_, "/_localorgs/outbox", kAdmin, clear_outbox},
    {V::get, "/_localorgs/transfers", kAdmin, list_transfers},
    {V::get, "/_localorgs/faults", kAdmin, list_faults},
    {V::post, "/_localorgs/faults", kAdmin, add_fault},
    {V::delete_, "/_localorgs/faults", kAdmin, clear_faults},
    {V::get, "/_localorgs/accounts", kAdmin, list_accounts},
    {V::get, "/_localorgs/accounts/{AccountId}", kAdmin, get_account},
    {V::put, "/_localorgs/accounts/{AccountId}", kAdmin, put_account},
    {V::get, "/_localorgs/organizations/{OrganizationId}/quotas", kAdmin, get_quotas},
    {V::get, "/_localorgs/organizations/{OrganizationId}/delegation", kAdmin, get_delegation},
    {V::put, "/_localorgs/organizations/{OrganizationId}/quotas", kAdmin, put_quotas},
};

}  // namespace

std::span<const Route> routes() noexcept {
    return kRoutes;
}

}  // namespace localorgs::server::control
