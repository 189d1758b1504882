"""Funding rules (保障措施（二）, 管理办法第八条): amounts, years, and no double funding.

funding-range
    `per: year` programmes: every funding entry's amount lies in [min, max].
    `per: project` programmes: the project's funding entries add up to an amount in [min, max]
    (a project with no funding entry yet is not checked).

funding-years
    For every programme: no funding entry's year precedes the year of `approved` (funding starts
    in the year the project is approved, never before).
    For `per: year` programmes: one entry per year (a year written twice would dodge the yearly
    range check).
    With `max_years`: at most that many distinct funded years.
    With `consecutive: true`: the funded years have no gap.

double-funding
    Containment is recorded explicitly: project A's `contains: [B, …]` says activity B is part of A.
    Containment is transitive (A ⊃ B ⊃ C means C is part of A too).
    The checks, all reported in A's file at the `contains` item concerned:

    * same society, same year: A and a contained project D (directly or through others) have the
      same `lead_society` and both receive money (amount > 0) in the same year → error, naming the
      years. Funding the parts in other years than the whole is fine (e.g. a station funded in
      2015 that a base project takes over from 2016).
    * across societies: a directly contained project B is led by another society → error.
      The article only covers activities that ONE society undertakes at the same time
      （市级学会同时承担的多项活动和服务具有包含关系的）; the `contains` field is defined the same way
      (“同一学会承担的其他项目”). Two societies' projects that overlap are a matter for review,
      not something this field can express, so recording it is refused rather than silently
      ignored.
    * cycles: A contains B … contains A → error, reported once per cycle at the `contains` item
      that closes it.

    Which period's rule applies: the period of A (the containing project); a cycle uses the period
    of the project whose item closes it (else the latest period). Projects referenced by
    `contains` that are missing or schema-invalid are skipped (ref-missing reports them).
"""

from __future__ import annotations

from generator.common.money import wan_text
from generator.checks.policy.context import PolicyContext, funded_years, year_of

AMOUNT_HINT = "以元为单位，例如 5 万元写 50000"


def check_funding_range(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        if not terms:
            continue
        name = context.label("programme", project.data["programme"])
        low, high = terms["min"], terms["max"]
        allowed = wan_text(low) if low == high else f"{wan_text(low)} 至 {wan_text(high)}"
        entries = project.data["funding"]
        if terms["per"] == "project":
            total = sum(entry["amount"] for entry in entries)
            if entries and not low <= total <= high:
                # one entry: point at its amount; several: at the list they add up from
                path = ("funding", 0, "amount") if len(entries) == 1 else ("funding",)
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    path,
                    f"{name}每项资助 {allowed}，本项目合计 {wan_text(total)}：请改正金额（{AMOUNT_HINT}）",
                )
            continue
        for index, entry in enumerate(entries):
            if not low <= entry["amount"] <= high:
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "amount"),
                    f"{name}每年资助 {allowed}，{entry['year']} 年填的是 {wan_text(entry['amount'])}：请改正金额（{AMOUNT_HINT}）",
                )


def check_funding_years(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        if not terms:
            continue
        name = context.label("programme", project.data["programme"])
        entries = project.data["funding"]
        approved = project.data["approved"]
        first = year_of(approved)
        for index, entry in enumerate(entries):
            if entry["year"] < first:
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "year"),
                    f"{entry['year']} 年的资助早于立项（{approved}）：资助从立项当年（{first} 年）起算，请核对资助年份或立项日期",
                )
        if terms["per"] != "year":
            continue
        first_entry: dict[int, int] = {}  # year → index of its first entry
        for index, entry in enumerate(entries):
            year = entry["year"]
            if year in first_entry:
                line = project.doc.where(("funding", first_entry[year], "year"))[0]
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "year"),
                    f"{year} 年写了两行资助（另一行在第 {line} 行）：{name}每个资助年度只写一行，请把同一年的金额合并",
                )
            else:
                first_entry[year] = index
        years = sorted(first_entry)
        max_years = terms.get("max_years")
        if max_years and len(years) > max_years:
            extra = years[max_years]
            shown = "、".join(str(y) for y in years)
            yield context.problem(
                period,
                rule_id,
                project,
                ("funding", first_entry[extra], "year"),
                f"{name}最多资助 {max_years} 年，本项目填了 {len(years)} 个年度（{shown}）：请删除 {extra} 年及以后多出的年度",
            )
        if terms.get("consecutive"):
            for before, after in zip(years, years[1:]):
                if after != before + 1:
                    missing = "、".join(str(y) for y in range(before + 1, after))
                    yield context.problem(
                        period,
                        rule_id,
                        project,
                        ("funding", first_entry[after], "year"),
                        f"{name}须连续资助：{before} 年之后是 {after} 年，中间缺 {missing} 年：请补上缺少的年度，或核对年份",
                    )


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
