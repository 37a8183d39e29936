"""The Python tests' running stack, as tests/testing/dev_stack.sh is the shell tests'.

    from dev_stack import DevStack, generate_protos
    generate_protos(src_dir, work_dir)        # casework.v1 *_pb2 importable from work_dir
    with DevStack(bin_dir, "--demo", "--demo-children", "60") as stack:
        stack.addr("ehc")                     # "127.0.0.1:PORT", each service on a free port
        stack.env["CASEWORK_MANAGER_TOKEN"]   # everything tokens.env and metrics.env export
        stack.restart("--today", "2027-01-29")  # same data and ports, cleanly stopped first

casework-dev runs with its data in a temporary directory, removed at the end; the stack is
stopped as Ctrl-C stops it when the block ends (then killed, children first, if it hangs), and
killed if the interpreter exits any other way. Failing to start raises StackError with the tail
of its output.
"""
import atexit
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


class StackError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate_protos(src_dir, out_dir):
    """Python code for proto/casework/v1 in out_dir, which is put on sys.path."""
    os.makedirs(out_dir, exist_ok=True)
    protos = sorted(glob.glob(os.path.join(src_dir, "proto/casework/v1/*.proto")))
    subprocess.run(["protoc", "-I", os.path.join(src_dir, "proto"), "--python_out=" + out_dir]
                   + protos, check=True)
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)


def _exports(path):
    """The `export NAME=value` lines of a tokens.env or metrics.env."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("export ") and "=" in line:
                name, value = line[len("export "):].strip().split("=", 1)
                out[name] = value
    return out


class DevStack:
    def __init__(self, bin_dir, *flags):
        self.bin_dir = os.path.abspath(bin_dir)
        self.work = tempfile.mkdtemp(prefix="casework-stack-")
        self.ports = {}
        catalogue = subprocess.run([os.path.join(self.bin_dir, "casework-dev"),
                                    "--print-catalogue"], check=True, capture_output=True,
                                   text=True).stdout.split("\n")
        self.process = None
        self.env = {}
        self.runs = 0
        atexit.register(self._kill)
        # A port chosen free may be taken by another test before casework-dev binds it: then
        # again with new ports.
        for attempt in range(3):
            self._port_args = []
            for row in filter(None, catalogue):
                name, _, _, _, _, flag, env = row.split()
                port = free_port()
                self.ports[flag] = port
                self._port_args += [f"--{flag}-port", str(port)]
            for extra in ("web", "oidc"):
                self.ports[extra] = free_port()
                self._port_args += [f"--{extra}-port", str(self.ports[extra])]
            try:
                self._start(flags)
                break
            except StackError as err:
                if "(in use?)" not in str(err) or attempt == 2:
                    raise

    def addr(self, flag):
        """The address of a service by its flag name (ehc, reviews, projection, ...)."""
        return f"127.0.0.1:{self.ports[flag]}"

    def _start(self, flags):
        self.runs += 1
        self.out = os.path.join(self.work, f"dev-{self.runs}.out")
        self.err = os.path.join(self.work, f"dev-{self.runs}.err")
        with open(self.out, "w") as out, open(self.err, "w") as err:
            self.process = subprocess.Popen(
                [os.path.join(self.bin_dir, "casework-dev"), "--data-dir",
                 os.path.join(self.work, "var")] + self._port_args + list(flags),
                stdout=out, stderr=err, start_new_session=True)
        while True:
            with open(self.out, encoding="utf-8", errors="replace") as f:
                if "Ctrl-C stops" in f.read():
                    break
            if self.process.poll() is not None:
                raise StackError(f"casework-dev exited {self.process.returncode} while "
                                 f"starting:\n{self._tail()}")
            time.sleep(0.2)
        var = os.path.join(self.work, "var")
        self.env = {**_exports(os.path.join(var, "tokens.env")),
                    **_exports(os.path.join(var, "metrics.env"))}

    def _tail(self):
        with open(self.err, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-20:])

    def stop(self):
        """Stops the stack as Ctrl-C does; its exit status (0: stopped cleanly)."""
        if self.process is None:
            return 0
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._kill()
            code = -9
        self.process = None
        return code

    def restart(self, *flags):
        """Stops the stack (it must stop cleanly) and starts it on the same data and ports."""
        code = self.stop()
        if code != 0:
            raise StackError(f"casework-dev did not stop cleanly (exit {code}):\n{self._tail()}")
        self._start(flags)

    def _kill(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # its children share the group
            self.process.wait()
        self.process = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            self._kill()
            shutil.rmtree(self.work, ignore_errors=True)
        return False
