"""Recommendations on the public model: 推荐专家 for needs, 相似专家 for experts, the docking list.

Runs after `build_model`, on published records only (the model holds nothing else), and writes
plain data into the model:

    need["recommended"]  = {"experts": [Match], "societies": [Match], "workstations": [Match]}
    expert["similar"]    = [Match]
    model.docking        = [{"need": id, "district": str, "industry": str, "experts": [Match]}]

Experts staff already matched to a need are listed apart by the need page and never recommended
again. The engine and its score are in `matching.py`. Each query's work is bounded by the candidate
cap (`limits.candidate_cap` of matching.yaml, see matching.py and reach.py), so 相似专家 — one
query per expert — grows linearly with the directory: below the cap the lists are the exhaustive
ones exactly; above it every returned score is exact and a list differs from the exhaustive one
only when one of its experts is reached by no bounded list (figures in bench/RESULTS.md).
"""

from __future__ import annotations

from generator.common.forking import fork_stages
from generator.model.bio import plain_text
from generator.model.matching import Candidate, Corpus, settings, words
from generator.model.public import SiteModel


PARALLEL_FROM = 2000  # experts; below this forking costs more than it saves


def _expert_candidates(model: SiteModel) -> list[Candidate]:
    out = []
    for e in model.experts.values():
        fields = (
            ("简介", e["bio_text"]),
            ("职称", e["title"]),
            ("单位", e["affiliation"]),
            ("学科", "、".join(label for _, label in e["disciplines"])),
            ("所属学会", "、".join(s["name"] for s in e["societies"])),
            ("工作站", "、".join(model.workstations[w]["name"] for w in e["workstations"])),
        )
        codes = {
            "discipline": [code for code, _ in e["disciplines"]],
            "industry": e["industries"],
            "district": [e["district"]] if e["district"] else [],
            "society": [s["id"] for s in e["societies"]],
        }
        out.append(Candidate(e["id"], fields, codes))
    return out


def _society_candidates(model: SiteModel) -> list[Candidate]:
    return [
        Candidate(
            s["id"],
            (("名称", s["name"]), ("学科", "、".join(label for _, label in s["disciplines"])), ("职责", "、".join(s["duties"]))),
            {"discipline": [code for code, _ in s["disciplines"]]},
        )
        for s in model.societies.values()
    ]


def _workstation_candidates(model: SiteModel) -> list[Candidate]:
    return [
        Candidate(
            w["id"],
            (("名称", w["name"]), ("服务单位", w["host"]["name"]), ("简介", plain_text(w.get("summary", "")))),
            {"industry": [w["industry"]], "district": [w["district"]]},
        )
        for w in model.workstations.values()
        if w["status"] == "active"
    ]


def need_query(need: dict) -> tuple[list[str], dict]:
    """A need's query: the title's words twice (a title says what is wanted), then the description's."""
    title = words(need["title"])
    return title + title + words(need["description_text"]), {
        "discipline": [code for code, _ in need["disciplines"]],
        "industry": need["industry"],
        "district": need["unit"].get("district", ""),
    }


def similar_experts(experts: Corpus, eid: str) -> list:
    """相似专家 of expert `eid`: its characteristic words and its codes as the query, itself excluded."""
    limits = settings()["limits"]
    query = experts.characteristic_words(eid, limits["query_terms"])
    return experts.rank(query, experts.candidates[experts.index[eid]].codes, limits["similar"], exclude=[eid])


def attach_recommendations(model: SiteModel) -> None:
    """Fill need["recommended"], expert["similar"] and model.docking (see the module docstring)."""
    labels = {
        "discipline": {code: label for e in model.experts.values() for code, label in e["disciplines"]},
        "society": {sid: s["name"] for sid, s in model.societies.items()},
    }
    for need in model.needs.values():
        labels["discipline"].update(dict(need["disciplines"]))
    limits = settings()["limits"]
    experts = Corpus(_expert_candidates(model), labels)
    societies = Corpus(_society_candidates(model), labels)
    stations = Corpus(_workstation_candidates(model), labels)

    def needs() -> tuple[dict, list]:
        recommended, docking = {}, []
        for nid in sorted(model.needs):
            need = model.needs[nid]
            query, codes = need_query(need)
            found = recommended[nid] = {
                "experts": experts.rank(query, codes, limits["recommend"], exclude=need["experts"]),
                "societies": societies.rank(query, codes, limits["organisations"], exclude=need["societies"]),
                "workstations": stations.rank(query, codes, limits["organisations"]),
            }
            if need["status"] == "open":
                docking.append({
                    "need": nid,
                    "district": codes["district"] or "（未填区县）",
                    "industry": need["industry"],
                    "experts": found["experts"][:3],
                })
        return recommended, docking

    def similar(eid: str) -> list:
        return similar_experts(experts, eid)

    # one query per expert: the longest step at scale, so two processes (same results, in order);
    # the needs' recommendations are ranked meanwhile, as one more task of the same two processes
    [(recommended, docking)], found, _ = fork_stages([needs], similar, list(model.experts), PARALLEL_FROM)
    for nid, need in model.needs.items():
        need["recommended"] = recommended[nid]
    model.docking = docking
    for eid, alike in zip(model.experts, found):
        model.experts[eid]["similar"] = alike
