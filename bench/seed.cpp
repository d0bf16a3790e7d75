// Bulk seeding for the scaling runs: an organization (management account 111111111111, quotas
// out of the way) and N OPEN invitations from it, or a tree of OUs and member accounts, written
// through the storage layer in large transactions — the same rows the server would write,
// minutes faster than N API calls.
//
//   localorgs_seed --db FILE --handshakes N [--sample K --sample-out FILE] [--batch B]
//   localorgs_seed --db FILE --ous N --accounts M --tree-out FILE
//
// The tree: N OUs directly under the root, and M member accounts spread evenly over them (account
// i in OU i mod N). --tree-out gets the root id on its first line, then one line per OU: its id
// and the ids of its accounts, separated by spaces.
//
// Every handshake is OPEN and visible now (requested in the last N milliseconds, expiring 15
// days later), addressed to its own account id, and requested_ms increases with the index so
// the organization's list has a stable order. --sample-out writes K handshake ids spread evenly
// over the range, one per line, for the load scripts to describe. The last line on stdout is a
// JSON summary.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "model/ids.hpp"
#include "model/types.hpp"
#include "storage/sqlite_store.hpp"

using namespace localorgs;

namespace {

constexpr std::string_view kManagementAccount = "111111111111";
constexpr model::Millis kInviteLifetimeMs = 15LL * 24 * 3600 * 1000;
constexpr int kUnlimited = 1'000'000'000;

struct Options {
    std::string db;
    long long handshakes = 0;
    long long sample = 0;
    std::string sample_out;
    long long batch = 50'000;
    long long ous = 0;
    long long accounts = 0;
    std::string tree_out;
};

[[noreturn]] void usage() {
    std::cerr
        << "usage: localorgs_seed --db FILE --handshakes N [--sample K --sample-out FILE] [--batch B]\n"
           "       localorgs_seed --db FILE --ous N --accounts M --tree-out FILE\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (i + 1 >= argc) usage();
        std::string value = argv[++i];
        if (arg == "--db")
            o.db = value;
        else if (arg == "--handshakes")
            o.handshakes = std::atoll(value.c_str());
        else if (arg == "--sample")
            o.sample = std::atoll(value.c_str());
        else if (arg == "--sample-out")
            o.sample_out = value;
        else if (arg == "--batch")
            o.batch = std::max(1LL, std::atoll(value.c_str()));
        else if (arg == "--ous")
            o.ous = std::atoll(value.c_str());
        else if (arg == "--accounts")
            o.accounts = std::atoll(value.c_str());
        else if (arg == "--tree-out")
            o.tree_out = value;
        else
            usage();
    }
    if (o.db.empty() || o.handshakes < 0 || (o.sample > 0 && o.sample_out.empty())) usage();
    if (o.ous < 0 || o.accounts < 0 || (o.ous > 0) != !o.tree_out.empty() || (o.accounts > 0 && o.ous == 0)) usage();
    return o;
}

model::Millis now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// h- + 32 lowercase hex, like model::IdGenerator, from a seeded generator so runs repeat.
std::string handshake_id(std::mt19937_64& rng) {
    char buf[35];
    std::snprintf(buf, sizeof buf, "h-%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    return buf;
}

}  // namespace

