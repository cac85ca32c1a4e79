"""pipeline.outdir: --out never deletes what effikg did not write, and a build folder is
replaced as a whole (old build or new build, never a mix, even after kill -9)."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.build import BuildError, run_build
from pipeline.outdir import MANIFEST, OutDirError, commit, prepare, read_owned, scratch_folder

ABSTRACT = (
    "We present QuickKV, a KV cache compression method for LLM serving on NVIDIA H100 GPUs. "
    "QuickKV reduces KV cache memory by 4.2x and improves throughput by 35% over vLLM."
)


def _fake_build(plan, generation: int, n_files: int = 12) -> list[str]:
    """Write a build of `n_files` files through the real scratch folder and commit."""
    with scratch_folder(plan) as scratch:
        for i in range(n_files):
            path = scratch / ("papers" if i % 2 else "neo4j") / f"f{i}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"generation {generation} file {i}\n", encoding="utf-8")
        (scratch / "effikg.ttl").write_text(f"generation {generation}\n", encoding="utf-8")
        return commit(plan, scratch, "test")


def _generations(out: Path) -> set[str]:
    """The generation each file of the build in `out` says it is of (one, unless mixed)."""
    owned = read_owned(out, force=True)
    assert owned, f"no build in {out}"
    assert {p for p in owned if not (out / p).is_file()} == set(), "the manifest names missing files"
    return {(out / p).read_text(encoding="utf-8").split(" file")[0].strip() for p in owned}


@contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """A folder nobody may write into: chmod for a user, the immutable flag for root."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
    elif shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        pass
    else:
        pytest.skip("running as root without chattr: no way to make a folder read-only")
    try:
        yield
    finally:
        if os.geteuid() != 0:
            folder.chmod(0o755)
        else:
            subprocess.run(["chattr", "-i", str(folder)], check=True)


# --------------------------------------------------------------------------- the user's files


def test_outdir_refuses_a_non_empty_folder_without_a_build(tmp_path: Path) -> None:
    out = tmp_path / "o"
    (out / "papers").mkdir(parents=True)
    (out / "papers" / "thesis.pdf").write_bytes(b"x\n")
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"abstract": ABSTRACT}) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"o: holds files but no effikg build; .* pass --force"):
        run_build([src], out)
    assert (out / "papers" / "thesis.pdf").read_bytes() == b"x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "one.jsonl"]


