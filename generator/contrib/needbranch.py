"""Has staff already taken over the branch the need form's bot pushes? Then the bot stops.

The need workflow (.github/workflows/need-to-pr.yml) turns issue #N into the branch `need/issue-N`
and a pull request, and on every edit of the issue rebuilds that branch from the default branch
and force-pushes it. Once staff have reviewed the pull request that would throw their work away,
so the bot refuses to overwrite the branch when any of these signals is there:

* the branch holds a commit (not on the default branch) whose author or committer is not the bot
  (`github-actions[bot]`): staff edited the record, or merged the default branch into it;
* the pull request has a review (approve, request changes or comment), or the label `已审核`;
* the pull request is no longer open (merged or closed).

The git signal is read with git from the fetched branch; the pull request's state comes from
`gh pr view <branch> --json state,labels,reviews`, saved to a file by the workflow.
"""

from __future__ import annotations

import json

from generator.contrib.gitread import Git, GitError

BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
REVIEWED_LABEL = "已审核"


def staff_commits(git: Git, base: str, branch: str) -> list[str]:
    """Short shas of the commits on branch but not on base that the bot did not both author and
    commit. Raises GitError (Chinese) when a revision is missing."""
    base_commit, branch_commit = git.resolve(base), git.resolve(branch)
    out = git.run("log", "-z", "--format=%h%x01%ae%x01%ce", f"{base_commit}..{branch_commit}")
    shas = []
    for entry in out.decode("utf-8", "replace").split("\0"):
        fields = entry.strip("\n").split("\x01")
        if len(fields) == 3 and (fields[1] != BOT_EMAIL or fields[2] != BOT_EMAIL):
            shas.append(fields[0])
    return shas


def pr_signals(pr_json: str) -> list[str]:
    """Chinese reasons from `gh pr view --json state,labels,reviews` output ("" or "{}": no PR)."""
    try:
        pr = json.loads(pr_json or "{}")
    except ValueError:
        return ["无法读取 pull request 的状态"]  # unknown: safer to leave the branch alone
    if not isinstance(pr, dict) or not pr:
        return []
    reasons = []
    state = pr.get("state")
    if isinstance(state, str) and state.upper() != "OPEN":
        reasons.append("对应的 pull request 已合并或关闭")
    reviews = pr.get("reviews")
    if isinstance(reviews, list) and reviews:
        reasons.append(f"pull request 已有 {len(reviews)} 条审核意见")
    labels = pr.get("labels")
    names = [label.get("name") for label in labels if isinstance(label, dict)] if isinstance(labels, list) else []
    if REVIEWED_LABEL in names:
        reasons.append(f"pull request 已标记“{REVIEWED_LABEL}”")
    return reasons


def reviewed(git: Git, base: str, branch: str | None, pr_json: str = "") -> list[str]:
    """Why the bot must not overwrite `branch` (empty: it may). A branch that cannot be read
    counts as reviewed: never overwrite what we could not look at."""
    reasons = pr_signals(pr_json)
    if branch:
        try:
            shas = staff_commits(git, base, branch)
        except GitError as exc:
            reasons.append(f"无法读取分支：{exc}")
        else:
            if shas:
                shown = "、".join(shas[:5]) + (" 等" if len(shas) > 5 else "")
                reasons.append(f"分支上有 {len(shas)} 个不是由机器人提交的改动（{shown}）")
    return reasons


def refusal(number: int, reasons: list[str]) -> list[str]:
    """The comment-ready lines for the issue when the branch is left alone."""
    return [
        f"issue #{number} 的需求已由市科协工作人员接手审核（{'；'.join(reasons)}），"
        f"系统不再根据 issue 的修改自动覆盖分支 need/issue-{number}。",
        "如还需修改，请在对应的 pull request 中留言说明，工作人员会代为修改。",
    ]
