"""Per-file limits of the 年报体检: each file is read and checked in a child process (fork) that cannot map more
than GONGKAI_CHECKUP_READ_MEMORY_MB (RLIMIT_AS) and is killed after GONGKAI_CHECKUP_READ_SECONDS, so a
crafted file (millions of drawing operations, a decompression bomb inside a PDF, a pathological image) costs
seconds and never the worker or the command. The readers keep their own finer limits (the PDF reader's
child process, GONGKAI_FILE_TIME_BUDGET_SECONDS, the OCR tools' timeouts); this is the outer wall.

`check_limited(data, name)` returns the checkup's JSON contract like checkup.check_bytes, or a result with one
IMP-E02 saying why the file was not read ("无法在限定时间内读取…", "所需内存超过…")."""

from __future__ import annotations

import multiprocessing
import os
import time

from django.conf import settings

from .checkup import check_bytes
from .importers.importer import empty_result

MB = 1024 * 1024


def read_seconds() -> float:
    return float(getattr(settings, "GONGKAI_CHECKUP_READ_SECONDS", 120))


def read_memory_mb() -> int:
    return int(getattr(settings, "GONGKAI_CHECKUP_READ_MEMORY_MB", 2048))


def _child(connection, data: bytes, name: str, memory_mb: int, check) -> None:
    try:
        # lazy: Unix only; without it the child runs without the memory limit (except below)
        import resource

        with open("/proc/self/statm") as statm:  # what the forked interpreter has mapped already
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        limit = mapped + memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass
    try:
        result = check(data, name)
    except MemoryError:
        result = _failure(name, f"读取所需内存超过{memory_mb} MB，已停止，未能体检")
    except Exception as error:  # noqa: BLE001 - reported to the parent as the file's finding
        result = _failure(name, f"处理该文件时出错（{type(error).__name__}），未能体检")
    try:
        connection.send(result)
    except Exception:  # noqa: BLE001, S110 - a result that cannot be sent (memory): the parent reports it
        pass
    finally:
        connection.close()


def _failure(name: str, message: str) -> dict:
    return empty_result(name, [{"code": "IMP-E02", "severity": "error", "cells": [], "message": message, "where": ""}])


def check_limited(data: bytes, name: str, seconds: float | None = None, memory_mb: int | None = None,
                  check=check_bytes) -> dict:
    seconds = read_seconds() if seconds is None else seconds
    memory_mb = read_memory_mb() if memory_mb is None else memory_mb
    if seconds <= 0 or os.name != "posix":
        return check(data, name)  # limits switched off (GONGKAI_CHECKUP_READ_SECONDS=0)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, data, name, memory_mb, check), daemon=True)
    started = time.monotonic()
    process.start()
    send.close()
    result = None
    try:
        if receive.poll(seconds):
            try:
                result = receive.recv()
            except (EOFError, OSError):
                result = None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receive.close()
    if result is not None:
        return result
    if time.monotonic() - started >= seconds:
        return _failure(name, f"无法在限定时间内读取（限定{seconds:g}秒），已停止，未能体检；请检查文件是否异常，"
                              "或另存为 PDF/DOCX 后重试")
    return _failure(name, f"读取所需内存超过{memory_mb} MB 或读取进程异常退出，已停止，未能体检")
