import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_indonesian_catalogue_is_complete():
    spec = importlib.util.spec_from_file_location(
        "check_translations", ROOT / "scripts" / "check_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.problems() == []
