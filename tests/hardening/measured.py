"""Run a command and print, as JSON, its exit code, wall time, CPU time and peak RSS.

``python measured.py REPORT_FD ADDRESS_SPACE HANG_GUARD COMMAND...``: the command runs with its
address space capped at ADDRESS_SPACE bytes and is killed after HANG_GUARD seconds; its output
goes where this script's goes, the measurements to the file descriptor REPORT_FD.

The tests start this small process rather than the command itself: a child inherits its parent's
peak resident memory (Linux records the old address space's high-water mark when a forked child
executes the command), and a pytest process that has run other tests is large.
"""

import json
import os
import resource
import subprocess
import sys
import time


def main() -> None:
    report_fd, address_space, guard, *command = sys.argv[1:]

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (int(address_space), int(address_space)))

    start = time.perf_counter()
    child = subprocess.Popen(command, preexec_fn=cap)  # noqa: PLW1509 (no threads here)
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > float(guard):
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.005)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    peak_kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KiB on Linux
    with os.fdopen(int(report_fd), "w") as report:
        json.dump({"code": child.returncode, "seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                   "peak_mib": peak_kib / 1024}, report)


if __name__ == "__main__":
    main()