int main(int argc, char** argv) try {
    const Options opt = parse(argc, argv);
    const auto started = std::chrono::steady_clock::now();
    storage::SqliteStore store(opt.db);
    // A bulk load that is simply redone if the machine crashes: skip the syncs, and keep the
    // indexes in memory (random handshake ids land all over the id index). The journal stays the
    // WAL: the store's checkpointer has the file open too, which leaves no way to switch it off.
    store.connection().exec("PRAGMA synchronous=OFF");
    store.connection().exec("PRAGMA cache_size=-524288");  // 512 MiB

    const model::Millis now = now_ms();
    model::IdGenerator ids;
    model::OrganizationRecord org;
    org.id = ids.organization_id();
    org.management_account_id = std::string(kManagementAccount);
    org.feature_set = model::api::OrganizationFeatureSet::ALL;
    org.root_id = ids.root_id();
    org.created_ms = now - opt.handshakes - 1000;
    org.quotas.max_accounts = kUnlimited;
    org.quotas.invitations_per_day = kUnlimited;
    org.quotas.max_organizational_units = kUnlimited;

    model::AccountRecord management = model::default_account(std::string(kManagementAccount));
    management.organization_id = org.id;
    management.parent_id = org.root_id;
    management.joined_method = model::api::AccountJoinedMethod::CREATED;
    management.joined_ms = org.created_ms;
    store.transact([&](model::Repository& repo) {
        repo.organizations.save(org);
        repo.accounts.save(management);
    });

    model::HandshakeRecord h;
    h.organization_id = org.id;
    h.management_account_id = management.id;
    h.partition = management.partition;
    h.action = model::api::ActionType::INVITE;
    h.state = model::api::HandshakeState::OPEN;
    h.target_type = model::api::HandshakePartyType::ACCOUNT;
    h.master_email = management.email;
    h.master_name = management.name;
    h.feature_set = org.feature_set;

    std::ofstream sample;
    if (opt.sample > 0) sample.open(opt.sample_out);
    const long long sample_every = opt.sample > 0 ? std::max(1LL, opt.handshakes / opt.sample) : 0;

    std::mt19937_64 rng(20161128);
    long long done = 0;
    while (done < opt.handshakes) {
        const long long end = std::min(opt.handshakes, done + opt.batch);
        store.transact([&](model::Repository& repo) {
            for (long long i = done; i < end; ++i) {
                h.id = handshake_id(rng);
                h.target_id = std::to_string(300'000'000'000LL + i);
                h.recipient_account_id = h.target_id;
                h.requested_ms = now - opt.handshakes + i;  // one per millisecond, the newest now
                h.expiration_ms = h.requested_ms + kInviteLifetimeMs;
                repo.handshakes.save(h);
                if (sample_every && i % sample_every == 0) sample << h.id << '\n';
            }
        });
        done = end;
    }
    if (sample.is_open() && !sample) throw std::runtime_error("cannot write " + opt.sample_out);

    if (opt.ous > 0) {
        std::vector<model::OrganizationalUnitRecord> ous;
        std::vector<std::vector<std::string>> members(std::size_t(opt.ous));
        store.transact([&](model::Repository& repo) {
            for (long long i = 0; i < opt.ous; ++i) {
                model::OrganizationalUnitRecord ou;
                ou.id = ids.organizational_unit_id(org.root_id);
                ou.organization_id = org.id;
                ou.parent_id = org.root_id;
                ou.name = "OU " + std::to_string(i);
                ou.path = org.id + "/" + org.root_id + "/" + ou.id + "/";
                ou.depth = 1;
                ou.created_ms = now;
                repo.organizational_units.save(ou);
                ous.push_back(ou);
            }
            for (long long i = 0; i < opt.accounts; ++i) {
                auto a = model::default_account(std::to_string(400'000'000'000LL + i));
                a.organization_id = org.id;
                a.parent_id = ous[std::size_t(i % opt.ous)].id;
                a.joined_method = model::api::AccountJoinedMethod::INVITED;
                a.joined_ms = now;
                repo.accounts.save(a);
                members[std::size_t(i % opt.ous)].push_back(a.id);
            }
        });
        std::ofstream tree(opt.tree_out);
        tree << org.root_id << '\n';
        for (std::size_t i = 0; i < ous.size(); ++i) {
            tree << ous[i].id;
            for (const auto& a : members[i]) tree << ' ' << a;
            tree << '\n';
        }
        if (!tree) throw std::runtime_error("cannot write " + opt.tree_out);
    }

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("{\"organization_id\": \"%s\", \"handshakes\": %lld, \"ous\": %lld, \"accounts\": %lld,"
                " \"seconds\": %.3f}\n",
                org.id.c_str(), opt.handshakes, opt.ous, opt.accounts, seconds);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "localorgs_seed: " << e.what() << "\n";
    return 1;
}
