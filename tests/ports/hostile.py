"""A hostile port for the fuzz command's tests: the reference, misbehaving as argv[1] says.

crash: raises at once; hang: reads nothing, prints nothing; too-few / too-many:
one line less or more; exit: right output, then status 5; stderr: writes to
standard error and prints a terminal escape; child: leaves a child holding
standard output, otherwise faithful; no-reset: faithful but refuses the reset
line.
"""

from __future__ import annotations

import subprocess
import sys
import time

from invoicecore.replay import replay

mode = sys.argv[1]
if mode == "crash":
    raise RuntimeError("the port crashed at once")
if mode == "hang":
    time.sleep(3600)
if mode == "child":
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # holds stdout
script = [line.rstrip(b"\n") for line in sys.stdin.buffer if line.strip()]
if mode == "no-reset":
    script = [b"{}" if line == b'{"reset": true}' else line for line in script]
out = list(replay(script))
if mode == "too-few":
    out = out[:-1]
if mode == "too-many":
    out.append('{"status": 200, "body": []}')
if mode == "stderr":
    sys.stderr.write("port: something went wrong\n")
    out = [line.replace('"status": 200', '"status": 201\x1b[31m') for line in out]
sys.stdout.write("".join(line + "\n" for line in out))
sys.stdout.flush()
sys.exit(5 if mode == "exit" else 0)
