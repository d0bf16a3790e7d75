#pragma once
// The storage contract of the model, one interface per kind of entity; storage/ implements each
// over SQLite (storage/repository.hpp). Every method runs inside the unit of work opened by
// Store::transact (or Store::read).
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/types.hpp"

namespace localorgs::model {

// Accounts: the identity registry and each account's membership.
class AccountRepository {
public:
    virtual ~AccountRepository() = default;
    virtual std::optional<AccountRecord> find(std::string_view id) = 0;
    // Email addresses compare without regard to case, here and in OutboxRepository::list.
    virtual std::optional<AccountRecord> find_by_email(std::string_view email) = 0;
    virtual void save(const AccountRecord& account) = 0;  // insert or replace
    virtual std::vector<AccountRecord> all() = 0;         // ordered by id
    // Members of an organization (optionally only those directly under parent_id), ordered by
    // id, strictly after `after_id`, at most `limit`.
    virtual std::vector<AccountRecord> members(std::string_view organization_id, std::string_view parent_id,
                                               std::string_view after_id, std::size_t limit) = 0;
    virtual std::size_t count_members(std::string_view organization_id) = 0;
    // Members of the organization whose closure was asked after `since`.
    virtual std::size_t count_closures_since(std::string_view organization_id, Millis since) = 0;
    // Members of the organization still being closed at `now`.
    virtual std::size_t count_closing(std::string_view organization_id, Millis now) = 0;
    // Members (of any organization) whose closure was done at or before `before`, at most `limit`.
    virtual std::vector<AccountRecord> closed_before(Millis before, std::size_t limit) = 0;
};

class OrganizationRepository {
public:
    virtual ~OrganizationRepository() = default;
    virtual std::optional<OrganizationRecord> find(std::string_view id) = 0;
    virtual void save(const OrganizationRecord& organization) = 0;  // insert or replace
    virtual void remove(std::string_view id) = 0;
};

class OrganizationalUnitRepository {
public:
    virtual ~OrganizationalUnitRepository() = default;
    virtual std::optional<OrganizationalUnitRecord> find(std::string_view id) = 0;
    // The child of `parent_id` with exactly this name (names compare case-sensitively).
    virtual std::optional<OrganizationalUnitRecord> find_by_name(std::string_view organization_id,
                                                                 std::string_view parent_id,
                                                                 std::string_view name) = 0;
    virtual void save(const OrganizationalUnitRecord& ou) = 0;  // insert or update the name
    virtual void remove(std::string_view id) = 0;
    // The OUs directly under parent_id, ordered by id, strictly after `after_id`, at most `limit`.
    virtual std::vector<OrganizationalUnitRecord> children(std::string_view organization_id,
                                                           std::string_view parent_id,
                                                           std::string_view after_id, std::size_t limit) = 0;
    virtual std::size_t count(std::string_view organization_id) = 0;
};

class CreateAccountRequestRepository {
public:
    virtual ~CreateAccountRequestRepository() = default;
    virtual std::optional<CreateAccountRequestRecord> find(std::string_view id) = 0;
    virtual void save(const CreateAccountRequestRecord& request) = 0;  // insert or replace
    // The organization's requests by (requested_ms, id), strictly after the keyset position.
    virtual std::vector<CreateAccountRequestRecord> list(std::string_view organization_id, Millis after_requested_ms,
                                                         std::string_view after_id, std::size_t limit) = 0;
    // Requests not settled whose time has come at `now`, oldest first, at most `limit`.
    virtual std::vector<CreateAccountRequestRecord> due(Millis now, std::size_t limit) = 0;
    // The organization's requests still in progress at `now`.
    virtual std::size_t count_in_progress(std::string_view organization_id, Millis now) = 0;
    // Whether a request not yet settled will give an account this address (case-insensitive) or id.
    virtual bool pending_email(std::string_view email) = 0;
    virtual bool pending_account(std::string_view account_id) = 0;
};

class PolicyRepository {
public:
    virtual ~PolicyRepository() = default;
    virtual std::optional<PolicyRecord> find(std::string_view id) = 0;
    virtual std::optional<PolicyRecord> find_by_name(std::string_view organization_id, api::PolicyType type,
                                                     std::string_view name) = 0;
    virtual void save(const PolicyRecord& policy) = 0;  // insert or replace
    virtual void remove(std::string_view id) = 0;
    // The organization's policies of a type by (created_ms, id), strictly after the keyset position.
    virtual std::vector<PolicyRecord> list(std::string_view organization_id, api::PolicyType type, Millis after_ms,
                                           std::string_view after_id, std::size_t limit) = 0;
    virtual std::size_t count(std::string_view organization_id, api::PolicyType type) = 0;

