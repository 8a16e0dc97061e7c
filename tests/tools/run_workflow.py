#!/usr/bin/env python3
"""Run the `run:` steps of one job of a GitHub Actions workflow locally, in order.

Used by tests/integration/test_pipelines.sh to prove that the shipped workflow's
commands work against a real repository and broker. It is not a GitHub Actions
emulator: `uses:` steps are skipped (the test prepares the checkout itself),
`${{ expr }}` is replaced from a context given as JSON, and `if:` supports the
forms the shipped workflow uses (always(), success() default, comparisons of
github.event_name).

usage: run_workflow.py WORKFLOW JOB CONTEXT_JSON WORKDIR
Prints one line per step ("step: NAME: exit N" or "step: NAME: skipped") and
exits non-zero if the job failed.
"""
import json
import os
import re
import subprocess
import sys

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(expr, ctx):
    expr = expr.strip()
    if expr in ctx:
        return ctx[expr]
    m = re.fullmatch(r"(\S+)\s*==\s*'([^']*)'", expr)
    if m:
        return "true" if ctx.get(m.group(1)) == m.group(2) else "false"
    if expr.startswith("secrets.") or expr.startswith("vars."):
        return ctx.get(expr, "")
    raise SystemExit(f"run_workflow: no value for expression '{expr}'")


def substitute(text, ctx):
    return EXPR.sub(lambda m: evaluate(m.group(1), ctx), str(text))


def condition(cond, ctx, failed):
    if cond is None:
        return not failed
    cond = str(cond).strip()
    if cond.startswith("${{"):
        cond = EXPR.sub(lambda m: m.group(1), cond)
    if cond == "always()":
        return True
    if cond == "failure()":
        return failed
    if cond == "success()":
        return not failed
    return evaluate(cond, ctx) == "true" and not failed


def main():
    workflow, job_name, ctx_json, workdir = sys.argv[1:5]
    ctx = json.loads(ctx_json)
    with open(workflow) as f:
        wf = yaml.safe_load(f)
    job = wf["jobs"][job_name]
    if "if" in job and not condition(job["if"], ctx, False):
        print(f"job: {job_name}: skipped")
        return 0
    job_env = {k: substitute(v, ctx) for k, v in (job.get("env") or {}).items()}
    output_file = os.path.join(workdir, ".github_output")
    open(output_file, "w").close()
    failed = False
    for step in job["steps"]:
        name = step.get("name") or step.get("uses") or step.get("run", "")[:40]
        if "uses" in step:
            print(f"step: {name}: uses (prepared by the test)")
            continue
        if not condition(step.get("if"), ctx, failed):
            print(f"step: {name}: skipped")
            continue
        env = dict(os.environ)
        env.update(job_env)
        env.update({k: substitute(v, ctx) for k, v in (step.get("env") or {}).items()})
        env["GITHUB_OUTPUT"] = output_file
        script = substitute(step["run"], ctx)
        # GitHub runs `bash -e {0}` for run steps
        rc = subprocess.run(["bash", "-e", "-c", script], cwd=workdir, env=env).returncode
        print(f"step: {name}: exit {rc}", flush=True)
        if rc != 0:
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
