// The web console (README "Console"): its files, served from the binary, and the control-plane
// routes it reads. The data routes page and filter on the server, so a console on an emulator
// holding thousands of accounts and handshakes fetches one page per refresh.
#include "server/console/assets.hpp"
#include "server/control/route_table.hpp"
#include "server/control/views.hpp"
#include "server/request_ring.hpp"

namespace localorgs::server::control {
namespace {

using V = http::verb;

constexpr std::string_view kConsolePath = "/_localorgs/console/";

// Only the console's own origin: no inline script or style, no other host, no framing.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// --- the console's files ----------------------------------------------------------------------------

Outcome console_redirect(const Call& call) {
    Response res = reply(http::status::found, {{"Location", std::string(kConsolePath)}}, call.request);
    res.set(http::field::location, kConsolePath);
    return Outcome::full(std::move(res));
}

Outcome serve(const Call& call, std::string_view name) {
    const auto* asset = console::find_asset(name);
    if (!asset) not_found("The console has no file " + std::string(name));
    const Request& req = call.request;
    const bool unchanged = req[http::field::if_none_match] == asset->etag;
    Response res{unchanged ? http::status::not_modified : http::status::ok, req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, asset->content_type);
    res.set(http::field::etag, asset->etag);
    // Asked again each time (an ETag makes that a 304), so a new binary's console shows at once.
    res.set(http::field::cache_control, "no-cache");
    res.set("Content-Security-Policy", kContentSecurityPolicy);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Cross-Origin-Opener-Policy", "same-origin");
    res.set("Cross-Origin-Resource-Policy", "same-origin");
    if (!unchanged) res.body() = std::string(asset->bytes);
    res.prepare_payload();
    return Outcome::full(std::move(res));
}

Outcome console_index(const Call& call) {
    return serve(call, "index.html");
}
Outcome console_file(const Call& call) {
    return serve(call, call.captures[0]);
}
Outcome favicon(const Call& call) {
    return serve(call, "favicon.svg");
}

// --- what the console polls -------------------------------------------------------------------------

// Costs no database work: the console asks twice a second and refreshes its page when
// Generation moved (state changed) or LastRequest did (the Requests page).
Outcome generation(const Call& call) {
    json out = views::clock(call.context.clock);
    out["Generation"] = call.context.requests.generation();
    out["LastRequest"] = call.context.requests.last();
    return Outcome::answer(std::move(out));
}

Outcome recent_requests(const Call& call) {
    auto after =
        std::uint64_t(query_integer(call.request, "after", 0, std::numeric_limits<long long>::max(), 0));
    auto limit = std::size_t(query_integer(call.request, "limit", 1, RequestRing::kCapacity, 200));
    const auto& ring = call.context.requests;
    json list = json::array();
    std::uint64_t last = after;
    for (const auto& e : ring.newest(after, limit)) {
        last = std::max(last, e.seq);
        list.push_back({{"Seq", e.seq},
                        {"Time", double(e.time_ms) / 1000.0},
                        {"RequestId", e.request_id},
                        {"Caller", e.caller},
                        {"Operation", e.operation},
                        {"Status", e.status},
                        {"Error", e.error},
                        {"LatencyMicros", e.latency_us}});
    }
    return Outcome::answer(
        {{"Requests", std::move(list)}, {"Last", last}, {"Capacity", RequestRing::kCapacity}});
}

// --- what the console shows -------------------------------------------------------------------------

constexpr long long kMaxPage = 100;

Outcome overview(const Call& call) {
    auto after = views::position(query(call.request, "token"));
    auto limit = std::size_t(query_integer(call.request, "limit", 1, kMaxPage, 10));
    auto& context = call.context;
    return Outcome::read([&context, after, limit](model::Repository& repo) {
        return views::organizations(context.service, repo, context.clock.now_ms(), after, limit, true);
    });
}

Outcome list_organizations(const Call& call) {
    auto& context = call.context;
    if (auto id = query(call.request, "id"); !id.empty())
        return Outcome::read([&context, id](model::Repository& repo) {
            return views::organization(context.service, repo, context.clock.now_ms(), id);
        });
    auto after = views::position(query(call.request, "token"));
    auto limit = std::size_t(query_integer(call.request, "limit", 1, kMaxPage, 50));
    return Outcome::read([&context, after, limit](model::Repository& repo) {
        return views::organizations(context.service, repo, context.clock.now_ms(), after, limit, false);
    });
}

Outcome tree(const Call& call) {
    auto& context = call.context;
    std::string org(call.captures[0]);
    std::string search = query(call.request, "search");
    auto limit = std::size_t(query_integer(call.request, "limit", 1, kMaxPage, kMaxPage));
    if (!search.empty()) {
        if (search.size() > 256) bad_request("search is at most 256 characters");
        return Outcome::read([&context, org, search, limit](model::Repository& repo) {
            return views::tree_search(context.service, repo, org, search, limit);
        });
    }
    std::string parent = query(call.request, "parent"), token = query(call.request, "token");
    return Outcome::read([&context, org, parent, token, limit](model::Repository& repo) {
        return views::tree(context.service, repo, org, parent, token, limit);
    });
}

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size() && !list.empty()) {
        auto comma = std::min(list.find(',', start), list.size());
        if (comma > start) out.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

Outcome list_handshakes(const Call& call) {
    views::HandshakeListing listing;
    listing.organization_id = query(call.request, "organization");
    listing.party = query(call.request, "party");
    listing.states = split(query(call.request, "state"));
    listing.action = query(call.request, "action");
    listing.after = views::position(query(call.request, "token"));
    listing.limit = std::size_t(query_integer(call.request, "limit", 1, kMaxPage, 50));
    auto& clock = call.context.clock;
    return Outcome::read([&clock, listing](model::Repository& repo) {
        return views::handshakes(repo, clock.now_ms(), listing);
    });
}

Outcome describe_handshake(const Call& call) {
    auto& context = call.context;
    return Outcome::read([&context, id = std::string(call.captures[0])](model::Repository& repo) {
        return views::handshake(context.service, repo, context.clock.now_ms(), id);
    });
}

// --- changes the console makes besides the existing routes -------------------------------------------

Outcome remove_fault(const Call& call) {
    std::string id(call.captures[0]);
    if (!call.context.faults.remove(id)) not_found("No fault " + id + " is armed");
    return Outcome::answer(json::object());
}

constexpr Access kOpen = Access::open;
constexpr Access kAdmin = Access::admin;

constexpr Route kRoutes[] = {
    // A browser opening the server's address lands on the console (an AWS call is a POST with
    // X-Amz-Target, see ControlPlane::owns).
    {V::get, "/", kOpen, console_redirect},
    {V::head, "/", kOpen, console_redirect},
    {V::get, "/_localorgs/console", kOpen, console_redirect},
    {V::get, "/favicon.ico", kOpen, favicon},
    {V::head, "/favicon.ico", kOpen, favicon},
    // The console's files are open: a page must load before it can ask for the admin token, and
    // they hold nothing of the emulator's state. Every route they read needs the token.
    {V::get, "/_localorgs/console/", kOpen, console_index},
    {V::head, "/_localorgs/console/", kOpen, console_index},
    {V::get, "/_localorgs/console/{File}", kOpen, console_file},
    {V::head, "/_localorgs/console/{File}", kOpen, console_file},
    {V::get, "/_localorgs/generation", kAdmin, generation},
    {V::get, "/_localorgs/requests", kAdmin, recent_requests},
    {V::get, "/_localorgs/overview", kAdmin, overview},
    {V::get, "/_localorgs/organizations", kAdmin, list_organizations},
    {V::get, "/_localorgs/organizations/{OrganizationId}/tree", kAdmin, tree},
    {V::get, "/_localorgs/handshakes", kAdmin, list_handshakes},
    {V::get, "/_localorgs/handshakes/{HandshakeId}", kAdmin, describe_handshake},
    {V::delete_, "/_localorgs/faults/{FaultId}", kAdmin, remove_fault},
};

}  // namespace

std::span<const Route> console_routes() noexcept {
    return kRoutes;
}

}  // namespace localorgs::server::control
