"""Fragments that fill generated and hand-written pages: name → render(env, context)."""

from __future__ import annotations

from collections import Counter

from generator.checks.policy.context import reference_date
from generator.site.field_reference import field_reference
from generator.site.lists import table_html, target_filters
from generator.site.opendata import DATASETS, funding_rows
from generator.model.summaries import funding_years, period_of_year, summarize
from generator.model.targets import target_progress
from generator.site.search_docs import expert_documents, hint_examples, searched_fields


def _render(template: str, **extra):
    def render(env, context, arg=None):
        values = {**context, **{k: v(context["m"]) if callable(v) else v for k, v in extra.items()}}
        return env.get_template(f"{template}.html").render(**values)

    return render


def _render_changes(template: str):
    def render(env, context, arg=None):
        return env.get_template(f"{template}.html").render(**context)

    return render


def _render_year(env, context, arg=None):
    summary = summarize(context["m"], int(arg))
    policy = period_of_year(context["m"], int(arg))
    return env.get_template("funding_year.html").render(s=summary, policy=policy, **context)


def _list_view(context, name: str) -> dict:
    """What a list page's template needs: the first rows' table, the data file, the counts."""
    data = context["lists"][name]
    rows = context["page_rows"]
    return {"table": table_html(data, data.rows[:rows], context["base"]), "file": context["list_files"][name][0],
            "total": len(data.rows), "page_rows": rows}


def _counted(values, labels=None, order=None):
    """(value, label, count) for each value that occurs, in `order` (else sorted)."""
    counts = Counter(values)
    keys = [k for k in order if k in counts] if order is not None else sorted(counts)
    return [(k, (labels or {}).get(k, k), counts[k]) for k in keys]


def _list_facets(name: str, model) -> dict:
    if name == "projects":
        return {"programme": _counted((p["programme"] for p in model.projects.values()), dict(_vocabulary(model, "programme")),
                                      [v for v, _ in _vocabulary(model, "programme")]),
                "year": _counted(str(p["year"]) for p in model.projects.values())}
    if name == "workstations":
        return {"kind": _counted((w["kind"] for w in model.workstations.values()), dict(_vocabulary(model, "workstation-kind")),
                                 [v for v, _ in _vocabulary(model, "workstation-kind")])}
    if name == "proposals":
        return {"year": _counted(str(p["year"]) for p in model.proposals.values())}
    if name == "docking":
        return {"district": _counted(e["district"] for e in model.docking), "industry": _counted(e["industry"] for e in model.docking)}
    return {}


def _render_list(template: str, name: str):
    def render(env, context, arg=None):
        return env.get_template(f"{template}.html").render(l=_list_view(context, name), facets=_list_facets(name, context["m"]), **context)

    return render


def _targets(model):
    """(policy, its targets' progress) per period, judged as of the reference date (KEXIE_TODAY)."""
    today = reference_date()
    periods = [(policy, target_progress(model, policy, today)) for _, policy in sorted(model.policies.items())]
    for policy, progress in periods:
        target_filters(model, policy, progress)  # each figure links to the list of its records
    return periods


def _vocabulary(model, name):
    vocab = model.labels.vocab[name]
    labels = vocab.get("x-labels", {})
    return [(value, labels.get(value, value)) for value in vocab["enum"]]


def directory_facets(model) -> dict:
    """Facet values with counts over all published experts, in display order."""
    counts = {k: Counter() for k in ("discipline", "industry", "society", "district", "honour")}
    for e in model.experts.values():
        counts["discipline"].update(code for code, _ in e["disciplines"])
        counts["industry"].update(e["industries"])
        counts["society"].update(s["id"] for s in e["societies"])
        if e["district"]:
            counts["district"][e["district"]] += 1
        counts["honour"].update(code for code, _ in e["honours"])
    society_names = {sid: s["name"] for sid, s in model.societies.items()}

    def rows(name, pairs):
        return [{"value": v, "label": label, "count": counts[name][v]} for v, label in pairs if counts[name][v]]

    return {
        "discipline": rows("discipline", [(v, f"{label}（{v}）") for v, label in _vocabulary(model, "discipline")]),
        "industry": rows("industry", _vocabulary(model, "industry")),
        "society": rows("society", sorted(society_names.items(), key=lambda kv: kv[1])),
        "district": rows("district", _vocabulary(model, "district")),
        "honour": rows("honour", _vocabulary(model, "honour")),
    }


def datasets(model) -> list[dict]:
    """The open-data files with their record counts (funding.csv: one row per project and year)."""
    return [
        {"name": name, "title": title, "schema": schema, "count": len(getattr(model, attribute))}
        for name, (title, schema, attribute, _row) in DATASETS.items()
    ] + [{"name": "funding", "title": "资助经费（每个项目每年一行：资助、退回、净额）", "schema": "", "count": len(funding_rows(model, False)), "csv_only": True}]


def data_date(model) -> str:
    """The date of the latest record change (the data's as-of date; never the clock)."""
    dates = [r["changed"] for kind in ("experts", "societies", "workstations", "projects", "needs", "proposals") for r in getattr(model, kind).values() if r.get("changed")]
    return max(dates, default="")


def _contributing(env, context, arg=None):
    types = field_reference(context["schemas_dir"])
    return env.get_template("contributing.html").render(types=types, repo_url=context["links"].repository, **context)


FRAGMENTS = {
    "directory": _render("directory", facets=directory_facets, total=lambda m: len(m.experts),
                         searched=lambda m: searched_fields(), examples=lambda m: hint_examples(expert_documents(m))),
    "societies_index": _render_list("societies_index", "societies"),
    "workstations_index": _render_list("workstations_index", "workstations"),
    "projects_index": _render_list("projects_index", "projects"),
    "needs_index": _render_list("needs_index", "needs"),
    "docking": _render_list("docking", "docking"),
    "proposals_index": _render_list("proposals_index", "proposals"),
    "open_data": _render("open_data", datasets=datasets, as_of=data_date, years=funding_years),
    "home_counts": _render("home_counts"),
    "home_latest": _render_changes("home_latest"),
    "changes": _render_changes("changes"),
    "contact": _render("contact"),
    "funding": _render("funding", s=summarize),
    "funding_year": _render_year,
    "targets": _render("targets", periods=_targets),
    "contributing": _contributing,
}
