#!/usr/bin/env bash
# The shipped CI pipelines (ci/pipelines/): schema-level checks of both files,
# then the GitHub Actions jobs' commands run in order against a real git
# repository and the real broker: a pull request gets a plan comment, the
# merge is applied with --ref, rendered and published.
. "$(dirname "$0")/lib.sh"
GH="$RECONCILE_SRC/ci/pipelines/github-actions.yml"
GL="$RECONCILE_SRC/ci/pipelines/gitlab-ci.yml"

check "the GitHub workflow has the expected shape" python3 - "$GH" <<'PY'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
assert set(wf) <= {"name", "on", True, "permissions", "env", "jobs", "concurrency", "defaults"}, set(wf)
assert "pull_request" in on and "push" in on, on
assert on["push"]["branches"] == ["main"], on["push"]
assert set(wf["jobs"]) == {"plan", "apply"}, wf["jobs"].keys()
for name, job in wf["jobs"].items():
    assert set(job) <= {"if", "runs-on", "container", "permissions", "env", "steps", "concurrency", "needs"}, (name, set(job))
    assert "runs-on" in job and job["steps"], name
    for step in job["steps"]:
        assert ("uses" in step) != ("run" in step), step
        assert set(step) <= {"name", "uses", "with", "run", "env", "if", "id"}, step
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
runs = lambda j: " ".join(s.get("run", "") for s in wf["jobs"][j]["steps"])
assert "--base" in runs("plan") and "--format markdown" in runs("plan")
assert "--ref" in runs("apply") and "render" in runs("apply") and "publish" in runs("apply")
assert wf["jobs"]["apply"]["concurrency"]["cancel-in-progress"] is False
assert wf["jobs"]["plan"]["permissions"]["pull-requests"] == "write"
for job in wf["jobs"].values():  # secrets come from the secret store, never literals
    for v in (job.get("env") or {}).values():
        assert str(v).startswith("${{ secrets."), v
PY
check "the GitLab pipeline has the expected shape" python3 - "$GL" <<'PY'
import sys, yaml
p = yaml.safe_load(open(sys.argv[1]))
assert p["stages"] == ["plan", "apply"]
for name in ("plan", "apply"):
    job = p[name]
    assert job["stage"] == name and isinstance(job["script"], list) and job["rules"], name
    assert all(isinstance(line, str) for line in job["script"])
assert p["variables"]["GIT_DEPTH"] == "0"
assert p["apply"]["resource_group"]
assert any("--ref \"$CI_COMMIT_SHA\"" in l for l in p["apply"]["script"])
assert any("--base" in l for l in p["plan"]["script"])
PY

# a repository like a team's: base on main, a pull request branch adding a topic
new_repo
declare_topic "$P.existing" 1
commit "base"
git -C "$REPO" update-ref refs/remotes/origin/main main
git -C "$REPO" checkout -q -b feature
declare_topic "$P.added" 2
commit "add a topic"

BIN="$WORK/bin"
mkdir -p "$BIN"
ln -s "$RECONCILE_BIN" "$BIN/reconcile"
cat >"$BIN/gh" <<'SH'
#!/usr/bin/env bash
# stands in for the GitHub CLI: records the call and the comment body
echo "gh $*" >>"$GH_LOG"
[ "$1 $2" = "pr comment" ] && cp plan.md "$GH_LOG.body"
exit 0
SH
chmod +x "$BIN/gh"
export GH_LOG="$WORK/gh.log" PATH="$BIN:$PATH"

ctx() { # ctx EVENT SHA
  python3 -c 'import json, sys; print(json.dumps({
    "github.event_name": sys.argv[1], "github.base_ref": "main", "github.sha": sys.argv[2],
    "github.event.pull_request.number": "42", "github.token": "test-token",
    "secrets.KAFKA_USER": "", "secrets.KAFKA_PASSWORD": "", "secrets.GRAFANA_TOKEN": "",
    "vars.RECONCILE_IMAGE": ""}))' "$1" "$2"
}
RUNWF="$RECONCILE_SRC/tests/tools/run_workflow.py"

run python3 "$RUNWF" "$GH" plan "$(ctx pull_request "$(git -C "$REPO" rev-parse HEAD)")" "$REPO"
expect_rc 0 "the pull-request job succeeds"
expect_out "step: Validate: exit 0" "validate ran"
expect_out "step: Plan: exit 0" "plan ran (changes pending is not a failure)"
expect_out "step: Comment the plan on the pull request: exit 0" "the comment step ran"
check "the plan was posted as a comment on PR 42" grep -q "^gh pr comment 42 --body-file plan.md" "$GH_LOG"
check "the comment names the added topic" grep -q "$P.added" "$GH_LOG.body"
check "the comment is markdown with a details block" grep -q "<details>" "$GH_LOG.body"
consistently "the pull request created nothing" missing partitions_of "$P.added"

run python3 "$RUNWF" "$GH" apply "$(ctx pull_request x)" "$REPO"
expect_out "job: apply: skipped" "the apply job does not run on pull requests"

# merge, then the push job applies exactly the merged commit
git -C "$REPO" checkout -q main
git -C "$REPO" merge -q --no-ff feature -m "merge feature"
merged=$(git -C "$REPO" rev-parse HEAD)
declare_topic "$P.uncommitted" 1 # the working tree must not matter
run python3 "$RUNWF" "$GH" apply "$(ctx push "$merged")" "$REPO"
expect_rc 0 "the push job succeeds"
expect_out "step: Apply the merged commit: exit 0" "apply ran"
expect_out "step: Render alert rules and dashboards: exit 0" "render ran"
expect_out "step: Publish dashboards and reload Prometheus: exit 0" "publish ran"
eventually "the merged topic exists" 2 partitions_of "$P.added"
consistently "the uncommitted declaration was not applied" missing partitions_of "$P.uncommitted"
check "rules were rendered" test -s "$REPO/rendered/it/rules/topics.rules.yml"
run python3 "$RUNWF" "$GH" apply "$(ctx push "$merged")" "$REPO"
expect_rc 0 "re-running the push job converges"

finish
