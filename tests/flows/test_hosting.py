"""The hosting files name the right commands: the Pages workflow, the Prefect project file and
the CI script.

They are only parsed (no runner, no Prefect server): the workflow must build with
`kvmstatus run --config` and deploy the directory it built; `prefect.yaml` must be valid for
Prefect 3 and point at the flow that exists in `flows/`, with parameters the flow accepts;
none of them may name a place on one machine.
"""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

# PyYAML comes with Prefect (and MkDocs); imported this way it needs no type stubs.
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
PREFECT_YAML = ROOT / "prefect.yaml"
CI = ROOT / ".ci" / "run"

# Five fields of numbers, names, `*`, ranges, lists and steps (what GitHub's cron accepts).
CRON = re.compile(r"^[0-9A-Za-z*/,-]+( [0-9A-Za-z*/,-]+){4}$")


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a mapping"
    return data


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return load(WORKFLOW)


@pytest.fixture(scope="module")
def project() -> dict[Any, Any]:
    return load(PREFECT_YAML)


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses(workflow: dict[Any, Any], action: str) -> list[dict[str, Any]]:
    """The steps (of any job) that use `action`, at whatever version."""
    return [s for s in steps(workflow) if str(s.get("uses", "")).split("@")[0] == action]


def commands(workflow: dict[Any, Any]) -> list[list[str]]:
    """Every shell command the workflow runs, split into words."""
    return [
        shlex.split(line)
        for step in steps(workflow)
        for line in str(step.get("run", "")).splitlines()
        if line.strip()
    ]


def test_workflow_runs_on_a_schedule_and_by_hand(workflow: dict[Any, Any]) -> None:
    # YAML 1.1 reads the bare key `on` as the boolean true.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    assert "workflow_dispatch" in triggers
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons
    for cron in crons:
        assert CRON.match(cron), cron
        assert cron.split()[1] == "*/6"  # every six hours


def test_workflow_builds_with_kvmstatus_run_and_deploys_what_it_built(
    workflow: dict[Any, Any],
) -> None:
    runs = [argv for argv in commands(workflow) if argv[:2] == ["kvmstatus", "run"]]
    assert len(runs) == 1
    argv = runs[0]
    assert "--config" in argv
    assert argv[argv.index("--config") + 1].endswith(".toml")
    out = argv[argv.index("--out") + 1]

    [upload] = uses(workflow, "actions/upload-pages-artifact")
    assert upload["with"]["path"].rstrip("/") == out.rstrip("/")
    assert uses(workflow, "actions/deploy-pages")
    assert ["python", "-m", "pip", "install", "."] in commands(workflow)
    [python] = uses(workflow, "actions/setup-python")
    assert str(python["with"]["python-version"]) == "3.11"


def test_workflow_keeps_the_clone_and_the_data_between_runs(workflow: dict[Any, Any]) -> None:
    [cache] = uses(workflow, "actions/cache")
    paths = cache["with"]["path"].split()
    assert "~/.cache/kvmstatus" in paths
    assert "data" in paths
    assert cache["with"]["restore-keys"].strip()  # each run saves a new entry, restores the last


def test_workflow_has_the_pages_permissions_and_one_run_at_a_time(
    workflow: dict[Any, Any],
) -> None:
    [deploy] = [
        job
        for job in workflow["jobs"].values()
        if uses({"jobs": {"deploy": job}}, "actions/deploy-pages")
    ]
    granted = {**workflow.get("permissions", {}), **deploy.get("permissions", {})}
    assert granted["pages"] == "write"
    assert granted["id-token"] == "write"
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_prefect_yaml_is_valid_for_prefect(project: dict[Any, Any]) -> None:
    models = pytest.importorskip("prefect.cli.deploy._models")
    # The model `prefect deploy` validates the file with (it ignores unknown keys, so the
    # keys are checked here as well).
    models.PrefectYamlModel.model_validate(project)
    assert set(project) <= {"name", "prefect-version", "build", "push", "pull", "deployments"}
    assert project["name"]
    assert project["prefect-version"]
    [step] = project["pull"]
    assert set(step) == {"prefect.deployments.steps.set_working_directory"}
    assert step["prefect.deployments.steps.set_working_directory"]["directory"]


def test_prefect_deployment_runs_the_flow_every_six_hours(project: dict[Any, Any]) -> None:
    [deployment] = project["deployments"]
    assert deployment["name"] == "kvmstatus-publish"
    assert deployment["entrypoint"] == "flows/kvmstatus_flows/publish.py:publish"
    assert deployment["work_pool"]["name"] == "kvmstatus"
    assert deployment["parameters"] == {"config": "kvmstatus.toml"}
    [schedule] = deployment["schedules"]
    assert schedule["cron"] == "0 */6 * * *"
    assert CRON.match(schedule["cron"])
    schedules = pytest.importorskip("prefect.client.schemas.schedules")
    # Prefect's own schedule model rejects a cron it cannot run.
    schedules.CronSchedule(cron=schedule["cron"], timezone=schedule.get("timezone"))


def test_prefect_entrypoint_exists_and_takes_the_parameters(project: dict[Any, Any]) -> None:
    [deployment] = project["deployments"]
    path, _, function = deployment["entrypoint"].partition(":")
    source = ROOT / path
    assert source.is_file(), f"{path} (the deployment's entrypoint) does not exist"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    found = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
    ]
    assert found, f"{path} defines no top-level `def {function}`"
    args = found[0].args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    assert set(deployment["parameters"]) <= names


# An absolute path: a slash that does not continue a name, a `~`, a variable or a `*/6`.
ABSOLUTE = re.compile(r"(?<![\w.~$})*-])/[\w.-]+(?:/[\w.-]*)*")


@pytest.mark.parametrize("path", [CI, WORKFLOW, PREFECT_YAML], ids=lambda p: p.name)
def test_hosting_files_name_no_place_on_one_machine(path: Path) -> None:
    # The shared data, for one, is ../shared/data or KVMSTATUS_SHARED_DATA, as in the tests.
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    commands = [line for line in lines if not line.lstrip().startswith("#")]
    named = {p for line in commands for p in ABSOLUTE.findall(line)}
    assert named <= {"/dev/null"}, f"{path.relative_to(ROOT)} names {sorted(named)}"


def test_ci_installs_fresh_and_runs_the_readme_test_command() -> None:
    commands = [
        shlex.split(line)
        for line in CI.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert ["python3", "-m", "venv", ".venv"] in commands
    assert commands[-1] == ["python", "-m", "pytest"]
