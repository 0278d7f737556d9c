import { detailGraph, overviewGraph } from "../../report/flow-graph";
import { exampleReport } from "./helpers";

describe("detailGraph", () => {
  const report = exampleReport();

  test("requester → Vault role → account/role, one box each, with the grants through it", () => {
    const prod = report.grants.flatMap((g, i) => (g.accountName === "prod" ? [i] : []));
    const graph = detailGraph(report.grants, prod);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.label, n.sublabel, n.privilege, n.grants])).toEqual([
      ["r:sre", "requester", "sre", undefined, "write", prod],
      ["v:prod-ec2-admin", "vault-role", "prod-ec2-admin", undefined, "write", [prod[0]]],
      ["t:arn:aws:iam::444444444444:role/ec2-admin", "target", "prod / ec2-admin", "444444444444", "write", [prod[0]]],
      ["v:prod-readonly", "vault-role", "prod-readonly", undefined, "read", [prod[1]]],
      ["t:arn:aws:iam::444444444444:role/readonly", "target", "prod / readonly", "444444444444", "read", [prod[1]]],
    ]);
    expect(graph.edges.map((e) => [e.from, e.to, e.privilege])).toEqual([
      ["r:sre", "v:prod-ec2-admin", "write"],
      ["v:prod-ec2-admin", "t:arn:aws:iam::444444444444:role/ec2-admin", "write"],
      ["r:sre", "v:prod-readonly", "read"],
      ["v:prod-readonly", "t:arn:aws:iam::444444444444:role/readonly", "read"],
    ]);
  });

  test("a Vault role over several accounts is one box with an arrow to each", () => {
    const graph = detailGraph(report.grants);
    expect(graph.nodes.filter((n) => n.label === "readonly-nonprod")).toHaveLength(1);
    expect(graph.edges.filter((e) => e.from === "v:readonly-nonprod").map((e) => e.to)).toEqual([
      "t:arn:aws:iam::111111111111:role/readonly",
      "t:arn:aws:iam::222222222222:role/readonly",
    ]);
  });

  test("two requesters of one Vault role share its box and its arrow to the role", () => {
    const graph = detailGraph(report.grants);
    const arrow = graph.edges.find((e) => e.from === "v:dev-readonly")!;
    expect(arrow.grants.map((i) => report.grants[i].requester)).toEqual(["developers", "sre"]);
  });
});

describe("overviewGraph", () => {
  const report = exampleReport();
  const groupOf = (name: string) => (name === "prod" ? "prod" : "nonprod");

  test("requester → account group, one arrow each, titled with how many roles it reaches", () => {
    const graph = overviewGraph(
      report.grants,
      groupOf,
      new Map([
        ["prod", 1],
        ["nonprod", 3],
      ]),
    );
    expect(graph.nodes.filter((n) => n.kind === "group").map((n) => [n.label, n.sublabel])).toEqual([
      ["nonprod", "3 accounts · click to expand"],
      ["prod", "1 account · click to expand"],
    ]);
    expect(graph.edges.map((e) => e.title)).toEqual([
      "auditors → nonprod: 2 roles",
      "developers → nonprod: 4 roles",
      "sre → nonprod: 3 roles",
      "sre → prod: 2 roles",
    ]);
  });

  test("an arrow's privilege is the highest among its grants", () => {
    const graph = overviewGraph(report.grants, groupOf, new Map());
    expect(graph.edges.find((e) => e.title?.startsWith("sre → prod"))?.privilege).toBe("write");
    expect(graph.edges.find((e) => e.title?.startsWith("auditors"))?.privilege).toBe("read");
  });
});
