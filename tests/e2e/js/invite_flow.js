"use strict";
// The invitation flow of tests/e2e/test_clients.py, driven by the AWS SDK for JavaScript v3:
// the management account creates an organization and invites the other account, which lists
// what it received and accepts; the management account then lists its accounts, and the new
// member's own ListAccounts is refused. Each account is named by its 12-digit access key id.
//
//   node invite_flow.js '{"endpoint": "http://127.0.0.1:PORT" | null, "region": "eu-west-1",
//                         "management": "111111111111", "invitee": "222222222222"}'
//
// Without "endpoint" the client is given none, so it must find AWS_ENDPOINT_URL in the
// environment. Prints one JSON object with every answer; on an unexpected failure prints the
// error to stderr and exits 1.
const {
  OrganizationsClient,
  CreateOrganizationCommand,
  InviteAccountToOrganizationCommand,
  ListHandshakesForAccountCommand,
  AcceptHandshakeCommand,
  ListAccountsCommand,
} = require("@aws-sdk/client-organizations");

function client(plan, accessKeyId) {
  const config = {
    region: plan.region,
    credentials: { accessKeyId, secretAccessKey: "any-secret-works" },
    // A failure must show at once, not after the SDK's retries.
    maxAttempts: 1,
  };
  if (plan.endpoint) config.endpoint = plan.endpoint;
  return new OrganizationsClient(config);
}

async function main() {
  const plan = JSON.parse(process.argv[2]);
  const management = client(plan, plan.management);
  const invitee = client(plan, plan.invitee);
  const out = {};

  out.organization = (await management.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization;
  out.invited = (
    await management.send(
      new InviteAccountToOrganizationCommand({
        Target: { Id: plan.invitee, Type: "ACCOUNT" },
        Notes: "from the JavaScript SDK",
      }),
    )
  ).Handshake;
  out.received = (await invitee.send(new ListHandshakesForAccountCommand({}))).Handshakes;
  out.accepted = (await invitee.send(new AcceptHandshakeCommand({ HandshakeId: out.invited.Id }))).Handshake;
  out.accounts = (await management.send(new ListAccountsCommand({}))).Accounts;
  try {
    await invitee.send(new ListAccountsCommand({}));
    out.memberListAccounts = { error: null };
  } catch (e) {
    // The SDK turns the answer's __type into the error's name.
    out.memberListAccounts = { error: e.name, status: e.$metadata && e.$metadata.httpStatusCode };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`${e.name}: ${e.message}\n`);
  process.exit(1);
});
