"""The `gongkai` entry point reports a bad configuration in Chinese instead of a traceback."""

import os
import subprocess
import sys


def test_missing_secret_key_is_explained_without_a_traceback():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_"))}
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "check"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "GONGKAI_SECRET_KEY 未设置" in result.stderr and "Traceback" not in result.stderr