def test_outdir_keeps_the_users_files_and_drops_only_its_own_stale_ones(tmp_path: Path) -> None:
    out = tmp_path / "o"
    (out / "papers").mkdir(parents=True)
    thesis = out / "papers" / "thesis.pdf"
    thesis.write_bytes(b"x\n")
    with pytest.raises(OutDirError):
        prepare(out)
    _fake_build(prepare(out, force=True), 1, n_files=12)
    assert thesis.read_bytes() == b"x\n"
    inode = thesis.stat().st_ino
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    (out / "empty-of-mine").mkdir()
    (out / "papers" / "f11.html").write_text("edited by hand\n", encoding="utf-8")  # stale next time, but changed

    _fake_build(prepare(out), 2, n_files=6)  # a build now: no --force needed
    assert thesis.read_bytes() == b"x\n" and thesis.stat().st_ino == inode  # the very same file
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert (out / "empty-of-mine").is_dir()
    assert (out / "papers" / "f11.html").read_text(encoding="utf-8") == "edited by hand\n"
    assert not (out / "papers" / "f9.html").exists()  # stale, unchanged: removed
    assert _generations(out) == {"generation 2"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("in_place", [False, True], ids=["swap", "in-place"])
def test_outdir_keep_leaves_the_files_of_exports_not_written_in_the_build(tmp_path: Path, in_place: bool) -> None:
    """`effikg build --export ttl` after a full build: neo4j/ and papers/ stay, unchanged
    and still the build's; a file under `keep` that was edited becomes the user's."""
    out = tmp_path / "o"
    _fake_build(prepare(out), 1, n_files=6)
    inode = (out / "neo4j" / "f0.html").stat().st_ino
    (out / "papers" / "f5.html").write_text("edited by hand\n", encoding="utf-8")
    plan = dataclasses.replace(prepare(out), in_place=in_place)
    with scratch_folder(plan) as scratch:
        (scratch / "effikg.ttl").write_text("generation 2\n", encoding="utf-8")
        commit(plan, scratch, "test", keep=("neo4j/", "papers/"))
    owned = read_owned(out)
    assert set(owned) == {"effikg.ttl", "neo4j/f0.html", "neo4j/f2.html", "neo4j/f4.html",
                          "papers/f1.html", "papers/f3.html"}
    assert (out / "neo4j" / "f0.html").stat().st_ino == inode
    assert (out / "papers" / "f5.html").read_text(encoding="utf-8") == "edited by hand\n"
    assert (out / "effikg.ttl").read_text(encoding="utf-8") == "generation 2\n"
    _fake_build(prepare(out), 3, n_files=2)  # writes neo4j/ and papers/ again: the rest is stale
    assert set(read_owned(out)) == {"effikg.ttl", "neo4j/f0.html", "papers/f1.html"}
    assert sorted(p.name for p in (out / "papers").iterdir()) == ["f1.html", "f5.html"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_outdir_a_file_where_the_build_needs_a_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "o"
    _fake_build(prepare(out), 1)
    shutil.rmtree(out / "neo4j")
    (out / "neo4j").write_text("a file of mine\n", encoding="utf-8")
    with pytest.raises(OutDirError, match="a file of yours stands where the build writes a folder"):
        _fake_build(prepare(out), 2)
    assert (out / "neo4j").read_text(encoding="utf-8") == "a file of mine\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_outdir_build_cli_keeps_thesis_pdf(tmp_path: Path) -> None:
    """The reported case: `mkdir -p o/papers && echo x > o/papers/thesis.pdf && effikg build ... --out o`."""
    from click.testing import CliRunner

    from pipeline.cli import main

    out = tmp_path / "o"
    (out / "papers").mkdir(parents=True)
    (out / "papers" / "thesis.pdf").write_bytes(b"x\n")
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"abstract": ABSTRACT}) + "\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["build", str(src), "--out", str(out)])
    assert refused.exit_code == 1 and "--force" in refused.output and "Traceback" not in refused.output
    for args in (["--force"], []):  # forced the first time; a build folder after that
        result = CliRunner().invoke(main, ["build", str(src), "--out", str(out), *args])
        assert result.exit_code == 0, result.output
        assert (out / "papers" / "thesis.pdf").read_bytes() == b"x\n"
        assert (out / "effikg.ttl").is_file() and (out / MANIFEST).is_file()


# --------------------------------------------------------------------------- all or nothing


