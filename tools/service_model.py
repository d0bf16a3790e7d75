"""What the generators (tools/gen_*.py) share: the botocore service model of AWS Organizations,
and writing a generated file, or with --check only saying whether the committed one is stale."""
import gzip
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_PATH = os.path.join("data", "organizations", "2016-11-28", "service-2.json.gz")


def load_model():
    """(the service model as JSON, botocore's version)."""
    import botocore  # imported here so --help works without it

    path = os.path.join(os.path.dirname(botocore.__file__), MODEL_PATH)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f), botocore.__version__


def write(path, text, check, generator):
    """Writes `text` to `path` unless it is there already. With `check`, writes nothing and says
    which file is stale and how to regenerate it. True when the file is (now) up to date."""
    try:
        with open(path, encoding="utf-8") as f:
            current = f.read()
    except FileNotFoundError:
        current = None
    if current == text:
        return True
    if check:
        print("stale: %s does not match the service model; regenerate it with "
              "`python3 tools/%s` and commit the result" % (os.path.relpath(path, ROOT), generator))
        return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote " + os.path.relpath(path, ROOT))
    return True
