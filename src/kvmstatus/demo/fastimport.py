"""The `git fast-import` stream writer the synthetic history is built with."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from kvmstatus.shared import gitrunner


class FastImport:
    """A `git fast-import` process fed incrementally; `get-mark` answers come back on a pipe."""

    def __init__(self, repo: Path) -> None:
        answers_r, answers_w = os.pipe()
        self.proc = gitrunner.spawn(
            [
                "-C",
                str(repo),
                "fast-import",
                "--quiet",
                f"--cat-blob-fd={answers_w}",
                # Trees of recently used branches stay in memory; the builder alternates
                # between master, the kvm tree and a handful of topics.
                "--active-branches=64",
            ],
            stdin=True,
            output=False,
            pass_fds=(answers_w,),
            bufsize=1 << 20,
        )
        os.close(answers_w)
        self._answers: IO[bytes] = os.fdopen(answers_r, "rb")
        assert self.proc.stdin is not None
        self._out: IO[bytes] = self.proc.stdin
        self.next_mark = 1

    def write(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except BrokenPipeError:
            raise SystemExit(f"git fast-import stopped (exit {self.proc.wait()})") from None

    def commit(
        self,
        ref: str,
        parents: Sequence[int],
        author: str,
        committer: str,
        message: str,
        ops: Sequence[str],
    ) -> int:
        mark = self.next_mark
        self.next_mark += 1
        msg = message.encode()
        head = f"commit {ref}\nmark :{mark}\nauthor {author}\ncommitter {committer}\n"
        links = "".join(f"{'from' if i == 0 else 'merge'} :{p}\n" for i, p in enumerate(parents))
        self.write(
            b"".join(
                (
                    head.encode(),
                    b"data %d\n" % len(msg),
                    msg,
                    b"\n",
                    links.encode(),
                    "".join(ops).encode(),
                    b"\n",
                )
            )
        )
        return mark

    def hashes(self, marks: Sequence[int]) -> list[str]:
        """The object ids of `marks`, in order (blocks until fast-import has caught up)."""
        out: list[str] = []
        # In chunks, so that neither pipe fills while the other side waits for us.
        for start in range(0, len(marks), 512):
            chunk = marks[start : start + 512]
            self.write("".join(f"get-mark :{m}\n" for m in chunk).encode())
            self._out.flush()
            for _ in chunk:
                line = self._answers.readline()
                if len(line) < 40:
                    raise SystemExit(f"git fast-import stopped (exit {self.proc.wait()})")
                out.append(line[:40].decode())
        return out

    def close(self) -> None:
        self._out.close()
        code = self.proc.wait()
        self._answers.close()
        if code:
            raise SystemExit(f"git fast-import failed (exit {code})")


def modify_line(path: str, content: str) -> str:
    return f"M 100644 inline {path}\ndata {len(content.encode())}\n{content}\n"


# --- The history model ------------------------------------------------------------------------