    // Attachments. attach() gives the new one the next seq.
    virtual void attach(const AttachmentRecord& attachment) = 0;
    virtual void detach(std::string_view organization_id, std::string_view policy_id, std::string_view target_id) = 0;
    virtual std::optional<AttachmentRecord> attachment(std::string_view organization_id, std::string_view policy_id,
                                                       std::string_view target_id) = 0;
    // What is attached to a target, of one type, in attachment order, after `after_seq`.
    virtual std::vector<AttachmentRecord> attached_to(std::string_view organization_id, std::string_view target_id,
                                                      api::PolicyType type, std::int64_t after_seq,
                                                      std::size_t limit) = 0;
    virtual std::size_t count_attached_to(std::string_view organization_id, std::string_view target_id,
                                          api::PolicyType type) = 0;
    // All of it with the policies' content, in one query: a chain from the root down to an
    // account is read a level at a time for effective policies and SCP decisions.
    virtual std::vector<AppliedPolicyRecord> applied_to(std::string_view organization_id, std::string_view target_id,
                                                        api::PolicyType type) = 0;
    // Where a policy is attached, in attachment order, after `after_seq`.
    virtual std::vector<AttachmentRecord> targets_of(std::string_view organization_id, std::string_view policy_id,
                                                     std::int64_t after_seq, std::size_t limit) = 0;
    // Every attachment of a type in the organization (disabling the type), or of a target (it leaves).
    virtual void detach_type(std::string_view organization_id, api::PolicyType type) = 0;
    virtual void detach_target(std::string_view organization_id, std::string_view target_id) = 0;
    // Every policy, its tags and attachments of the organization (it is deleted).
    virtual void remove_all(std::string_view organization_id) = 0;
};

// Trusted access, delegated administrators and the resource-based delegation policy of
// organizations. Lists are keyset-paged on the principal or the account id.
class DelegationRepository {
public:
    virtual ~DelegationRepository() = default;
    virtual std::optional<ServiceAccessRecord> service_access(std::string_view organization_id,
                                                              std::string_view service_principal) = 0;
    virtual void enable_service(const ServiceAccessRecord& access) = 0;  // insert or replace
    virtual void disable_service(std::string_view organization_id, std::string_view service_principal) = 0;
    virtual std::vector<ServiceAccessRecord> services(std::string_view organization_id, std::string_view after,
                                                      std::size_t limit) = 0;

    virtual std::optional<DelegatedAdministratorRecord> registration(std::string_view organization_id,
                                                                     std::string_view account_id,
                                                                     std::string_view service_principal) = 0;
    virtual void register_administrator(const DelegatedAdministratorRecord& registration) = 0;
    virtual void deregister_administrator(std::string_view organization_id, std::string_view account_id,
                                          std::string_view service_principal) = 0;
    // Whether the account is a delegated administrator for any service: one index lookup.
    virtual bool is_administrator(std::string_view organization_id, std::string_view account_id) = 0;
    virtual std::size_t count_administrators(std::string_view organization_id,
                                             std::string_view service_principal) = 0;
    // The administrators of one service (`service_principal` given) or of any (""): each account
    // once, with its earliest registration, by account id after `after`.
    virtual std::vector<DelegatedAdministratorRecord> administrators(std::string_view organization_id,
                                                                     std::string_view service_principal,
                                                                     std::string_view after, std::size_t limit) = 0;
    // The services an account administers, by principal after `after`.
    virtual std::vector<DelegatedAdministratorRecord> services_of(std::string_view organization_id,
                                                                  std::string_view account_id, std::string_view after,
                                                                  std::size_t limit) = 0;
    // Every registration of an account (it leaves the organization or is closed).
    virtual void forget_account(std::string_view organization_id, std::string_view account_id) = 0;

