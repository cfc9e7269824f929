"""Chinese help and messages: wrapping by display width, pydantic/click messages translated."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from baozufang_cli.cli.zh import cells, translate, wrap_text


def test_cells_counts_chinese_as_two() -> None:
    assert cells("套数ab") == 6


@given(st.text(alphabet="保障性租赁住房，。、 ab-c/d", max_size=200), st.integers(20, 100))
def test_wrapped_lines_fit_and_keep_every_character(text: str, width: int) -> None:
    wrapped = wrap_text(text, width, "  ", "  ")
    lines = wrapped.splitlines()
    assert all(cells(line) <= width for line in lines)
    assert "".join(wrapped.split()) == "".join(text.split())


def test_ascii_words_and_chinese_punctuation() -> None:
    text = "台账目录（含 targets.yaml、criteria.yaml、projects/）；默认 ./data，或环境变量 BZF_DATA"
    lines = wrap_text(text, 30).splitlines()
    assert all(not line.startswith(("，", "；", "、", "）")) for line in lines)
    assert any("targets.yaml" in line for line in lines) and any("criteria.yaml" in line for line in lines)


def test_pydantic_messages_are_translated() -> None:
    assert translate("Invalid value for '--units': Input should be greater than or equal to 1") == (
        "'--units' 的值无效：应不小于 1"
    )
    assert translate("Input should be a valid integer, unable to parse string as an integer") == "应为整数"


# what a user typed comes back in click's own messages (an unknown option, a bad value, a command
# name): pasted with an ESC sequence or a bidi override, it must reach the terminal written out
_PASTED = ["\x1b]0;标题\x07", "\x1b[2J", "\u202e", "\u2066", "\u2028", "\x85", "\x9b31m"]


def _shown(result: object) -> str:
    return getattr(result, "output", "") + (getattr(result, "stderr", "") or "")


def test_click_usage_errors_never_echo_control_characters() -> None:
    from baozufang_cli.ledger.characters import UNSAFE
    from tests.conftest import run

    for pasted in _PASTED:
        for args in (
            ["status", "--data", "data", f"--bogus{pasted}x"],  # no such option
            ["status", "--data", "data", "--as-of", f"2024{pasted}"],  # bad value
            ["status", "--data", "data", "--format", f"json{pasted}"],  # not a choice
            [f"stat{pasted}"],  # no such command
            ["gap", "--data", "data", "--year", f"x{pasted}"],  # not a number
        ):
            result = run(*args)
            assert result.exit_code == 2, (args, _shown(result))
            shown = _shown(result)
            assert "bzf：" in shown
            assert UNSAFE.search(shown) is None, (args, shown)
            if pasted.strip():  # (a value may be stripped of U+2028 or NEL as white space)
                assert "\\x" in shown or "\\u" in shown, (args, shown)  # written out, not dropped


def test_a_missing_choice_argument_lists_the_choices_in_chinese() -> None:
    from tests.conftest import run

    result = run("export")
    assert result.exit_code == 2
    assert "bzf：错误：缺少参数 'FORMAT'，可选：xlsx、csv、html、pdf、sqlite" in result.stderr
    assert "Choose" not in result.stderr
