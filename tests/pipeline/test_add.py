"""``cqkg add``: one article in, one checked source folder out, or one line and exit 2."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.model import InputError
from graph.pipeline import add as add_mod
from graph.pipeline import ingest
from graph.pipeline.add import add, language_by_opencc, read_input, source_id
from graph.pipeline.sources import DEFAULT_ROOT, load_source, load_sources
from graph.text import to_hans

SEED = DEFAULT_ROOT / "hualong-2024-10-12-cq-internet-report-2023" / "raw.txt"
# Our own short article (not a third-party text), in both scripts.
HANT = "重慶發布數字經濟報告\n\n截至2023年底,全市累計建成5G基站7.3萬個,網民規模達2400萬人。\n"
HANS = to_hans(HANT)


def _cli(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, ["add", *args], input=stdin)
    return res.exit_code, res.stdout, res.stderr


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_add_writes_raw_bytes_verbatim_and_a_loadable_manifest(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_bytes(HANT.encode())
    code, out, err = _cli(str(src), "--publisher", "測試報", "--date", "2024-03-01",
                          "--sources", str(tmp_path / "corpus"))  # fmt: skip
    assert code == 0, err
    sha = hashlib.sha256(HANT.encode()).hexdigest()
    sid = f"ce-shi-bao-2024-03-01-{sha[:8]}"
    folder = tmp_path / "corpus" / sid
    assert out.startswith(f"added {folder}/: ")
    assert (folder / "raw.txt").read_bytes() == HANT.encode()
    doc = load_source(folder)
    assert (doc.id, doc.sha256, doc.publisher, doc.date) == (sid, sha, "測試報", "2024-03-01")
    assert doc.title == "重慶發布數字經濟報告" and doc.language == "zh-Hant"
    assert "# language: detected zh-Hant" in (folder / "source.toml").read_text(encoding="utf-8")
    assert _files(tmp_path / "corpus") == [sid, f"{sid}/raw.txt", f"{sid}/source.toml"]


def test_id_is_content_derived_and_deterministic(tmp_path: Path) -> None:
    a = add(HANT.encode(), "a", publisher="測試報", date="2024-03-01", sources_dir=tmp_path / "1")
    b = add(HANT.encode(), "b", publisher="測試報", date="2024-03-01", sources_dir=tmp_path / "2")
    c = add(HANS.encode(), "c", publisher="測試報", date="2024-03-01", sources_dir=tmp_path / "2")
    assert a.id == b.id == source_id("測試報", "2024-03-01", a.sha256)
    assert c.id != a.id and c.id.startswith("ce-shi-bao-2024-03-01-")
    assert (tmp_path / "1" / a.id / "source.toml").read_bytes() == (
        tmp_path / "2" / b.id / "source.toml"
    ).read_bytes()


@pytest.mark.parametrize(("text", "lang"), [(HANT, "zh-Hant"), (HANS, "zh-Hans")])
def test_language_detected_by_opencc(tmp_path: Path, text: str, lang: str) -> None:
    assert language_by_opencc(text)[0] == lang
    added = add(text.encode(), "x", publisher="p", date="2024-03-01", sources_dir=tmp_path)
    assert load_source(added.path).language == lang
    given = add((text + "。").encode(), "x", publisher="p", date="2024-03-01",
                sources_dir=tmp_path, language="zh")  # fmt: skip
    assert load_source(given.path).language == "zh" and "given" in given.language_basis


def test_title_is_the_first_cleaned_line_and_can_be_given(tmp_path: Path) -> None:
    raw = "\n  \n重(zhòng)慶(qìng)發布\n正文,全市網民2400萬人。\n".encode()
    added = add(raw, "x", publisher="p", date="2024-03-01", sources_dir=tmp_path)
    assert added.title == "重慶發布"  # pinyin tags removed, as the graph shows it
    extra = {"title": "標題", "url": "https://example.org/a", "edition": "2023"}
    other = add(raw + b"\n", "x", publisher="p", date="2024-03-01", sources_dir=tmp_path,
                area="place/china", **extra)  # fmt: skip
    doc = load_source(other.path)
    assert (doc.title, doc.url, doc.edition, doc.area) == (
        "標題", "https://example.org/a", "2023", "place/china",
    )  # fmt: skip


def test_stdin_and_a_declared_encoding(tmp_path: Path) -> None:
    code, _, err = _cli("-", "--publisher", "p", "--date", "2024-03-01", "--encoding", "big5",
                          "--sources", str(tmp_path), stdin=HANT.encode("big5"))  # fmt: skip
    assert code == 0, err
    [doc] = load_sources(tmp_path)
    assert doc.raw_bytes == HANT.encode("big5") and doc.encoding == "big5"
    assert ingest.run(doc).text.startswith("重慶發布數字經濟報告")


REFUSALS = [
    # (bytes, extra options, message fragment)
    (b"\x00\x01binary\x00" * 20, [], "binary data at byte 0"),
    (b"", [], "empty (0 bytes)"),
    ("\u3000\u3000\n".encode(), [], "whitespace only"),
    (b"An English text, no Chinese at all.\n" * 5, [], "not a Chinese document"),
    (HANT.encode("gbk"), [], "not UTF-8 at byte 0"),
    (
        HANT.encode(),
        ["--encoding", "no-such-codec"],
        "unknown or unusable encoding 'no-such-codec'",
    ),
    (HANT.encode(), ["--date", ""], "--date is required"),
    (HANT.encode(), ["--date", "2024/03/01"], "--date '2024/03/01' is not a date"),
    (HANT.encode(), ["--date", "2024-02-30"], "not a valid calendar date"),
    (HANT.encode(), ["--publisher", ""], "--publisher is required"),
    (HANT.encode(), ["--edition", "23"], "--edition '23' is not a year"),
]


@pytest.mark.parametrize(("data", "extra", "message"), REFUSALS)
def test_refusals_are_one_line_exit_2_and_write_nothing(
    tmp_path: Path, data: bytes, extra: list[str], message: str
) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(data)
    corpus = tmp_path / "corpus"
    opts = {"--publisher": "p", "--date": "2024-03-01", "--sources": str(corpus)}
    for k, v in zip(extra[::2], extra[1::2], strict=True):
        opts[k] = v
    code, out, err = _cli(str(src), *[x for kv in opts.items() for x in kv])
    assert code == 2 and out == ""
    assert err.startswith(f"cqkg add: error: {src}: ") and message in err, err
    assert err.count("\n") == 1
    assert not corpus.exists() or _files(corpus) == []


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    code, _, err = _cli(str(tmp_path / "nope.txt"), "--publisher", "p", "--date", "2024-03-01")
    assert code == 2 and "nope.txt: no such file" in err
    code, _, err = _cli(str(tmp_path), "--publisher", "p", "--date", "2024-03-01")
    assert code == 2 and "not a regular file" in err


def test_stdin_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(add_mod, "DEFAULT_MAX_INPUT_BYTES", 8)
    with pytest.raises(InputError, match=r"^<stdin>: more than 8 bytes"):
        read_input("-", io.BytesIO(b"x" * 9))


def test_same_bytes_already_in_the_corpus_names_the_existing_id(tmp_path: Path) -> None:
    first = add(HANT.encode(), "a.txt", publisher="p", date="2024-03-01", sources_dir=tmp_path)
    before = _files(tmp_path)
    for publisher, date in [("p", "2024-03-01"), ("q", "2025-01-01")]:  # any id: same bytes
        with pytest.raises(InputError) as exc:
            add(HANT.encode(), "b.txt", publisher=publisher, date=date, sources_dir=tmp_path)
        assert str(exc.value) == f"b.txt: the same bytes are already in {tmp_path} as {first.id}"
        assert exc.value.exit_code == 2
    assert _files(tmp_path) == before


def test_a_failure_mid_write_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_rename(a: object, b: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(add_mod.os, "rename", broken_rename)
    with pytest.raises(InputError, match=r"^x: cannot write .*No space left"):
        add(HANT.encode(), "x", publisher="p", date="2024-03-01", sources_dir=tmp_path)
    assert os.listdir(tmp_path) == []  # neither the folder nor the hidden staging dir


def test_hidden_staging_dirs_are_not_sources(tmp_path: Path) -> None:
    add(HANT.encode(), "x", publisher="p", date="2024-03-01", sources_dir=tmp_path)
    (tmp_path / ".add-half-written").mkdir()
    assert len(load_sources(tmp_path)) == 1


def test_seed_added_under_its_derived_id_cleans_like_the_vendored_seed(tmp_path: Path) -> None:
    """A folder made by ``cqkg add`` without the vendored seed: same bytes, new id, same text
    (corrections follow content)."""
    added = add(SEED.read_bytes(), str(SEED), publisher="華龍網", date="2024-10-12",
                sources_dir=tmp_path)  # fmt: skip
    assert added.id == "hua-long-wang-2024-10-12-8cfe5794"
    assert added.title == "《重慶市互聯網發展報告(2023)》發布" and added.language == "zh-Hant"
    [doc] = load_sources(tmp_path)
    golden = (Path(__file__).parents[1] / "golden" / "cleaned.txt").read_text(encoding="utf-8")
    assert ingest.run(doc).text == golden


@pytest.mark.slow
def test_build_a_corpus_made_by_add_without_the_seed(tmp_path: Path) -> None:
    from graph.pipeline.run import run

    add(SEED.read_bytes(), "seed", publisher="華龍網", date="2024-10-12", sources_dir=tmp_path)
    result = run(out_dir=tmp_path / "build", sources_root=tmp_path)
    assert result.stats["sources"] == ["hua-long-wang-2024-10-12-8cfe5794"]
    assert result.stats["counts"]["observations"] == 91
    assert result.stats["cleaning_changes"]["mojibake"] == 5