    virtual std::optional<ResourcePolicyRecord> resource_policy(std::string_view organization_id) = 0;
    virtual void save_resource_policy(const ResourcePolicyRecord& policy) = 0;  // insert or replace
    virtual void remove_resource_policy(std::string_view organization_id) = 0;

    // Everything of the organization, with the resource policy's tags (it is deleted).
    virtual void remove_all(std::string_view organization_id) = 0;
};

// Tags by resource id (account id, root id, ...), ordered by key.
class TagRepository {
public:
    virtual ~TagRepository() = default;
    virtual std::vector<Tag> list(std::string_view resource_id) = 0;
    virtual void put(std::string_view resource_id, std::span<const Tag> tags) = 0;  // upsert
    virtual void remove(std::string_view resource_id, std::span<const std::string> keys) = 0;
    virtual void remove_all(std::string_view resource_id) = 0;
};

// Which handshakes a list wants: those an organization sent, or those an account received
// (by account id or, for EMAIL invitations, by its address). Keyset-paged by (requested_ms, id).
struct HandshakeQuery {
    std::string organization_id;       // sent by this organization, or
    std::string recipient_account_id;  // received by this account
    std::string recipient_email;       //   or at this address (lower-cased)
    std::string action;                // filter, "" for any
    std::string parent_handshake_id;   // filter, "" for any
    Millis visible_at = 0;             // only those still visible at this time
    Millis after_requested_ms = 0;     // keyset position; after_id "" = first page
    std::string after_id;
    std::size_t limit = 20;
};

class HandshakeRepository {
public:
    virtual ~HandshakeRepository() = default;
    virtual std::optional<HandshakeRecord> find(std::string_view id) = 0;
    virtual void save(const HandshakeRecord& handshake) = 0;  // insert or replace
    virtual std::vector<HandshakeRecord> list(const HandshakeQuery& query) = 0;
    // An OPEN INVITE from the organization to this account or address that has not lapsed at `now`.
    virtual std::optional<HandshakeRecord> find_open_invitation(std::string_view organization_id,
                                                                std::string_view account_id,
                                                                std::string_view email, Millis now) = 0;
    // The organization's handshakes still OPEN or REQUESTED (not lapsed at `now`).
    virtual std::vector<HandshakeRecord> open_of_organization(std::string_view organization_id,
                                                              Millis now) = 0;
    virtual std::vector<HandshakeRecord> children(std::string_view parent_handshake_id) = 0;
    // The organization's handshake of this action still OPEN or REQUESTED at `now`, if any (the
    // one pending all-features migration); an index lookup, whatever else is open.
    virtual std::optional<HandshakeRecord> find_pending(std::string_view organization_id,
                                                        std::string_view action, Millis now) = 0;
    virtual std::size_t count_open_invitations(std::string_view organization_id, Millis now) = 0;
    // Whether at least `limit` INVITE handshakes requested after `since` were not accepted (the
    // daily rate limit). A yes/no rather than a count, so storage may answer from a bound.
    virtual bool invitation_rate_reached(std::string_view organization_id, Millis since,
                                         std::size_t limit) = 0;
};

// Which transfers a list wants: those an organization pays for (inbound), or those an account
// lets another pay for (outbound: by account id or, for EMAIL invitations, by its address; of
// its organization once accepted). Keyset-paged by (requested_ms, id).
struct TransferQuery {
    std::string target_organization_id;  // inbound to this organization, or
    std::string source_account_id;       // outbound from this account
    std::string source_email;            //   or addressed to this address (lower-cased)
    std::string source_organization_id;  //   and not accepted by another organization
    Millis after_requested_ms = 0;       // keyset position; after_id "" = first page
    std::string after_id;
    std::size_t limit = 20;
};

class ResponsibilityTransferRepository {
public:
    virtual ~ResponsibilityTransferRepository() = default;
    virtual std::optional<ResponsibilityTransferRecord> find(std::string_view id) = 0;
    virtual std::optional<ResponsibilityTransferRecord> find_by_handshake(std::string_view handshake_id) = 0;
    virtual void save(const ResponsibilityTransferRecord& transfer) = 0;  // insert or replace
    virtual std::vector<ResponsibilityTransferRecord> list(const TransferQuery& query) = 0;
    // The organization's REQUESTED transfer (not lapsed at `now`) to this account or address, if any.
    virtual std::optional<ResponsibilityTransferRecord> find_open_invitation(std::string_view target_organization_id,
                                                                             std::string_view account_id,
                                                                             std::string_view email, Millis now) = 0;
    // Transfers in force at `now` (ResponsibilityTransferRecord::in_force) that the organization
    // pays for (inbound) or lets another pay for (outbound).
    virtual std::vector<ResponsibilityTransferRecord> in_force_inbound(std::string_view organization_id, Millis now) = 0;
    virtual std::vector<ResponsibilityTransferRecord> in_force_outbound(std::string_view organization_id, Millis now) = 0;
    // Inbound transfers in force and invitations the organization sent still REQUESTED at `now`.
    virtual std::size_t count_inbound(std::string_view organization_id, Millis now) = 0;
    // REQUESTED (not lapsed) transfers addressed to this account or address.
    virtual std::size_t count_open_invitations_to(std::string_view account_id, std::string_view email, Millis now) = 0;
    virtual std::vector<ResponsibilityTransferRecord> all() = 0;  // by (requested_ms, id)
};

// The outbox: what AWS would have emailed.
class OutboxRepository {
public:
    virtual ~OutboxRepository() = default;
    virtual void add(const OutboxMessage& message) = 0;
    virtual std::vector<OutboxMessage> list(std::string_view to) = 0;  // "" = all; oldest first
    virtual void clear() = 0;
};

// Small key/value state of the emulator itself (e.g. the clock offset).
class SettingRepository {
public:
    virtual ~SettingRepository() = default;
    virtual std::optional<std::string> get(std::string_view key) = 0;
    virtual void save(std::string_view key, std::string_view value) = 0;
};

// Which handshakes the control plane's console lists (server/control/views.cpp): those an
// organization sent and/or those an account or address received, newest first, in pages.
struct HandshakeBrowse {
    std::string organization_id;              // sent by this organization ("" = any), and/or
    std::string recipient;                    // received by this account id or address ("" = any)
    std::vector<api::HandshakeState> states;  // as the API shows them at `now`; empty = any
    std::optional<api::ActionType> action;    // nullopt = any
    Millis now = 0;                           // only those still visible at this time
    Millis before_requested_ms = 0;           // keyset position; before_id "" = first page
    std::string before_id;
    std::size_t limit = 50;
};

// How many policies of one type are attached to one target (a root, OU or account).
struct AttachedPolicyCount {
    std::string target_id;
    api::PolicyType type = api::PolicyType::SERVICE_CONTROL_POLICY;
    std::size_t count = 0;
};

// The read-only queries of the control plane's web console (server/control/views.cpp), one page
// each, on an index; no API operation uses them.
class ConsoleRepository {
public:
    virtual ~ConsoleRepository() = default;
    // Organizations, newest first, strictly before (created_ms, id); before_id "" = first page.
    virtual std::vector<OrganizationRecord> recent_organizations(Millis before_created_ms, std::string_view before_id,
                                                                 std::size_t limit) = 0;
    // Handshakes as the query says, newest first, each with its state as the API shows it at
    // query.now (a lapsed OPEN or REQUESTED one is EXPIRED). Needs an organization or a recipient.
    virtual std::vector<HandshakeRecord> browse_handshakes(const HandshakeBrowse& query) = 0;
    // How many the query's filters match on every page, counting no further than `at_most`.
    virtual std::size_t count_handshakes(const HandshakeBrowse& query, std::size_t at_most) = 0;
    // The outbox newest first, `limit` messages after the newest `offset`, optionally only to `to`.
    virtual std::vector<OutboxMessage> recent_messages(std::string_view to, std::size_t offset, std::size_t limit) = 0;
    virtual std::size_t count_messages(std::string_view to) = 0;
    // How many policies are attached to each of `target_ids` (what a page of the organization's
    // tree shows), by type, in one grouped query: by target id, then type; none for a target
    // with nothing attached.
    virtual std::vector<AttachedPolicyCount> attached_policy_counts(std::string_view organization_id,
                                                                    std::span<const std::string> target_ids) = 0;
    // The services each of `account_ids` is a delegated administrator for, in one query: pairs
    // (account id, service principal) by account id, then principal; none for the others.
    virtual std::vector<std::pair<std::string, std::string>> delegated_services(
        std::string_view organization_id, std::span<const std::string> account_ids) = 0;
};

// Everything the model stores, one member per kind of entity: `repo.accounts.find(id)`.
class Repository {
public:
    Repository(AccountRepository& accounts, OrganizationRepository& organizations,
               OrganizationalUnitRepository& organizational_units,
               CreateAccountRequestRepository& create_account_requests, PolicyRepository& policies,
               DelegationRepository& delegation, TagRepository& tags, HandshakeRepository& handshakes,
               OutboxRepository& outbox, SettingRepository& settings, ResponsibilityTransferRepository& transfers,
               ConsoleRepository& console)
        : accounts(accounts),
          organizations(organizations),
          organizational_units(organizational_units),
          create_account_requests(create_account_requests),
          policies(policies),
          delegation(delegation),
          tags(tags),
          handshakes(handshakes),
          outbox(outbox),
          settings(settings),
          transfers(transfers),
          console(console) {}
    virtual ~Repository() = default;
    Repository(const Repository&) = delete;
    Repository& operator=(const Repository&) = delete;

