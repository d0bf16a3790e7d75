// Fuzz target: the JSON input of every operation. The first line of the input names the operation
// and, optionally, the calling account ("DescribeHandshake 222222222222\n{...}"); a first line
// that names no operation picks one by its first byte, so mutations reach all of them. The rest
// goes through parse_body and validate_input exactly as the API runs them and then, for the
// operations localorgs implements, through the operation itself (decoding, the model, encoding)
// against a small organization on an in-memory database. Each input's changes are rolled back,
// so every input meets the same state. "$o0", "$r0", "$h0"... in the body name that state's
// organizations, roots and handshakes in the order they were made (known_ids.hpp).
//
// A finding is any exception other than model::api_error, a validation failure other than
// SerializationException or InvalidInputException, or a ServiceException from an operation.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "server/wire_error.hpp"
#include "known_ids.hpp"
#include "model/clock.hpp"
#include "model/errors.hpp"
#include "model/ids.hpp"
#include "model/service.hpp"
#include "server/validation/validator.hpp"
#include "server/api.hpp"
#include "server/aws_json.hpp"
#include "model/calls.hpp"
#include "server/operations.hpp"
#include "storage/sqlite_store.hpp"

namespace {

using namespace localorgs;
using model::api_error;
using model::Caller;
using model::error_code;

const Caller kManagement{"111111111111"};
const Caller kInvitee{"222222222222"};
const Caller kMember{"333333333333"};
const Caller kOtherManagement{"444444444444"};

// An organization with all features: one member that joined by invitation, an open invitation by
// account and one by email, tags on the root and the member; a second organization on
// consolidated billing that has asked its member to approve all features.
struct World {
    model::FakeClock clock{1'764'000'000'000};
    model::IdGenerator ids{20161128};
    testing::Orgs service{clock, ids, {}};
    server::OperationTable operations{service.service};
    storage::SqliteStore store{":memory:"};
    fuzz::KnownIds known;

    World() {
        store.transact([&](model::Repository& repo) {
            known.learn(service.create_organization(repo, kManagement, std::nullopt).id);
            const auto root = service.list_roots(repo, kManagement, {}).items.at(0).id;
            known.learn(root);
            const auto joined = service.invite_account_to_organization(
                repo, kManagement, {{kMember.account_id, "ACCOUNT"}, "welcome", {{"team", "core"}}});
            known.learn(joined.id);
            service.accept_handshake(repo, kMember, joined.id);
            known.learn(service
                            .invite_account_to_organization(repo, kManagement,
                                                            {{kInvitee.account_id, "ACCOUNT"}, {}, {}})
                            .id);
            known.learn(service
                            .invite_account_to_organization(repo, kManagement,
                                                            {{"someone@example.com", "EMAIL"}, {}, {}})
                            .id);
            service.tag_resource(repo, kManagement, root, {{"env", "test"}});
            service.tag_resource(repo, kManagement, kMember.account_id, {{"owner", "platform"}});

            known.learn(service.create_organization(repo, kOtherManagement, "CONSOLIDATED_BILLING").id);
            known.learn(service.list_roots(repo, kOtherManagement, {}).items.at(0).id);
            const auto other = service.invite_account_to_organization(repo, kOtherManagement,
                                                                      {{"555555555555", "ACCOUNT"}, {}, {}});
            known.learn(other.id);
            service.accept_handshake(repo, Caller{"555555555555"}, other.id);
            known.learn(service.enable_all_features(repo, kOtherManagement).id);
            for (const auto& h :
                 service.list_handshakes_for_account(repo, Caller{"555555555555"}, {}, {}).items)
                known.learn(h.id);  // the APPROVE_ALL_FEATURES child
        });
    }
};

struct Undo {};

[[noreturn]] void fail(std::string_view operation, const std::string& what) {
    std::fprintf(stderr, "json_input: %.*s: %s\n", int(operation.size()), operation.data(), what.c_str());
    std::abort();
}

// "Operation[ account]\n" picks both; anything else picks the operation by the first byte.
std::pair<std::string_view, Caller> choose(std::string_view& input) {
    const auto names = server::validation::operation_names();
    const auto newline = input.find('\n');
    if (newline != std::string_view::npos) {
        const auto line = input.substr(0, newline);
        const auto space = line.find(' ');
        const auto name = line.substr(0, space);
        if (server::validation::is_known_operation(name)) {
            Caller caller = kManagement;
            if (space != std::string_view::npos && model::is_account_id(line.substr(space + 1)))
                caller.account_id = std::string(line.substr(space + 1));
            input.remove_prefix(newline + 1);
            // The table's own copy: it outlives the input.
            for (const auto known : names)
                if (known == name) return {known, caller};
        }
    }
    if (input.empty()) return {names[0], kManagement};
    const auto index = static_cast<unsigned char>(input.front()) % names.size();
    input.remove_prefix(1);
    return {names[index], kManagement};
}

void run(World& world, std::string_view operation, const Caller& caller, std::string_view body) {
    nlohmann::json input;
    try {
        input = server::parse_body(world.known.substitute(body));
        server::validation::validate_input(operation, input);
    } catch (const server::wire_error& e) {
        if (e.protocol() != server::protocol_code::SerializationException)
            fail(operation, "validation threw " + std::string(e.type()) + ": " + e.message());
        return;
    } catch (const api_error& e) {
        if (e.code() != error_code::InvalidInputException)
            fail(operation, "validation threw " + std::string(model::info(e.code()).type) + ": " + e.message());
        return;
    }

    const auto op = world.operations.find(operation);
    if (!op.binding) return;
    server::wire::Answer answer;
    try {
        world.store.transact([&](model::Repository& repo) {
            answer = op.codec->run(*op.binding, world.service.service, repo, caller, input);
            throw Undo{};
        });
    } catch (const Undo&) {
    } catch (const api_error& e) {
        if (e.code() == error_code::ServiceException) fail(operation, "ServiceException: " + e.message());
        return;
    }
    // As the API does: the answer is encoded after the transaction, away from the repository.
    const auto response = server::aws_json::success(answer(), 11, true, "fuzz");
    if (!nlohmann::json::accept(response.body())) fail(operation, "answer is not JSON: " + response.body());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World world;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto [operation, caller] = choose(input);
    try {
        run(world, operation, caller, input);
    } catch (const std::exception& e) {
        fail(operation, std::string("unexpected exception: ") + e.what());
    }
    return 0;
}
