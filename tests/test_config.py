import pytest

from checker.config import CheckConfig, RelationConfig
from checker.errors import ConfigError


def test_round_trip(tmp_path):
    cfg = CheckConfig(relations=RelationConfig(entail_threshold=0.6))
    cfg.save(tmp_path / "c.toml")
    assert CheckConfig.load(tmp_path / "c.toml") == cfg


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[nli]\nmodle = 'x'\n", "unknown key(s) ['modle'] in [nli]"),
        ("[nope]\nx = 1\n", "unknown section [nope]"),
        ("[nli\n", "not valid TOML"),
        (
            "[relations]\ncontra_combine = 'sum'\n",
            "contra_combine = 'sum'; expected one of ['mean', 'max', 'one_way']",
        ),
        ("[embed]\nprecision = 'bf16'\n", "precision = 'bf16'; expected one of"),
    ],
)
def test_bad_config_names_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(
        ConfigError,
        match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(").replace(")", r"\)"),
    ):
        CheckConfig.load(path)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        CheckConfig.load(tmp_path / "absent.toml")


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        CheckConfig().nli.batch_size = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("section", "kwargs", "message"),
    [
        ("RelationConfig", {"contra_combine": "median"}, "contra_combine = 'median'; expected one of"),
        ("NLIConfig", {"backend": "gpu"}, "backend = 'gpu'; expected one of ['auto', 'torch', 'onnx']"),
        ("IngestConfig", {"on_error": "ignore"}, "on_error = 'ignore'"),
    ],
)
def test_choices_are_checked_when_a_section_is_built_not_only_from_toml(section, kwargs, message):
    import checker.config as config

    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        getattr(config, section)(**kwargs)
