import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_collection_modifyitems(items):
    """The slow tests first (in their order), so that under pytest-xdist the run does not end
    with one worker still busy on a long test while the other waits."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session):
    """What collection imported (Flask, the frameworks, libcst, the test modules) lives until the
    end: kept out of the cyclic collector's reach, each full collection scans only what tests make."""
    gc.collect()
    gc.freeze()
