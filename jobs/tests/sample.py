"""Jobs used by the tests (registered when imported)."""

from jobs.runner import background

CALLS = []


@background("测试任务")
def record_call(value: int) -> int:
    CALLS.append(value)
    return value * 2


FAILURES = {"left": 0}


@background("会失败的测试任务", max_attempts=3)
def flaky(value: int) -> int:
    CALLS.append(value)
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise ValueError("连接失败：联系电话 13912345678")
    return value
