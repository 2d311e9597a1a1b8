#!/usr/bin/python3
"""on_tty.py COMMAND...: runs COMMAND with stdout and stderr on a new
pseudo-terminal and copies everything it writes there to our stdout,
until it exits; exits with its status. Unlike script(1) it does not read
our stdin, so a test run with stdin at end of file (CI) cannot end the
session before the command's output has been copied."""
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = sys.stdout.buffer
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:  # EIO: the command closed the terminal (it ended)
        break
    if not data:
        break
    out.write(data)
out.flush()
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