def test_outdir_read_only_sub_folder_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    out = tmp_path / "o"
    _fake_build(prepare(out), 1)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with _read_only(out / "papers"):
        with pytest.raises(OutDirError, match=r"papers: a read-only folder inside the output folder"):
            _fake_build(prepare(out), 2)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_outdir_full_disk_leaves_the_old_build(tmp_path: Path) -> None:
    """A real build that runs out of room (a file-size limit: writes fail with EFBIG)."""
    out = tmp_path / "o"
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"abstract": ABSTRACT}) + "\n", encoding="utf-8")
    _fake_build(prepare(out), 1)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    script = textwrap.dedent("""
        import resource, signal, sys
        from pathlib import Path
        from pipeline.build import BuildError, run_build
        from pipeline.nlp import extract
        from pipeline.records import Paper
        list(extract([Paper(id="warm", abstract="We propose A.")]))  # load the model first
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8000, 8000))
        try:
            run_build([Path(sys.argv[1])], Path(sys.argv[2]))
        except BuildError as err:
            print(err)
            sys.exit(3)
    """)
    result = subprocess.run([sys.executable, "-c", script, str(src), str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "cannot write the build (File too large)" in result.stdout
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


_COMMIT_LOOP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pipeline.outdir import commit, prepare, scratch_folder
    out, start = Path(sys.argv[1]), int(sys.argv[2])
    for generation in range(start, start + 1000):
        plan = prepare(out)
        with scratch_folder(plan) as scratch:
            for i in range(150 + generation % 7):
                path = scratch / f"d{i % 5}" / f"f{i}.html"
                path.parent.mkdir(exist_ok=True)
                path.write_text(f"generation {generation} file {i}\\n")
            (scratch / "effikg.ttl").write_text(f"generation {generation}\\n")
            commit(plan, scratch, "test")
        print(generation, flush=True)
""")


def _kill_while_committing(out: Path, trials: int, check_before_recovery: bool) -> None:
    rng = random.Random(13)
    start = 1
    for _ in range(trials):
        proc = subprocess.Popen([sys.executable, "-c", _COMMIT_LOOP, str(out), str(start)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        proc.stdout.readline()  # a first commit done: the process is in its loop
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        start += 1000
        assert (out / "mine.txt").read_text(encoding="utf-8") == "mine\n"
        if check_before_recovery:
            assert len(_generations(out)) == 1, "the folder mixes two builds"
        prepare(out)  # what the next build does first: finish or clear what was left
        assert len(_generations(out)) == 1, "the folder mixes two builds"
        assert (out / "mine.txt").read_text(encoding="utf-8") == "mine\n"
        leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
        leftovers += [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != MANIFEST]
        assert leftovers == []


@pytest.mark.slow
def test_outdir_kill_9_at_any_moment_leaves_one_whole_build(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "mine.txt").write_text("mine\n", encoding="utf-8")
    _fake_build(prepare(out, force=True), 0)
    _kill_while_committing(out, trials=13, check_before_recovery=True)


@pytest.mark.slow
def test_outdir_in_place_commit_after_kill_9_is_completed_by_the_next_build(tmp_path: Path) -> None:
    """A parent folder that cannot be written: the build is moved in entry by entry from
    a journal, and the next build finishes an interrupted one."""
    parent = tmp_path / "locked"
    out = parent / "o"
    out.mkdir(parents=True)
    (out / "mine.txt").write_text("mine\n", encoding="utf-8")
    _fake_build(prepare(out, force=True), 0)
    with _read_only(parent):
        assert prepare(out).in_place
        _kill_while_committing(out, trials=8, check_before_recovery=False)


def test_outdir_cross_device_output_folder_works(tmp_path: Path) -> None:
    """--out through a symlink to another filesystem (as a mount point is): the scratch
    goes beside the real folder, not beside the link (which gave 'Invalid cross-device link')."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second filesystem (/dev/shm) to put the output folder on")
    target = shm / f"effikg-test-{os.getpid()}-{random.randrange(10**9)}"
    target.mkdir()
    try:
        link = tmp_path / "o"
        link.symlink_to(target)
        _fake_build(prepare(link), 1)
        _fake_build(prepare(link), 2)
        assert link.is_symlink() and _generations(link) == {"generation 2"}
        assert not [p for p in shm.iterdir() if p.name.startswith(f".{target.name}")]
    finally:
        shutil.rmtree(target, ignore_errors=True)


@pytest.mark.slow
def test_outdir_mount_point_works(tmp_path: Path) -> None:
    """An output folder that is a mount point (a tmpfs, in a private mount namespace)."""
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is not installed")
    out = tmp_path / "mnt"
    out.mkdir()
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"abstract": ABSTRACT}) + "\n", encoding="utf-8")
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from pipeline.build import run_build
        from pipeline.outdir import prepare
        out = Path(sys.argv[1])
        for _ in range(2):  # the second replaces the first, inside the mount point
            run_build([Path(sys.argv[2])], out)
        print(prepare(out).in_place, sorted(p.name for p in out.iterdir()))
    """)
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.decode().strip()}")
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs tmpfs "$1" && exec "$2" -c "$3" "$1" "$4"', "sh",
         str(out), sys.executable, script, str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    in_place, names = result.stdout.split(" ", 1)
    assert in_place == "True"
    assert "'effikg.ttl'" in names and "'.effikg-manifest.json'" in names
    assert ".effikg-commit" not in names and ".effikg-scratch" not in names
