"""No double funding (保障措施（二）“对于市级学会同时承担的多项活动和服务具有包含关系的，不重复资助”).

double-funding (declared containment)
    Project A's `contains: [B, …]` says activity B is part of A. Containment is transitive
    (A ⊃ B ⊃ C means C is part of A too). Reported in A's file at the `contains` item concerned:

    * same society, same year: A and a contained project D (directly or through others) have the
      same `lead_society` and both receive money (amount > 0) in the same year → error, naming the
      years. Funding the parts in other years than the whole is fine (e.g. a station funded in
      2015 that a base project takes over from 2016).
    * across societies: a directly contained project B is led by another society → error (the
      article covers activities that ONE society undertakes at the same time).
    * cycles: A contains B … contains A → error, reported once per cycle at the item closing it.

double-funding-implicit (containment not written)
    Two projects of the same lead society on the same workstation, both with money in the same
    year, neither containing the other (directly or through others) → error in the later project
    (by approval date, then id) at its `workstation`, naming both projects and the years. This
    covers "the same society funded twice in one year for the same workstation" and "two projects
    with the same workstation, lead society and years", whatever the programmes (two overseas
    activities of one society at one base in one year are reported too: record them as one
    project, or have `contains` say how they relate). Projects are grouped by (workstation,
    society) once, so the cost is linear in the number of projects plus the pairs inside a group.

Which period's rule applies: the period of A (the containing or the later project); a cycle uses
the period of the project whose item closes it (else the latest period).
"""

from __future__ import annotations

from generator.checks.policy.context import PolicyContext, funded_years

def _contained(context: PolicyContext, project) -> list[tuple[int, str]]:
    """(index in `contains`, id) of the schema-valid projects a project lists directly."""
    return [
        (index, child)
        for index, child in enumerate(project.data.get("contains", []))
        if context.valid("project", child) is not None
    ]


def check_double_funding(context: PolicyContext, rule_id: str):
    yield from _check_containment(context, rule_id)
    yield from _check_cycles(context, rule_id)


def _check_containment(context: PolicyContext, rule_id: str):
    for outer, period in context.projects():
        if period is None or not period.applies(rule_id) or not outer.data.get("contains"):
            continue
        lead = outer.data["lead_society"]
        outer_years = funded_years(outer)
        for index, child_id in _contained(context, outer):
            child = context.valid("project", child_id)
            if child_id == outer.id:
                continue  # a project containing itself: reported as a cycle
            if child.data["lead_society"] != lead:
                yield context.problem(
                    period,
                    rule_id,
                    outer,
                    ("contains", index),
                    f"`contains` 只能列同一学会承担的项目：本项目由{context.society_name(lead)}承担，"
                    f"`{child_id}` 由{context.society_name(child.data['lead_society'])}承担。"
                    "“不重复资助”针对同一学会同时承担、相互包含的活动；请删除此项，或核对两个项目的承担学会",
                )
            # every project reachable through this item, with the chain that reaches it
            chains = {child_id: [outer.id, child_id]}
            stack = [child_id]
            while stack:
                current = context.valid("project", stack.pop())
                for _, grandchild in _contained(context, current):
                    if grandchild not in chains and grandchild != outer.id:
                        chains[grandchild] = chains[current.id] + [grandchild]
                        stack.append(grandchild)
            for inner_id in sorted(chains, key=lambda i: (len(chains[i]), i)):
                inner = context.valid("project", inner_id)
                if inner.data["lead_society"] != lead:
                    continue
                both = sorted(set(outer_years) & set(funded_years(inner)))
                if not both:
                    continue
                shown = "、".join(str(y) for y in both)
                via = "" if len(chains[inner_id]) == 2 else f"（包含关系：{' ⊃ '.join(chains[inner_id])}）"
                yield context.problem(
                    period,
                    rule_id,
                    outer,
                    ("contains", index),
                    f"本项目包含 `{inner_id}`{via}，两者都由{context.society_name(lead)}承担，"
                    f"却在 {shown} 年都获得了资助：具有包含关系的活动不重复资助。"
                    f"请删除其中一个项目这些年度的资助（records/projects/{inner_id}.yaml 或本文件的 funding），"
                    "或核对 contains 是否填错",
                )


def _check_cycles(context: PolicyContext, rule_id: str):
    """Depth-first search over `contains`; every back edge closes a cycle, reported once."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    reported: set[frozenset] = set()
    for root in context.records.valid("project"):
        if root.id in state:
            continue
        path: list[str] = [root.id]
        state[root.id] = 1
        stack = [iter(_contained(context, root))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                state[path.pop()] = 2
                continue
            index, child_id = step
            if state.get(child_id) == 1:
                cycle = path[path.index(child_id):] + [child_id]
                key = frozenset(cycle)
                if key in reported:
                    continue
                reported.add(key)
                closer = context.valid("project", path[-1])
                period = context.project_period(closer) or context.latest_period
                yield context.problem(
                    period,
                    rule_id,
                    closer,
                    ("contains", index),
                    f"包含关系成环：{' ⊃ '.join(cycle)}：一个项目不能（直接或间接）包含它自己，"
                    "请删除其中一处 contains",
                )
            elif child_id not in state:
                state[child_id] = 1
                path.append(child_id)
                stack.append(iter(_contained(context, context.valid("project", child_id))))


def _reachable(context: PolicyContext, project) -> set[str]:
    """Ids of every project contained in `project`, directly or through others."""
    seen: set[str] = set()
    stack = [project]
    while stack:
        for _, child_id in _contained(context, stack.pop()):
            if child_id not in seen:
                seen.add(child_id)
                child = context.valid("project", child_id)
                if child is not None:
                    stack.append(child)
    return seen


def check_implicit_double_funding(context: PolicyContext, rule_id: str):
    groups: dict[tuple[str, str], list] = {}
    for project, period in context.projects():
        terms = period.programme(project.data["programme"]) if period else None
        station = project.data.get("workstation")
        if not terms or not station:
            continue
        groups.setdefault((station, project.data["lead_society"]), []).append((project, period))
    for (station, lead), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (m[0].data["approved"], m[0].id))
        reach = {p.id: _reachable(context, p) for p, _ in members}
        for later_index, (later, period) in enumerate(members):
            for earlier, _ in members[:later_index]:
                if earlier.id in reach[later.id] or later.id in reach[earlier.id]:
                    continue  # declared: the double-funding rule judges it
                both = sorted(set(funded_years(earlier)) & set(funded_years(later)))
                if not both:
                    continue
                shown = "、".join(str(y) for y in both)
                yield context.problem(
                    period,
                    rule_id,
                    later,
                    ("workstation",),
                    f"本项目与 `{earlier.id}` 都由{context.society_name(lead)}承担、都属于 `{station}`，"
                    f"在 {shown} 年都获得了资助：同一学会同一基地（站点）同一年度不重复资助。"
                    f"请删除其中一个项目这些年度的资助（records/projects/{earlier.id}.yaml 或本文件的 funding），"
                    "或核对两个项目的 workstation、lead_society",
                )
