"""A zygote for python-novaclient (tests/src/realnova.rs, `Zygote`): it imports novaclient's
shell once, then for every request forks a child that runs the console script's own lines
(`$VENV/bin/nova`: `sys.argv[0] = ...; sys.exit(main())`) with the request's argv and
environment, its stdout and stderr in the files the request names and stdin on /dev/null, as
`Command::output` gives a new process. The child leaves the serving loop and the interpreter
ends it as it ends any script: SystemExit's code, a traceback and exit 1 for an uncaught
exception, atexit handlers, flushed streams.

Run by the venv's python with stdin/stdout as the channel, environment as the direct runs get
it (PATH, HOME; the OS_* come with each request). Protocol, one JSON object a line:
  -> {"ready": pid}                                    once the imports are done
  <- {"argv": [...], "env": {...}, "stdout": path, "stderr": path}
  -> {"status": waitstatus}                            os.waitpid's status of the child
"""

import json
import os
import sys

# What the console script imports, and what its main() always imports next (the v2 shell and
# client, keystoneauth's loading and plugins): import only, no code of novaclient is run here.
from novaclient.shell import main  # noqa: E402
import novaclient.v2.client  # noqa: F401,E402
import novaclient.v2.shell  # noqa: F401,E402
import keystoneauth1.identity.generic  # noqa: F401,E402
import keystoneauth1.loading  # noqa: F401,E402

SCRIPT = os.path.join(os.path.dirname(sys.executable), "nova")


def serve():
    """Answer requests; return (in a child only) the request it is to run."""
    requests = os.fdopen(os.dup(0), "r")
    replies = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    replies.write(json.dumps({"ready": os.getpid()}) + "\n")
    replies.flush()
    for line in requests:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            requests.close()
            replies.close()
            return request
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"status": status}) + "\n")
        replies.flush()
    sys.exit(0)


request = serve()
for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
    f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(f, fd)
    os.close(f)
os.environ.clear()
os.environ.update(request["env"])
sys.argv = [SCRIPT] + request["argv"]
# novaclient.shell's `def main(argv=sys.argv[1:])` takes its default when it is imported, which
# in a process of its own is after the interpreter set sys.argv: the same default here.
main.__defaults__ = (sys.argv[1:],)
# The console script's lines ($VENV/bin/nova).
sys.argv[0] = sys.argv[0].removesuffix(".exe")
sys.exit(main())
