"""Shell completion of district names, supply types and project ids (Typer's protocol).

The shell calls ``bzf`` with ``_BZF_COMPLETE=complete_bash`` (or ``complete_zsh``,
``complete_fish``) and the words typed so far; ``source_bash`` … prints the script to install
(docs/completion.md). The callbacks read only what they need from the ledger the command line
names (``--data``, ``BZF_DATA``, or the folder found from the current one): the districts of
targets.yaml, the supply types of criteria.yaml, the project file names under projects/ (a
project's id is its file name, ``bzf check`` sees to that) — nothing is validated or cached,
and any failure completes nothing rather than printing a traceback into the shell. This
module imports nothing heavy: the option declarations refer to it at every start.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

COMPLETE_VAR = "_BZF_COMPLETE"


def enable() -> None:
    """Register Typer's shell classes (the app is built with ``add_completion=False``, which
    keeps ``--install-completion`` out of every command's help but also leaves them out)."""
    from typer._completion_classes import completion_init

    completion_init()


def requested() -> bool:
    return bool(os.environ.get(COMPLETE_VAR))


def _root(ctx: Any) -> Path | None:
    """The ledger as ``runtime.ledger_root`` finds it (not imported: runtime imports the options,
    which refer to this module)."""
    data = ctx.params.get("data") if ctx is not None else None
    if isinstance(data, list | tuple):
        data = data[0] if data else None
    data = data or os.environ.get("BZF_DATA", "").split(os.pathsep)[0] or None
    if data:
        return Path(data) if Path(data).is_dir() else None
    for candidate in (Path("data"), Path(".")):
        if (candidate / "targets.yaml").is_file() or (candidate / "projects").is_dir():
            return candidate
    for folder in Path.cwd().parents:
        if all((folder / name).exists() for name in ("targets.yaml", "criteria.yaml", "projects")):
            return folder
    return None


def _config(ctx: Any, name: str) -> dict[str, Any]:
    from baozufang_cli.ledger.read import read_yaml

    root = _root(ctx)
    if root is None:
        return {}
    try:
        data, _text, _problems = read_yaml(root / name, name)
    except Exception:
        return {}
    return data if isinstance(data, dict) else {}


def _matching(pairs: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for value, help_text in pairs:
        if value.startswith(incomplete) and value not in seen:
            seen.add(value)
            out.append((value, help_text))
    return out


def _names(entries: Any, name_key: str, label_key: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get(name_key), str):
            continue
        main: str = entry[name_key]
        label = entry[label_key] if isinstance(entry.get(label_key), str) else main
        pairs.append((main, label))
        if label != main:
            pairs.append((label, main))
        aliases = entry.get("aliases")
        pairs += [(alias, label) for alias in aliases or [] if isinstance(alias, str)]
    return pairs


def districts(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """``-d``: official names and aliases of targets.yaml (the alias's help is its official name)."""
    return _matching(_names(_config(ctx, "targets.yaml").get("districts"), "name", "name"), incomplete)


def supply_types(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """``-t``: keys, labels and aliases of criteria.yaml (help: the label)."""
    return _matching(_names(_config(ctx, "criteria.yaml").get("supply_types"), "key", "label"), incomplete)


def project_ids(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """A PROJECT argument: the file names of projects/**/*.yaml (help: the folder, usually the district)."""
    root = _root(ctx)
    if root is None:
        return []
    pairs = []
    try:
        for path in sorted((root / "projects").rglob("*.y*ml")):
            relative = path.relative_to(root / "projects")
            if path.suffix in (".yaml", ".yml") and not any(p.startswith(".") for p in relative.parts):
                pairs.append((path.stem, relative.parent.as_posix() if relative.parent.parts else ""))
    except OSError:
        return []
    return _matching(pairs, incomplete)  # by prefix, as typed: Typer keeps only what starts with it
