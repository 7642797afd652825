"""`garden init`: the scaffolded garden builds, its garden.toml lists every setting, its
workflow is the official GitHub Pages flow, and nothing that exists is overwritten."""
from __future__ import annotations

import dataclasses
import re
import tomllib

import yaml
from conftest import run_garden

from garden import init
from garden.config import Config, _apply


def settings(cfg) -> dict:
    return {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg) if not f.metadata.get("internal")}


def read(text: str) -> Config:
    cfg = Config()
    _apply(cfg, tomllib.loads(text), "garden.toml", text)
    return cfg


def uncommented(text: str) -> str:
    """The scaffold with every commented-out `# key = value` setting line switched on."""
    return re.sub(r"(?m)^# (\w+ = )", r"\1", text)


def test_scaffolded_toml_parses_to_the_defaults():
    text = init.config_toml()
    assert settings(read(text)) == settings(Config())
    assert settings(read(uncommented(text))) == settings(Config())


def test_scaffolded_toml_names_every_setting():
    data = tomllib.loads(uncommented(init.config_toml()))
    for f in dataclasses.fields(Config):
        if f.metadata.get("internal"):
            continue
        assert f.name in data, f"garden.toml scaffold lacks '{f.name}'"
        value = getattr(Config(), f.name)
        if dataclasses.is_dataclass(value):
            missing = {g.name for g in dataclasses.fields(value)} - set(data[f.name])
            assert not missing, f"garden.toml scaffold lacks {f.name}.{sorted(missing)}"


def test_scaffolded_toml_round_trips_changed_settings():
    cfg = Config(title='Notes "from" the shed', base_url="https://me.github.io/shed/", ignore=["drafts/**"],
                 mounts={"img/user": "../pictures"}, cname="shed.example.org")
    cfg.display.toc = False
    cfg.dates.created = True
    cfg.ui.backlinks = "Verweise hierher"
    text = init.config_toml(cfg)
    assert settings(read(text)) == settings(cfg)
    assert 'backlinks = "Verweise hierher"' in text.splitlines()  # a changed UI text is switched on
    assert '# no_backlinks = "No other page links here."' in text.splitlines()


def test_init_writes_a_garden_that_builds_without_warnings(tmp_path):
    r = run_garden("init", tmp_path / "mine")
    assert r.returncode == 0, r.stderr
    root = tmp_path / "mine"
    for rel in ("garden.toml", "content/Welcome.md", "content/Writing notes.md", ".gitignore",
                ".github/workflows/pages.yml"):
        assert (root / rel).is_file(), rel
        assert rel in r.stdout
    welcome = (root / "content" / "Welcome.md").read_text()
    assert welcome.startswith('---\n{"dg-publish":true,"dg-home":true,"permalink":"/","title":')
    assert ".garden-cache/" in (root / ".gitignore").read_text()
    assert "/build/" in (root / ".gitignore").read_text().splitlines()

    r = run_garden("build", "--strict", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "0 warnings, 0 errors" in r.stderr
    home = (root / "build" / "index.html").read_text()
    assert "<h1 class=\"note-title\">Welcome to your garden</h1>" in home
    assert 'href="writing-notes/#frontmatter"' in home
    assert (root / "build" / "writing-notes" / "index.html").is_file()
    assert "stays out of the site" not in home  # the %% comment %%


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "garden.toml").write_text('title = "Keep me"\n')
    (tmp_path / "content" / "Welcome.md").write_text("my own welcome")
    r = run_garden("init", cwd=tmp_path)
    assert r.returncode == 1
    assert "nothing was written" in r.stderr
    assert "  garden.toml\n" in r.stderr and "  content/Welcome.md\n" in r.stderr
    assert "Writing notes.md" not in r.stderr  # only the files in the way are listed
    assert (tmp_path / "garden.toml").read_text() == 'title = "Keep me"\n'
    assert (tmp_path / "content" / "Welcome.md").read_text() == "my own welcome"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["Welcome.md", "content", "garden.toml"]
    assert "Traceback" not in r.stderr


def test_init_into_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    r = run_garden("init", tmp_path / "f")
    assert r.returncode == 1 and "is a file, not a folder" in r.stderr


def test_workflow_is_the_official_pages_flow():
    flow = yaml.safe_load(init.workflow("site", "trunk", check=True))
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["push"]["branches"] == ["trunk"]
    assert "workflow_dispatch" in on
    assert flow["env"]["GARDEN_PACKAGE"] == "garden"
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["group"] == "pages"

    build = flow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in build]
    assert uses[:3] == ["actions/checkout", "actions/setup-python", "actions/configure-pages"]
    assert build[0]["with"]["fetch-depth"] == 0
    assert build[1]["with"]["cache"] == "pip"
    pages = build[2]
    runs = [s["run"] for s in build if "run" in s]
    assert runs[0] == 'pip install "$GARDEN_PACKAGE"'
    assert runs[1] == "garden check"
    assert runs[2] == 'garden build --base-url "${{ steps.%s.outputs.base_url }}/"' % pages["id"]
    upload = build[-1]
    assert upload["uses"].startswith("actions/upload-pages-artifact@") and upload["with"]["path"] == "site"

    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    step = deploy["steps"][0]
    assert step["uses"].startswith("actions/deploy-pages@")
    assert deploy["environment"]["url"] == "${{ steps.%s.outputs.page_url }}" % step["id"]


def test_workflow_runs_check_only_when_garden_has_it():
    assert "garden check" not in init.workflow(check=False)
    steps = yaml.safe_load(init.workflow())["jobs"]["build"]["steps"]
    assert any(s.get("run") == "garden check" for s in steps) == init.check_available()


def test_scaffolded_workflow_is_written_for_the_current_branch(tmp_path):
    import subprocess
    subprocess.run(["git", "init", "-q", "-b", "notes", str(tmp_path)], check=True)
    assert run_garden("init", tmp_path).returncode == 0
    flow = yaml.safe_load((tmp_path / ".github" / "workflows" / "pages.yml").read_text())
    assert flow.get("on", flow.get(True))["push"]["branches"] == ["notes"]
    assert flow["jobs"]["build"]["steps"][-1]["with"]["path"] == "build"
