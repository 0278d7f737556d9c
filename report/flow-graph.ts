import type { AccessGrant } from "../lib/access";
import { higherPrivilege, type PrivilegeLevel } from "../lib/policy/privilege";
import { counted } from "./describe";

/** A box of the flow diagram. */
export interface FlowNode {
  readonly id: string;
  readonly kind: "requester" | "vault-role" | "target" | "group";
  readonly label: string;
  /** A second, smaller line. @default - none */
  readonly sublabel?: string;
  /** The highest privilege reached through it. */
  readonly privilege: PrivilegeLevel;
  /** Indexes into the report's grants of every path through it, so the page can filter it. */
  readonly grants: readonly number[];
}

/** An arrow of the flow diagram. */
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  readonly privilege: PrivilegeLevel;
  readonly grants: readonly number[];
  /** Shown when the pointer rests on it. @default - none */
  readonly title?: string;
}

/** The diagram before layout: boxes and arrows, in a stable order. */
export interface FlowGraph {
  readonly nodes: readonly FlowNode[];
  readonly edges: readonly FlowEdge[];
}

/** Collects nodes and edges, merging repeated ones and their grants. */
class GraphBuilder {
  private readonly nodes = new Map<string, { node: Omit<FlowNode, "grants" | "privilege">; grants: number[]; privilege: PrivilegeLevel }>();
  private readonly edges = new Map<string, { from: string; to: string; grants: number[]; privilege: PrivilegeLevel }>();

  node(node: Omit<FlowNode, "grants" | "privilege">, grant: number, privilege: PrivilegeLevel): string {
    const seen = this.nodes.get(node.id);
    if (seen) {
      seen.grants.push(grant);
      seen.privilege = higherPrivilege(seen.privilege, privilege);
    } else this.nodes.set(node.id, { node, grants: [grant], privilege });
    return node.id;
  }

  edge(from: string, to: string, grant: number, privilege: PrivilegeLevel): void {
    const key = `${from}\u0000${to}`;
    const seen = this.edges.get(key);
    if (seen) {
      seen.grants.push(grant);
      seen.privilege = higherPrivilege(seen.privilege, privilege);
    } else this.edges.set(key, { from, to, grants: [grant], privilege });
  }

  build(edgeTitle?: (edge: { from: string; to: string; grants: readonly number[] }) => string): FlowGraph {
    return {
      nodes: [...this.nodes.values()].map(({ node, grants, privilege }) => ({ ...node, grants, privilege })),
      edges: [...this.edges.values()].map((e) => (edgeTitle ? { ...e, title: edgeTitle(e) } : e)),
    };
  }
}

/**
 * Requester → Vault role → account/role, for the grants at `indexes` (all of them by default): the
 * path each credential takes. A Vault role over several accounts is one box with an arrow to each.
 */
export function detailGraph(grants: readonly AccessGrant[], indexes: readonly number[] = grants.map((_, i) => i)): FlowGraph {
  const graph = new GraphBuilder();
  for (const i of indexes) {
    const g = grants[i];
    const requester = graph.node({ id: `r:${g.requester}`, kind: "requester", label: g.requester }, i, g.privilege);
    const vaultRole = graph.node({ id: `v:${g.vaultRole}`, kind: "vault-role", label: g.vaultRole }, i, g.privilege);
    const target = graph.node(
      { id: `t:${g.roleArn}`, kind: "target", label: `${g.accountName} / ${g.roleName}`, sublabel: g.accountId },
      i,
      g.privilege,
    );
    graph.edge(requester, vaultRole, i, g.privilege);
    graph.edge(vaultRole, target, i, g.privilege);
  }
  return graph.build();
}

/**
 * Requester → account group: the diagram collapsed, one arrow per requester and group, which says
 * how many roles it reaches there when the pointer rests on it.
 */
export function overviewGraph(
  grants: readonly AccessGrant[],
  groupOf: (accountName: string) => string,
  groupSizes: ReadonlyMap<string, number>,
): FlowGraph {
  const graph = new GraphBuilder();
  for (const [i, g] of grants.entries()) {
    const group = groupOf(g.accountName);
    const size = groupSizes.get(group) ?? 0;
    const requester = graph.node({ id: `r:${g.requester}`, kind: "requester", label: g.requester }, i, g.privilege);
    const target = graph.node(
      { id: `g:${group}`, kind: "group", label: group, sublabel: `${counted(size, "account")} · click to expand` },
      i,
      g.privilege,
    );
    graph.edge(requester, target, i, g.privilege);
  }
  return graph.build(({ from, to, grants: indexes }) => {
    const roles = new Set(indexes.map((i) => grants[i].roleArn)).size;
    return `${from.slice(2)} → ${to.slice(2)}: ${counted(roles, "role")}`;
  });
}
