#!/usr/bin/python3
"""A console socket for the guest suites (what an engine does with --console-socket).

Usage: console-receiver.py SOCKET OUT IN
Listens on SOCKET, takes the pty master the one connection carries (SCM_RIGHTS), appends what the terminal prints
to OUT and writes to the terminal whatever is appended to IN. Exits when the terminal hangs up (its container is
gone).
"""
import os
import select
import socket
import sys

path, out_path, in_path = sys.argv[1:4]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
conn, _ = server.accept()
_, fds, _, _ = socket.recv_fds(conn, 4096, 1)
conn.close()
server.close()
if len(fds) != 1:
    sys.exit("console-receiver: no descriptor came")
master = fds[0]
sent = 0
with open(out_path, "ab", buffering=0) as out:
    while True:
        readable, _, _ = select.select([master], [], [], 0.2)
        if readable:
            try:
                data = os.read(master, 4096)
            except OSError:
                break  # EIO: no process holds the terminal any more
            if not data:
                break
            out.write(data)
        try:
            with open(in_path, "rb") as pending_file:
                pending = pending_file.read()[sent:]
        except FileNotFoundError:
            pending = b""
        if pending:
            os.write(master, pending)
            sent += len(pending)