    AccountRepository& accounts;
    OrganizationRepository& organizations;
    OrganizationalUnitRepository& organizational_units;
    CreateAccountRequestRepository& create_account_requests;
    PolicyRepository& policies;
    DelegationRepository& delegation;
    TagRepository& tags;
    HandshakeRepository& handshakes;
    OutboxRepository& outbox;
    SettingRepository& settings;
    ResponsibilityTransferRepository& transfers;
    ConsoleRepository& console;  // the web console's reads, across entities

    // Forgets everything (control plane reset).
    virtual void wipe() = 0;
};

// One API call's work on the repository. A store may run it more than once before the commit
// (a batch is redone when one of its units fails after writing); only the last run stands, so
// whatever the work changes outside the repository must be the same each time.
struct UnitOfWork {
    std::function<void(Repository&)> work;
    std::exception_ptr error;  // set when the work threw (and was undone) or its commit failed
};

// Hands out the repository inside transactions.
class Store {
public:
    virtual ~Store() = default;
    // One transaction: committed when `work` returns, rolled back when it throws.
    virtual void transact(const std::function<void(Repository&)>& work) = 0;
    // Runs work that only reads, on the calling thread, against the last committed state, beside
    // the transactions (so reads need not queue behind writes). False when the store cannot, or
    // when the work tried to write after all (the caller then runs it through transact); what it
    // computed before that must be thrown away. The default cannot.
    virtual bool read(const std::function<void(Repository&)>& work) {
        (void)work;
        return false;
    }
    // Group commit: every unit runs in one transaction, each undone on its own if it throws, and
    // one commit (one sync) makes them all durable together. Nothing is visible to anyone before
    // that commit. The default runs each unit in a transaction of its own.
    virtual void transact_each(std::span<UnitOfWork> units) {
        for (auto& u : units) {
            try {
                transact(u.work);
            } catch (...) {
                u.error = std::current_exception();
            }
        }
    }
};

}  // namespace localorgs::model
