/// <reference lib="dom" />
import type { ClientData } from "./html-data";

/**
 * The page's script: the filter box, the privilege toggle, expanding diagram groups and the detail
 * panel. It is inlined into the page as this function's source text (`accessReportClient.toString()`),
 * so it must refer to nothing outside itself but the browser's globals. When the page is ready to
 * use it sets `data-ready` on `<html>` to the milliseconds since navigation started.
 */
export function accessReportClient(): void {
  const data = JSON.parse(document.getElementById("report-data")!.textContent!) as ClientData;
  const grantText = data.grants.map(([requester, path]) => {
    const [vaultRole, , role] = data.paths[path];
    const [account, roleName] = data.roles[role];
    return `${data.requesters[requester]} ${vaultRole} ${data.accounts[account].join(" ")} ${roleName}`.toLowerCase();
  });
  const levels = ["read", "write", "admin"];
  const level = data.grants.map(([, path]) => levels.indexOf(data.roles[data.paths[path][2]][2]));
  const accountText = data.accounts.map((a) => a.join(" ").toLowerCase());
  const match = new Uint8Array(data.grants.length).fill(1);
  const parsed = new WeakMap<Element, number[]>();
  const grantsOf = (el: Element): number[] => {
    let grants = parsed.get(el);
    if (!grants) {
      grants = (el.getAttribute("data-g") ?? "")
        .split(" ")
        .filter((s) => s !== "")
        .map(Number);
      parsed.set(el, grants);
    }
    return grants;
  };
  const lit = (el: Element): boolean => grantsOf(el).some((i) => match[i] === 1);

  const filter = document.getElementById("filter") as HTMLInputElement;
  const privileged = document.getElementById("privileged") as HTMLInputElement;
  const status = document.getElementById("status")!;
  const none = document.getElementById("none")!;
  const detail = document.getElementById("detail")!;
  const expanded = document.getElementById("expanded");
  const groups = Array.from(document.querySelectorAll<HTMLTableSectionElement>("tbody.grp")).map((tbody) => ({
    tbody,
    toggle: tbody.querySelector<HTMLButtonElement>("button.gt"),
    count: tbody.querySelector<HTMLElement>(".gcount"),
    rows: Array.from(tbody.querySelectorAll<HTMLTableRowElement>("tr.a")).map((el) => ({
      el,
      account: Number(el.dataset.a),
      chips: Array.from(el.querySelectorAll<HTMLElement>(".c")),
    })),
  }));
  let active = false;
  const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

  /**
   * Dims every box and arrow of the diagrams under `root` that no matching grant goes through, and
   * colours the others by the highest privilege among the matching grants.
   */
  const paintDiagram = (root: ParentNode) => {
    for (const el of Array.from(root.querySelectorAll(".flow [data-g]"))) {
      let highest = -1;
      for (const i of grantsOf(el)) if (match[i] === 1 && level[i] > highest) highest = level[i];
      el.classList.toggle("dim", highest < 0);
      if (highest >= 0) {
        el.classList.remove("p-read", "p-write", "p-admin");
        el.classList.add(`p-${levels[highest]}`);
      }
    }
  };

  const apply = (expandMatches: boolean) => {
    const terms = filter.value
      .toLowerCase()
      .split(/\s+/)
      .filter((t) => t !== "");
    const onlyAdmin = privileged.checked;
    active = terms.length > 0 || onlyAdmin;
    let grants = 0;
    for (let i = 0; i < data.grants.length; i++) {
      const on = (!onlyAdmin || level[i] === 2) && terms.every((t) => grantText[i].includes(t));
      match[i] = on ? 1 : 0;
      if (on) grants++;
    }
    let accounts = 0;
    for (const group of groups) {
      let shown = 0;
      for (const row of group.rows) {
        let any = false;
        for (const chip of row.chips) {
          const on = lit(chip);
          chip.hidden = !on;
          any ||= on;
        }
        const visible = any || (row.chips.length === 0 && !onlyAdmin && terms.every((t) => accountText[row.account].includes(t)));
        row.el.classList.toggle("out", !visible);
        if (visible) shown++;
      }
      if (expandMatches && active && shown > 0) setCollapsed(group, false);
      group.tbody.hidden = shown === 0;
      if (group.count)
        group.count.textContent = active ? `${shown} of ${group.rows.length} accounts match` : counted(group.rows.length, "account");
      accounts += shown;
    }
    none.hidden = accounts > 0;
    none.textContent = onlyAdmin && terms.length === 0 ? "No requester can reach an admin-level role." : "Nothing matches the filter.";
    status.textContent = active
      ? `${counted(accounts, "account")} and ${counted(grants, "grant")} match`
      : `${counted(accounts, "account")}, ${counted(grants, "grant")}`;
    paintDiagram(document);
  };

  function setCollapsed(group: (typeof groups)[number], collapsed: boolean) {
    group.tbody.classList.toggle("collapsed", collapsed);
    group.toggle?.setAttribute("aria-expanded", String(!collapsed));
  }

  const showDetail = (grants: number[]) => {
    detail.replaceChildren();
    const shown = grants.filter((i) => match[i] === 1);
    const head = document.createElement("h3");
    head.textContent = counted(shown.length, "grant");
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "close";
    close.addEventListener("click", () => (detail.hidden = true));
    head.append(" ", close);
    detail.append(head);
    for (const i of shown) {
      const [requester, path] = data.grants[i];
      const [vaultRole, ttl, role, command] = data.paths[path];
      const [account, roleName, level, policies, externalId] = data.roles[role];
      const a = data.accounts[account];
      const item = document.createElement("p");
      const badge = document.createElement("span");
      badge.className = `lvl p-${level}`;
      badge.textContent = level;
      const code = document.createElement("code");
      code.textContent = command;
      item.append(
        badge,
        ` ${data.requesters[requester]} → ${vaultRole} → ${a[0]} (${a[1]}) / ${roleName}: ${policies} · ttl ${ttl} · ${externalId}`,
        document.createElement("br"),
        code,
      );
      detail.append(item);
    }
    detail.hidden = false;
  };

  filter.addEventListener("input", () => apply(true));
  privileged.addEventListener("change", () => apply(true));
  for (const group of groups) {
    group.toggle?.addEventListener("click", () => setCollapsed(group, !group.tbody.classList.contains("collapsed")));
  }
  document.addEventListener("click", (event) => {
    const target = event.target as Element;
    const chip = target.closest(".c, .flow .n:not([data-group])");
    if (chip) showDetail(grantsOf(chip));
    const groupNode = target.closest<SVGGElement>(".flow [data-group]");
    if (groupNode) toggleGroup(groupNode);
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target as Element;
    if ((event.key === "Enter" || event.key === " ") && target.matches?.(".flow [data-group]")) {
      event.preventDefault();
      toggleGroup(target as SVGGElement);
    }
  });

  /** Shows or removes the detail diagram of one group, from its `<template>`. */
  function toggleGroup(node: SVGGElement) {
    if (!expanded) return;
    const id = node.dataset.group!;
    const open = expanded.querySelector(`[data-of="${id}"]`);
    node.setAttribute("aria-expanded", String(!open));
    if (open) {
      open.remove();
      return;
    }
    const template = document.getElementById(`group-${id}`) as HTMLTemplateElement;
    const panel = template.content.firstElementChild!.cloneNode(true) as HTMLElement;
    expanded.prepend(panel);
    paintDiagram(panel);
    panel.querySelector("button.close")?.addEventListener("click", () => toggleGroup(node));
  }

  apply(false);
  requestAnimationFrame(() => setTimeout(() => (document.documentElement.dataset.ready = String(Math.round(performance.now())))));
}
