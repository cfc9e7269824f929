"""Properties of the edit path over random hand-written project files with comments.

* any single ``bzf set`` changes exactly the intended line (or inserts exactly one line);
* ``bzf fmt`` is idempotent, keeps every comment and the file's meaning, and orders keys.

The generator writes files the way people do: comments at the end of lines and on lines of
their own, quoted and plain names, ``~``/empty/``null`` nulls, flow or block milestones,
2- or 4-space mappings, list items flush with their key or indented.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from baozufang_cli.edit.fmt import format_file
from baozufang_cli.ledger import yamlread
from baozufang_cli.models import Project
from tests.conftest import make_ledger, run

SEQUENCE = ["立项", "施工许可", "开工", "主体封顶", "竣工验收", "交付使用"]  # new_build in tests/data/base
WORDS = "观山湖南明人才公寓甲乙丙丁一二三"
NULLS = ["null", "~", ""]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Milestone:
    name: str
    planned: date
    actual: date | None
    null_actual: str | None  # how a missing actual date is written: None = key omitted


@dataclass
class File:
    lines: list[str] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)  # top-level key → its line index
    data: dict[str, Any] = field(default_factory=dict)  # what the file means (dates as ISO text)
    milestones: list[Milestone] = field(default_factory=list)
    milestone_lines: dict[str, int] = field(
        default_factory=dict
    )  # name → line of the item (flow) or "- name:" line
    flow: bool = True
    leased_line: int | None = None
    leased: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


comments = st.one_of(st.none(), st.text(alphabet=WORDS + " abc", min_size=1, max_size=8).map(str.strip))
names = st.text(alphabet=WORDS, min_size=1, max_size=8)


def with_comment(code: str, comment: str | None, gap: int) -> str:
    return f"{code}{' ' * gap}# {comment}" if comment else code


def quoted(text: str, style: int) -> str:
    return [text, f'"{text}"', f"'{text}'"][style]


@st.composite
def project_files(draw: st.DrawFn, shuffle: bool = False) -> File:
    file = File()
    indent = draw(st.sampled_from([2, 4]))
    offset = draw(st.sampled_from([0, 2]))
    file.flow = draw(st.booleans())
    units = draw(st.integers(10, 5000))
    entries: list[tuple[str, list[str], Any]] = []  # key, its lines (first is the key line), meaning

    def scalar(key: str, text: str, value: Any) -> None:
        entries.append(
            (key, [with_comment(f"{key}: {text}", draw(comments), draw(st.integers(1, 4)))], value)
        )

    name = draw(names)
    scalar("id", "A-1", "A-1")
    scalar("name", quoted(name, draw(st.integers(0, 2))), name)
    scalar("district", draw(st.sampled_from(["观山湖区", "观山湖", "南明"])), None)
    scalar("supply_type", draw(st.sampled_from(["new_build", "新建"])), None)
    scalar("units", str(units), units)
    scalar("plan_year", str(draw(st.integers(2021, 2025))), None)
    if draw(st.booleans()):
        scalar("tags", "[人才租赁住房]", ["人才租赁住房"])
    if draw(st.booleans()):
        unit = draw(names)
        scalar("responsible_unit", unit, unit)
    if draw(st.booleans()):
        scalar("small_units", str(draw(st.integers(0, units))), None)

    present = [n for n in SEQUENCE if n == "开工" or draw(st.booleans())]
    done = draw(st.integers(0, len(present)))
    day = date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 300)))
    block: list[str] = []
    pad = " " * offset
    for i, milestone_name in enumerate(present):
        day += timedelta(days=draw(st.integers(1, 200)))
        actual = day + timedelta(days=draw(st.integers(0, 20))) if i < done else None
        if actual is not None:
            day = actual
        null_actual = None if actual is not None else draw(st.sampled_from([None, "null", "~"]))
        milestone = Milestone(milestone_name, day - timedelta(days=5), actual, null_actual)
        file.milestones.append(milestone)
        parts = [f"name: {milestone_name}", f"planned: {milestone.planned}"]
        if actual is not None or null_actual is not None:
            parts.append(f"actual: {actual if actual is not None else null_actual}")
        comment = draw(comments)
        if file.flow:
            block.append(with_comment(f"{pad}- {{{', '.join(parts)}}}", comment, 2))
        else:
            block.append(with_comment(f"{pad}- {parts[0]}", comment, 2))
            block += [f"{pad}  {part}" for part in parts[1:]]
        file.milestone_lines[milestone_name] = len(block) - 1 if file.flow else len(block) - len(parts)
    entries.append(("milestones", ["milestones:", *block], None))

    if draw(st.booleans()):
        leased = file.leased = draw(st.integers(0, units))
        entries.append(("operations", ["operations:", with_comment(f"{' ' * indent}leased_units: {leased}", draw(comments), 3)], None))  # fmt: skip
    if draw(st.booleans()):
        # spelled in every way people type a date; bzf fmt writes them all as 2024-06-28
        scalar("updated", draw(st.sampled_from(["2024-06-28", "'2024-06-28'", '"2024-06-28"', "2024/6/28", "2024年6月28日"])), None)  # fmt: skip
    if draw(st.booleans()):
        scalar("note", draw(st.sampled_from(NULLS)), None)

    if shuffle:
        entries = draw(st.permutations(entries))
    file.lines += [f"# {draw(names)}" for _ in range(draw(st.integers(0, 2)))]
    for key, lines, _ in entries:
        if draw(st.integers(0, 4)) == 0:
            file.lines.append(f"# {draw(names)}")  # a comment line that introduces the next key
        file.keys[key] = len(file.lines)
        if key == "milestones":
            file.milestone_lines = {n: i + len(file.lines) + 1 for n, i in file.milestone_lines.items()}
        if key == "operations":
            file.leased_line = len(file.lines) + 1
        file.lines += lines
    file.data = {key: value for key, _, value in entries if value is not None}
    return file


def ledger_with(file: File) -> tuple[Path, Path, tempfile.TemporaryDirectory[str]]:
    folder = tempfile.TemporaryDirectory()
    root = make_ledger(Path(folder.name) / "ledger", "base")
    path = root / "projects" / "A-1.yaml"
    path.write_text(file.text, encoding="utf-8")
    return root, path, folder


def single_change(before: str, after: str) -> tuple[str, int, int, list[str]]:
    """The one change between two texts: (kind, first old line, old line count, new lines)."""
    old, new = before.split("\n"), after.split("\n")
    changes = [
        op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"
    ]
    assert len(changes) == 1, changes
    kind, i1, i2, j1, j2 = changes[0]
    return kind, i1, i2 - i1, new[j1:j2]


def comment_of(line: str) -> str | None:
    return line.split("# ", 1)[1] if "# " in line else None


def value_of(line: str) -> Any:
    return yamlread.load(line.split(" #", 1)[0].strip().removeprefix("- "))


# ------------------------------------------------------------------ bzf set


@SETTINGS
@given(file=project_files(), units=st.integers(5000, 100_000))
def test_setting_units_changes_exactly_that_line(file: File, units: int) -> None:
    assume(units != file.data["units"])
    root, path, folder = ledger_with(file)
    with folder:
        assert run("set", "A-1", "units", str(units), "--data", root).exit_code == 0
        kind, line, count, new = single_change(file.text, path.read_text(encoding="utf-8"))
        old = file.lines[file.keys["units"]]
        assert (kind, line, count, len(new)) == ("replace", file.keys["units"], 1, 1)
        assert value_of(new[0]) == {"units": units}
        assert comment_of(new[0]) == comment_of(old)


@SETTINGS
@given(file=project_files(), unit=st.text(alphabet=WORDS, min_size=1, max_size=10))
def test_setting_a_text_field_replaces_or_inserts_one_line(file: File, unit: str) -> None:
    assume(file.data.get("responsible_unit") != unit)
    root, path, folder = ledger_with(file)
    with folder:
        assert run("set", "A-1", "responsible_unit", unit, "--data", root).exit_code == 0
        kind, line, count, new = single_change(file.text, path.read_text(encoding="utf-8"))
        assert value_of(new[0]) == {"responsible_unit": unit}
        if "responsible_unit" in file.keys:
            assert (kind, line, count, len(new)) == ("replace", file.keys["responsible_unit"], 1, 1)
            assert comment_of(new[0]) == comment_of(file.lines[file.keys["responsible_unit"]])
        else:
            order = list(Project.model_fields)
            before = max(
                (k for k in file.keys if order.index(k) < order.index("responsible_unit")),
                key=file.keys.__getitem__,
            )
            assert (kind, line, count, new) == (
                "insert",
                file.keys[before] + 1,
                0,
                [f"responsible_unit: {unit}"],
            )


@SETTINGS
@given(file=project_files(), which=st.integers(0, 5), shift=st.integers(-400, 400))
def test_setting_a_planned_date_changes_exactly_that_milestone_line(
    file: File, which: int, shift: int
) -> None:
    milestone = file.milestones[which % len(file.milestones)]
    planned = milestone.planned + timedelta(days=shift or 1)
    root, path, folder = ledger_with(file)
    with folder:
        assert run("set", "A-1", milestone.name, "--planned", str(planned), "--data", root).exit_code == 0
        kind, line, count, new = single_change(file.text, path.read_text(encoding="utf-8"))
        item_line = file.milestone_lines[milestone.name]
        old = file.lines[item_line if file.flow else item_line + 1]
        assert (kind, count, len(new)) == ("replace", 1, 1)
        if file.flow:
            assert line == item_line
            assert value_of(new[0]) == value_of(old) | {"planned": str(planned)}
        else:
            assert line == item_line + 1 and value_of(new[0]) == {"planned": str(planned)}
        assert comment_of(new[0]) == comment_of(old)


@SETTINGS
@given(file=project_files(), later=st.integers(0, 60))
def test_filling_in_the_next_actual_date_changes_or_adds_exactly_one_line(file: File, later: int) -> None:
    pending = [m for m in file.milestones if m.actual is None]
    if not pending:
        return
    milestone = pending[0]
    done = [m.actual for m in file.milestones if m.actual is not None]
    actual = max([*done, milestone.planned]) + timedelta(days=later)
    root, path, folder = ledger_with(file)
    with folder:
        result = run("set", "A-1", milestone.name, "--actual", str(actual), "--data", root)
        assert result.exit_code == 0, result.output
        kind, line, count, new = single_change(file.text, path.read_text(encoding="utf-8"))
        item_line = file.milestone_lines[milestone.name]
        assert value_of(new[0]) == (
            value_of(file.lines[item_line]) | {"actual": str(actual)}
            if file.flow
            else {"actual": str(actual)}
        )
        if file.flow:
            assert (kind, line, count) == ("replace", item_line, 1)
        elif milestone.null_actual is None:
            assert (kind, line, count, len(new)) == ("insert", item_line + 2, 0, 1)  # after "planned:"
        else:
            assert (kind, line, count, len(new)) == ("replace", item_line + 2, 1, 1)


@SETTINGS
@given(file=project_files(), leased=st.integers(0, 10))
def test_setting_a_nested_field_changes_exactly_that_line(file: File, leased: int) -> None:
    assume(leased != file.leased)
    root, path, folder = ledger_with(file)
    with folder:
        assert run("set", "A-1", "operations.leased_units", str(leased), "--data", root).exit_code == 0
        kind, line, count, new = single_change(file.text, path.read_text(encoding="utf-8"))
        if file.leased_line is not None:
            assert (kind, line, count, len(new)) == ("replace", file.leased_line, 1, 1)
            assert comment_of(new[0]) == comment_of(file.lines[file.leased_line])
            assert value_of(new[0]) == {"leased_units": leased}
        else:
            assert (kind, count) == ("insert", 0)
            assert [line.strip() for line in new] == ["operations:", f"leased_units: {leased}"]


# ------------------------------------------------------------------ bzf fmt


@SETTINGS
@given(file=project_files(shuffle=True))
def test_fmt_is_idempotent_and_keeps_meaning_comments_and_schema_order(file: File) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "A-1.yaml"
        path.write_text(file.text, encoding="utf-8")
        format_file(path, "A-1.yaml", check=False, fix_encoding=False)
        once = path.read_text(encoding="utf-8")
        assert not format_file(path, "A-1.yaml", check=True, fix_encoding=False).changed
        format_file(path, "A-1.yaml", check=False, fix_encoding=False)
        assert path.read_text(encoding="utf-8") == once

    meaning = yamlread.load(file.text)
    meaning |= {"updated": "2024-06-28"} if "updated" in meaning else {}
    assert yamlread.load(once) == meaning
    keys = list(yamlread.load(once))
    order = list(Project.model_fields)
    assert keys == sorted(keys, key=order.index)
    assert sorted(filter(None, map(comment_of, once.split("\n")))) == sorted(
        filter(None, map(comment_of, file.lines))
    )
    assert all(line == line.rstrip() for line in once.split("\n"))
