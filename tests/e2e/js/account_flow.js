"use strict";
// Account vending as a JavaScript pipeline does it (tests/e2e/test_accounts.py): the management
// account creates an organization, creates an account and polls its status until it is no longer
// IN_PROGRESS, then moves the account into a new OU, tags it, closes it and polls DescribeAccount
// until it is CLOSED. The client polls without waiting: the test moves the emulator's clock.
//
//   node account_flow.js '{"endpoint": "http://127.0.0.1:PORT", "region": "eu-west-1",
//                          "management": "111111111111", "email": "new@example.com"}'
//
// Prints one JSON object with every answer; on an unexpected failure prints the error to stderr
// and exits 1.
const {
  OrganizationsClient,
  CreateOrganizationCommand,
  ListRootsCommand,
  CreateAccountCommand,
  DescribeCreateAccountStatusCommand,
  CreateOrganizationalUnitCommand,
  MoveAccountCommand,
  TagResourceCommand,
  ListTagsForResourceCommand,
  CloseAccountCommand,
  DescribeAccountCommand,
} = require("@aws-sdk/client-organizations");

async function main() {
  const plan = JSON.parse(process.argv[2]);
  const orgs = new OrganizationsClient({
    region: plan.region,
    credentials: { accessKeyId: plan.management, secretAccessKey: "any-secret-works" },
    maxAttempts: 1,
    endpoint: plan.endpoint,
  });
  const out = { polls: 0 };
  out.organization = (await orgs.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization;
  const root = (await orgs.send(new ListRootsCommand({}))).Roots[0].Id;
  out.created = (
    await orgs.send(
      new CreateAccountCommand({
        Email: plan.email,
        AccountName: "From JavaScript",
        RoleName: "VendingRole",
        Tags: [{ Key: "source", Value: "js" }],
      }),
    )
  ).CreateAccountStatus;
  let status = out.created;
  while (status.State === "IN_PROGRESS" && out.polls < 100) {
    out.polls += 1;
    status = (await orgs.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: out.created.Id })))
      .CreateAccountStatus;
  }
  out.status = status;
  const ou = (await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: "Vended" })))
    .OrganizationalUnit;
  await orgs.send(new MoveAccountCommand({ AccountId: status.AccountId, SourceParentId: root, DestinationParentId: ou.Id }));
  await orgs.send(new TagResourceCommand({ ResourceId: status.AccountId, Tags: [{ Key: "stage", Value: "prod" }] }));
  out.tags = (await orgs.send(new ListTagsForResourceCommand({ ResourceId: status.AccountId }))).Tags;
  out.closeAnswer = await orgs.send(new CloseAccountCommand({ AccountId: status.AccountId }));
  delete out.closeAnswer.$metadata;
  out.account = (await orgs.send(new DescribeAccountCommand({ AccountId: status.AccountId }))).Account;
  out.ou = ou;
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`${e.name}: ${e.message}\n`);
  process.exit(1);
});
