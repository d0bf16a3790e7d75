"use strict";
// A policy lifecycle as a JavaScript pipeline runs it (tests/e2e/test_policies.py): the
// management account builds a three-level tree, enables SCPs and tag policies, creates a
// deny-leave SCP and attaches it two levels above the member, which then fails to leave; tag
// policies at the root and at the member's OU give the member its effective policy; then the SCP
// is detached and deleted.
//
//   node policy_flow.js '{"endpoint": "http://127.0.0.1:PORT", "region": "eu-west-1",
//                         "management": "111111111111", "member": "222222222222",
//                         "denyLeave": "...", "tagRoot": "...", "tagTeam": "..."}'
//
// Prints one JSON object with every answer; on an unexpected failure prints the error to stderr
// and exits 1.
const {
  OrganizationsClient,
  ListRootsCommand,
  CreateOrganizationalUnitCommand,
  MoveAccountCommand,
  EnablePolicyTypeCommand,
  CreatePolicyCommand,
  AttachPolicyCommand,
  DetachPolicyCommand,
  DeletePolicyCommand,
  DescribePolicyCommand,
  ListPoliciesForTargetCommand,
  ListTargetsForPolicyCommand,
  LeaveOrganizationCommand,
  DescribeEffectivePolicyCommand,
} = require("@aws-sdk/client-organizations");

function client(plan, account) {
  return new OrganizationsClient({
    region: plan.region,
    credentials: { accessKeyId: account, secretAccessKey: "any-secret-works" },
    maxAttempts: 1,
    endpoint: plan.endpoint,
  });
}

// The error's name when `promise` fails; throws when it succeeds.
async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    return e.name;
  }
  throw new Error("the call succeeded");
}

async function main() {
  const plan = JSON.parse(process.argv[2]);
  const orgs = client(plan, plan.management);
  const member = client(plan, plan.member);
  const out = {};
  const root = (await orgs.send(new ListRootsCommand({}))).Roots[0].Id;
  let parent = root;
  const ous = [];
  for (const name of ["Prod", "Apps", "Team"]) {
    parent = (await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit.Id;
    ous.push(parent);
  }
  const [, apps, team] = ous;
  await orgs.send(new MoveAccountCommand({ AccountId: plan.member, SourceParentId: root, DestinationParentId: team }));

  out.enabled = (await orgs.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: "SERVICE_CONTROL_POLICY" })))
    .Root.PolicyTypes;
  out.created = (
    await orgs.send(
      new CreatePolicyCommand({
        Name: "deny-leave",
        Description: "members stay",
        Type: "SERVICE_CONTROL_POLICY",
        Content: plan.denyLeave,
      }),
    )
  ).Policy;
  const scp = out.created.PolicySummary.Id;
  await orgs.send(new AttachPolicyCommand({ PolicyId: scp, TargetId: apps }));
  const ids = async (target) =>
    (await orgs.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: "SERVICE_CONTROL_POLICY" }))).Policies.map(
      (p) => p.Id,
    );
  out.onApps = await ids(apps);
  out.onTeam = await ids(team);
  out.leave = await refusal(member.send(new LeaveOrganizationCommand({})));

  await orgs.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: "TAG_POLICY" }));
  for (const [name, content, target] of [
    ["tags-root", plan.tagRoot, root],
    ["tags-team", plan.tagTeam, team],
  ]) {
    const p = (await orgs.send(new CreatePolicyCommand({ Name: name, Description: "", Type: "TAG_POLICY", Content: content })))
      .Policy;
    await orgs.send(new AttachPolicyCommand({ PolicyId: p.PolicySummary.Id, TargetId: target }));
  }
  out.effective = (await member.send(new DescribeEffectivePolicyCommand({ PolicyType: "TAG_POLICY" }))).EffectivePolicy;

  out.deleteInUse = await refusal(orgs.send(new DeletePolicyCommand({ PolicyId: scp })));
  await orgs.send(new DetachPolicyCommand({ PolicyId: scp, TargetId: apps }));
  out.targetsAfterDetach = (await orgs.send(new ListTargetsForPolicyCommand({ PolicyId: scp }))).Targets;
  await orgs.send(new DeletePolicyCommand({ PolicyId: scp }));
  out.afterDelete = await refusal(orgs.send(new DescribePolicyCommand({ PolicyId: scp })));
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`${e.name}: ${e.message}\n${e.stack}\n`);
  process.exit(1);
});
