"""S13: static analysis, dependencies and secrets, run by `make test` (quality.md S13).

bandit over the code, pip-audit over the pinned requirements (with expiring waivers), a secret
scan of the repository against a reviewed baseline, and the project's own semgrep rules
(.semgrep/), each rule proved to fire on a bad sample. The four tools start at once in a
module fixture, so the module costs about as long as the slowest (bandit, ~12 s).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from config import REDIS_TRANSPORT_OPTIONS

pytestmark = pytest.mark.database_independent
REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLES = REPO / "tests" / "static_samples"
WAIVERS = REPO / "security" / "pip-audit-waivers.toml"
CODE = ["tacenter", "worker", "config.py"]
WAIVER_MAX_DAYS = 30


def semgrep_binary() -> str | None:
    """semgrep lives in its own venv (`make semgrep`): its pins clash with the app's (click)."""
    for candidate in (os.environ.get("SEMGREP"), REPO / ".venv-semgrep" / "bin" / "semgrep"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return shutil.which("semgrep")


def semgrep_command(*targets: str) -> list[str]:
    return [semgrep_binary(), "scan", "--config", str(REPO / ".semgrep"), "--metrics", "off",
            "--disable-version-check", "--json", *targets]  # fmt: skip


def live_waivers(today: datetime.date | None = None, path: Path = WAIVERS) -> list[str]:
    """The vulnerability ids waived today; raises if a waiver expired or lasts over 30 days."""
    today = today or datetime.date.today()
    ids = []
    for waiver in tomllib.loads(path.read_text()).get("waiver", []):
        added, expires = waiver["added"], waiver["expires"]
        if not waiver.get("reason", "").strip():
            raise ValueError(f"waiver {waiver['id']} gives no reason")
        if (expires - added).days > WAIVER_MAX_DAYS:
            raise ValueError(
                f"waiver {waiver['id']} lasts {(expires - added).days} days (max {WAIVER_MAX_DAYS})"
            )
        if expires < today:
            raise ValueError(f"waiver {waiver['id']} expired on {expires}: fix, upgrade or review it again")
        ids.append(waiver["id"])
    return ids


def advisory_service_reachable() -> bool:
    """pip-audit's default service is PyPI's per-release JSON (its `vulnerabilities` field)."""
    try:
        with urllib.request.urlopen("https://pypi.org/pypi/flask/3.1.3/json", timeout=5) as response:
            return "vulnerabilities" in json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _start(command: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start every tool at once; each test waits for the one it reads."""
    tmp = tmp_path_factory.mktemp("static")
    samples = tmp / "samples"  # outside the repository: semgrep skips tests/ in a git tree
    shutil.copytree(SAMPLES, samples)
    baseline = tmp / "secrets.baseline"  # the hook rewrites line numbers in the file it is given
    shutil.copy(REPO / ".secrets.baseline", baseline)
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    procs = {
        "bandit": _start([str(BIN / "bandit"), "-q", "-r", *CODE, "-ll", "-f", "json"]),
        "secrets": _start(
            [str(BIN / "detect-secrets-hook"), "--baseline", str(baseline), *files.stdout.split()]
        ),  # fmt: skip
    }
    if semgrep_binary():  # one run over the code and the samples: semgrep's start-up is most of it
        procs["semgrep"] = _start(
            semgrep_command("tacenter", "worker", "templates", "config.py", str(samples))
        )
    results = {name: proc.communicate(timeout=240) + (proc.returncode,) for name, proc in procs.items()}
    results["samples"] = str(samples)
    yield results


def test_bandit_reports_nothing_of_medium_or_high_severity(runs):
    out, err, _ = runs["bandit"]
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
                for r in json.loads(out)["results"]]  # fmt: skip
    assert findings == []


def test_every_nosec_names_its_check_and_gives_a_reason():
    bare = []
    for path in [REPO / "config.py", *(REPO / "tacenter").rglob("*.py"), *(REPO / "worker").rglob("*.py")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "nosec" in line and not re.search(r"#\s*nosec B\d+(,\s*B\d+)*\s+#\s*\S.{8,}", line):
                bare.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert bare == [], "write `# nosec B123 # why it is safe here`"


def test_the_secret_scan_finds_nothing_new(runs):
    out, err, code = runs["secrets"]
    assert code == 0, out + err


def test_the_secret_scan_catches_a_planted_key(tmp_path):
    planted = tmp_path / "settings.py"
    planted.write_text('AWS_ACCESS_KEY_ID = "AKIAZ7QH3RXPLM2WKD5N"\nsmtp_password = "Tr0ub4dor-and-3-more"\n')
    baseline = tmp_path / "baseline"
    shutil.copy(REPO / ".secrets.baseline", baseline)
    result = subprocess.run([str(BIN / "detect-secrets-hook"), "--baseline", str(baseline), str(planted)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 1 and "AWS Access Key" in result.stdout and "Secret Keyword" in result.stdout


def _semgrep(runs, *, samples: bool) -> list[tuple[str, int, str]]:
    if "semgrep" not in runs:
        pytest.skip("semgrep is not installed: `make semgrep` (its own venv, .venv-semgrep)")
    out, err, _ = runs["semgrep"]
    report = json.loads(out)
    assert report["errors"] == [], report["errors"]
    return [
        (Path(r["path"]).name if samples else r["path"], r["start"]["line"], r["check_id"].rsplit(".", 1)[-1])
        for r in report["results"]
        if r["path"].startswith(runs["samples"]) == samples
    ]


def test_each_semgrep_rule_fires_on_its_bad_sample_and_nowhere_else_in_the_samples(runs):
    expected = set()
    for sample in SAMPLES.iterdir():
        for number, line in enumerate(sample.read_text().splitlines(), 1):
            for rule in re.findall(r"expect: ([\w-]+)", line):
                expected.add((sample.name, number, rule))
    # Template samples cannot carry a comment on the line: the one bad line is the title.
    expected.add(("bad_template.html", 2, "tacenter-safe-filter-on-model-data"))
    found = set(_semgrep(runs, samples=True))
    rules = {rule["id"] for rule in _rules()}
    assert {rule for _, _, rule in expected} == rules, "every rule needs a bad sample"
    assert found == expected


def test_semgrep_finds_none_of_the_footguns_in_the_code(runs):
    assert _semgrep(runs, samples=False) == []


def _rules() -> list[dict]:
    import yaml

    return [
        rule
        for path in (REPO / ".semgrep").glob("*.yml")
        for rule in yaml.safe_load(path.read_text())["rules"]
    ]


def test_the_countdown_rule_uses_the_brokers_visibility_timeout():
    (rule,) = [r for r in _rules() if r["id"] == "tacenter-celery-countdown-over-visibility-timeout"]
    comparison = rule["patterns"][1]["metavariable-comparison"]["comparison"]
    assert comparison == f"$N > {REDIS_TRANSPORT_OPTIONS['visibility_timeout']}"


def test_pip_audit_finds_no_known_vulnerability_in_the_pinned_requirements(tmp_path):
    if not advisory_service_reachable():
        if os.environ.get("PIP_AUDIT_REQUIRED"):
            pytest.fail("PyPI's advisory API is unreachable and PIP_AUDIT_REQUIRED is set")
        pytest.skip("blocked: PyPI's per-release JSON (pip-audit's advisory source) is unreachable here")
    ignores = [arg for vuln in live_waivers() for arg in ("--ignore-vuln", vuln)]
    result = subprocess.run(
        [str(BIN / "pip-audit"), "--strict", "--no-deps", "--disable-pip", "--progress-spinner", "off",
         "-r", str(REPO / "constraints.txt"), *ignores],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_waivers_in_force_are_current():
    assert isinstance(live_waivers(), list)


def test_an_expired_or_overlong_waiver_fails(tmp_path):
    waivers = tmp_path / "waivers.toml"
    waivers.write_text(
        '[[waiver]]\nid = "PYSEC-0000-1"\npackage = "x"\nadded = 2026-01-01\nexpires = 2026-01-20\n'
        'reason = "not reachable from our code"\n'
    )
    assert live_waivers(datetime.date(2026, 1, 20), waivers) == ["PYSEC-0000-1"]
    with pytest.raises(ValueError, match="expired"):
        live_waivers(datetime.date(2026, 1, 21), waivers)
    waivers.write_text(waivers.read_text().replace("2026-01-20", "2026-02-15"))
    with pytest.raises(ValueError, match="lasts 45 days"):
        live_waivers(datetime.date(2026, 1, 2), waivers)


def test_bandit_b310_the_oauth2_token_url_is_https_or_loopback_only():
    """What bandit's B310 caught: urlopen on the configured token URL would follow file: URLs."""
    from tacenter.mailin.fetch import token_url

    assert token_url("https://login.microsoftonline.com/t/oauth2/v2.0/token").startswith("https://")
    assert token_url("http://127.0.0.1:8080/token") == "http://127.0.0.1:8080/token"
    for url in ("file:///etc/passwd", "ftp://idp.example/token", "http://idp.example/token"):
        with pytest.raises(ValueError, match="https"):
            token_url(url)
