"""`[publish] extra`: files every edition carries (a `CNAME`, a `.well-known/` file, an extra
page), on both publish targets; and the build directories a killed run left are cleared."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_history import fast_import_stream
from helpers import NEW_RELEASE, build_repo, git, run, summary, write_config

EXTRA = '[publish]\nextra = "site-extra"\n'


def _extra(folder: Path) -> Path:
    extra = folder / "site-extra"
    (extra / ".well-known").mkdir(parents=True)
    (extra / "CNAME").write_text("kvm-status.example.org\n")
    (extra / ".well-known" / "security.txt").write_text("Contact: mailto:kvm@example.org\n")
    (extra / "about.md").write_text("# About this mirror\n\nRun by the example team.\n")
    return extra


def test_extra_files_survive_every_edition(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    extra = _extra(tmp_path)
    config = write_config(tmp_path, repo)
    config.write_text(
        config.read_text().replace("[publish]\n", '[publish]\nextra = "site-extra"\n')
    )
    summary(capsys, "run", "--config", str(config))
    public = tmp_path / "public"
    assert (public / "CNAME").read_text() == "kvm-status.example.org\n"
    assert (public / ".well-known" / "security.txt").is_file()
    about = (public / "about.html").read_text()
    assert "Run by the example team." in about
    assert "md-header" in about  # built with the site's theme, not copied as text
    # A new release: a new edition, still carrying them.
    git(repo, "fast-import", "--quiet", input=NEW_RELEASE)
    assert "1 computed" in summary(capsys, "run", "--config", str(config))
    assert (public / "CNAME").read_text() == "kvm-status.example.org\n"
    # A change to the extra files alone is a new edition too.
    (extra / "CNAME").write_text("status.example.org\n")
    assert "site published to" in summary(capsys, "run", "--config", str(config))
    assert (public / "CNAME").read_text() == "status.example.org\n"


def test_extra_files_go_to_a_branch_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    _extra(tmp_path)
    remote = tmp_path / "pages.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    config = write_config(tmp_path, repo)
    config.write_text(
        config.read_text().replace(
            '[publish]\npath = "public"\n',
            f'[publish]\ntarget = "git"\nremote = "{remote}"\nextra = "site-extra"\n',
        )
    )
    summary(capsys, "run", "--config", str(config))
    assert git(remote, "show", "gh-pages:CNAME") == "kvm-status.example.org\n"
    assert "about.html" in git(remote, "ls-tree", "-r", "--name-only", "gh-pages")


def test_extra_file_may_not_replace_a_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    extra = _extra(tmp_path)
    (extra / "index.md").write_text("# Mine\n")
    config = write_config(tmp_path, repo)
    config.write_text(
        config.read_text().replace("[publish]\n", '[publish]\nextra = "site-extra"\n')
    )
    code, _, err = run(capsys, "run", "--config", str(config))
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"kvmstatus: error: publish.extra: {extra / 'index.md'} would replace the site's own "
        "index.md; rename it (nothing was published)"
    )
    assert not (tmp_path / "public").exists()


def test_missing_extra_directory_is_refused_before_computing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = write_config(tmp_path, repo)
    config.write_text(config.read_text().replace("[publish]\n", '[publish]\nextra = "nope"\n'))
    code, _, err = run(capsys, "run", "--config", str(config))
    assert code == 1
    assert err == f"kvmstatus: error: publish.extra: {tmp_path / 'nope'} is not a directory\n"
    assert not (tmp_path / "data" / "cache").exists()


def test_leftovers_of_a_killed_build_are_removed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = build_repo(tmp_path / "kernel.git", fast_import_stream())
    config = write_config(tmp_path, repo)
    summary(capsys, "run", "--config", str(config))
    dead = 2**22 + 1  # above the kernel's pid_max: no process has it
    (tmp_path / f".public.build-{dead}-abc" / "site").mkdir(parents=True)
    # Killed between its two renames: the previous site moved aside, the new one not in.
    (tmp_path / "public").rename(tmp_path / f".public.old-{dead}")
    git(repo, "fast-import", "--quiet", input=NEW_RELEASE)
    assert "site published to" in summary(capsys, "run", "--config", str(config))
    assert sorted(p.name for p in tmp_path.iterdir() if "public" in p.name) == ["public"]
