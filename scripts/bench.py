#!/usr/bin/env python3
"""Run-time benchmark of `nova` (on demand; not part of the tests). Python 3 standard library,
curl, and cargo; python-novaclient and ../shared/realnova when they are there.

    python3 scripts/bench.py [--runs N] [--sizes 1000,5000,10000] [--no-build] [--no-realnova]
                             [--against OTHER-NOVA]

Every figure is whole-process: the median of N runs of each command, the commands alternating
(A B C A B C ...) so that the machine's drift hits all of them alike, with CPU time (user+sys)
from the kernel's rusage of each finished run, and peak RSS from three more runs of each
through GNU time (not timed: the wrapper's start-up would count). Printed as ratios against the
curl floor (one token POST plus one GET, and one GET with a token already held) and against
python-novaclient, on nova-sim and on real nova; `nova list` over 1k/5k/10k servers; the
incremental `cargo build` after a one-entry spec edit; the release binary's size.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REL = os.path.join(ROOT, "target", "release")


TIME = shutil.which("time") or ("/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None)
RSS_FILE = os.path.join(tempfile.gettempdir(), f"bench-rss-{os.getpid()}")


def run_once(argv, env, rss=False):
    """(wall s, cpu s, peak MiB, exit code) of one run, output thrown away. The peak RSS is
    GNU time's (%M): Linux carries a process's peak across exec, so a child of this Python
    process would report Python's own size. With `rss`, the run goes through GNU time for its
    peak (its wall and CPU then include GNU time's own, ~1-2 ms); without, the peak is NaN."""
    wrap = [TIME, "-f", "%M", "-o", RSS_FILE] if TIME and rss else []
    start = time.perf_counter()
    p = subprocess.Popen(wrap + argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    rss = float("nan")
    if wrap:
        with open(RSS_FILE) as f:
            lines = f.read().split()
        rss = int(lines[-1]) / 1024.0 if lines and lines[-1].isdigit() else rss
    return wall, ru.ru_utime + ru.ru_stime, rss, os.waitstatus_to_exitcode(status)


def measure(cases, runs, warmup=1):
    """cases: [(name, argv, env, before)]: before() runs ahead of each run, uncounted.
    Returns {name: {"wall", "cpu", "rss": medians, "codes": exit codes, "walls": every run}}."""
    samples = {c[0]: [] for c in cases}
    peaks = {c[0]: [] for c in cases}
    for i in range(warmup + runs):
        for name, argv, env, before in cases:
            if before:
                before()
            s = run_once(argv, env)
            if i >= warmup:
                samples[name].append(s)
            # The peak RSS from three extra runs through GNU time, uncounted otherwise: the
            # wrapper's own start-up would add to the timed runs' wall and CPU.
            if warmup <= i < warmup + 3:
                if before:
                    before()
                peaks[name].append(run_once(argv, env, rss=True)[2])
    out = {}
    for name, ss in samples.items():
        out[name] = {
            "wall": statistics.median(s[0] for s in ss),
            "cpu": statistics.median(s[1] for s in ss),
            "rss": statistics.median(peaks[name]) if peaks[name] else float("nan"),
            "codes": sorted({s[3] for s in ss}),
            "walls": [s[0] for s in ss],
        }
    return out


def show(title, res):
    print(f"\n## {title}\n")
    print(f"| {'command':44} | wall ms | cpu ms | peak MiB | exit |")
    print(f"|{'-' * 46}|---------|--------|----------|------|")
    for name, r in res.items():
        print(f"| {name:44} | {r['wall'] * 1000:7.1f} | {r['cpu'] * 1000:6.1f} | {r['rss']:8.1f} | {r['codes']} |")


def ratio(label, a, b, goal=None, better="<="):
    """The median of the pair-by-pair ratios (runs alternate, so run i of each command saw the
    same moment of the machine), or of two numbers."""
    if isinstance(a, list):
        r = statistics.median(x / y if y else float("inf") for x, y in zip(a, b))
    else:
        r = a / b if b else float("inf")
    verdict = ""
    if goal is not None:
        ok = r <= goal if better == "<=" else r >= goal
        verdict = f"  (goal {better} {goal}: {'met' if ok else 'NOT met'})"
    print(f"- {label}: {r:.2f}{verdict}")
    return r


def start_sim(extra):
    p = subprocess.Popen(
        [os.path.join(REL, "nova-sim"), "--listen", "127.0.0.1:0", "--stop-on-eof"] + extra,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline().strip()
    url = line.removeprefix("nova-sim listening on ")
    if not url.startswith("http://"):
        sys.exit(f"nova-sim did not start: {line!r}")
    return p, url


def token(auth_url, user, password, project):
    body = json.dumps({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": "Default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"name": "Default"}}}}}).encode()
    base = auth_url.rstrip("/").removesuffix("/v3")
    req = urllib.request.Request(f"{base}/v3/auth/tokens", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        catalog = json.load(r)["token"]["catalog"]
        tok = r.headers["X-Subject-Token"]
    compute = next(e["url"] for s in catalog if s["type"] == "compute"
                   for e in s["endpoints"] if e["interface"] == "public")
    return base, tok, compute.rstrip("/")


FLOOR = (
    't=$(curl -s -o /dev/null -D - -X POST -H "Content-Type: application/json" -d "$1" "$2" '
    '| sed -n "s/^[Xx]-[Ss]ubject-[Tt]oken: *//p" | tr -d "\\r"); '
    'curl -s -o /dev/null -H "X-Auth-Token: $t" -H "OpenStack-API-Version: compute 2.96" "$3"'
)


def novaclient():
    """python-novaclient's `nova`, if installed: $NOVACLIENT, the realnova venv, or PATH."""
    cands = [os.environ.get("NOVACLIENT", "")]
    rn = os.environ.get("REALNOVA_DIR") or os.path.join(tempfile.gettempdir(), "realnova")
    cands.append(os.path.join(rn, "venv", "bin", "nova"))
    for c in cands:
        if c and os.access(c, os.X_OK):
            return c
    return None


def cloud_cases(label, env, auth, user, password, project, runs):
    """flavor-list: nova cached / first run, curl floor, python-novaclient."""
    cache = tempfile.mkdtemp(prefix="bench-cache-")
    fresh = tempfile.mkdtemp(prefix="bench-fresh-")
    warm = dict(env, XDG_CACHE_HOME=cache)
    cold = dict(env, XDG_CACHE_HOME=fresh)
    base, tok, compute = token(auth, user, password, project)
    body = json.dumps({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": "Default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"name": "Default"}}}}})
    nova = os.path.join(REL, "nova")
    v = ["--os-compute-api-version", "2.96"]
    cases = [
        ("nova flavor-list (cached token)", [nova] + v + ["flavor-list"], warm, None),
        ("nova flavor-list (empty cache)", [nova] + v + ["flavor-list"], cold,
         lambda: shutil.rmtree(os.path.join(fresh, "novagen"), ignore_errors=True)),
        ("nova flavor-list (auto version, cached)", [nova, "flavor-list"], warm, None),
        # The floor of a first run: a token POST, then one GET with that new token (which the
        # cloud has not seen yet: real nova asks Keystone to validate it), in sequence.
        ("curl: token POST, then GET with it", ["sh", "-c", FLOOR, "floor", body,
                                                f"{base}/v3/auth/tokens",
                                                f"{compute}/flavors/detail"], env, None),
        ("curl: GET flavors/detail (held token)", ["curl", "-s", "-o", "/dev/null", "-H",
                                                   f"X-Auth-Token: {tok}", "-H",
                                                   "OpenStack-API-Version: compute 2.96",
                                                   f"{compute}/flavors/detail"], env, None),
    ]
    py = novaclient()
    if py:
        cases.append(("python-novaclient flavor-list", [py] + v + ["flavor-list"], env, None))
    res = measure(cases, runs)
    show(f"{label}: flavor-list", res)
    w = lambda k: res[k]["walls"]
    floor_get = w("curl: GET flavors/detail (held token)")
    floor_both = w("curl: token POST, then GET with it")
    print()
    out = {
        "cached/get": ratio("cached token vs held-token curl GET (wall)",
                            w("nova flavor-list (cached token)"), floor_get, 1.2),
        "first/both": ratio("empty cache vs token POST + GET curl floor (wall)",
                            w("nova flavor-list (empty cache)"), floor_both, 1.1),
        "cached/both": ratio("cached token vs token POST + GET curl floor (wall)",
                             w("nova flavor-list (cached token)"), floor_both, 2.0),
    }
    if py:
        out["py/cached"] = ratio("python-novaclient vs nova, cached token (wall; higher is faster)",
                                 w("python-novaclient flavor-list"),
                                 w("nova flavor-list (cached token)"),
                                 100 if label == "nova-sim" else None, ">=")
    out["rss"] = res["nova flavor-list (cached token)"]["rss"]
    print(f"- nova flavor-list peak RSS: {out['rss']:.1f} MiB  (goal <= 10)")
    return out


def sim_env(url):
    return dict(os.environ, OS_AUTH_URL=f"{url}/identity", OS_USERNAME="admin",
                OS_PASSWORD="secret", OS_PROJECT_NAME="admin", OS_USER_DOMAIN_NAME="Default",
                OS_PROJECT_DOMAIN_NAME="Default")


def lists(sizes, runs, against=None):
    """`nova list` over each size; with `against` (another build of nova), that one too,
    alternating with this one on the same nova-sim, and the CPU ratio between them."""
    nova = os.path.join(REL, "nova")
    rows, others = [], []
    for n in sizes:
        sim, url = start_sim(["--servers", str(n)])
        try:
            env = dict(sim_env(url), XDG_CACHE_HOME=tempfile.mkdtemp(prefix="bench-list-"))
            cases = [(f"nova list ({n} servers)", [nova, "list"], env, None)]
            if against:
                cases.append((f"{against} list ({n} servers)", [against, "list"], env, None))
            res = measure(cases, runs)
            rows.append((n, res[cases[0][0]]))
            if against:
                others.append((n, res[cases[1][0]]))
        finally:
            sim.kill()
    print("\n## nova list on nova-sim\n")
    print("| servers | client cpu ms | peak MiB | wall ms (nova-sim's time included) |")
    print("|---|---|---|---|")
    for n, r in rows:
        print(f"| {n} | {r['cpu'] * 1000:.0f} | {r['rss']:.1f} | {r['wall'] * 1000:.0f} |")
    if len(rows) > 1:
        (n0, r0), (n1, r1) = rows[0], rows[-1]
        print(f"\n- cpu growth {n0} -> {n1}: {r1['cpu'] / r0['cpu']:.1f}x for {n1 / n0:.0f}x the servers")
        print(f"- {n1} servers: cpu {r1['cpu'] * 1000:.0f} ms (goal <= 100), peak {r1['rss']:.1f} MiB (goal <= 60)")
    for (n, r), (_, o) in zip(rows, others):
        print(f"- {n} servers, against {against}: cpu {o['cpu'] * 1000:.0f} ms, peak "
              f"{o['rss']:.1f} MiB; this build's cpu is {r['cpu'] / o['cpu']:.2f}x its")


def incremental_build(runs):
    spec = os.path.join(ROOT, "spec", "flavors.yaml")
    with open(spec) as f:
        original = f.read()
    needle = "help: Print a list of available 'flavors' (sizes of servers)."
    if needle not in original:
        print("\n(incremental build: the flavor-list help text was not found; skipped)")
        return
    times = []
    try:
        for i in range(runs):
            with open(spec, "w") as f:
                f.write(original.replace(needle, needle[:-1] + f" ({i})."))
            t = time.perf_counter()
            subprocess.run(["cargo", "build", "-q", "-p", "generated-client", "--bin", "nova"],
                           cwd=ROOT, check=True)
            times.append(time.perf_counter() - t)
    finally:
        with open(spec, "w") as f:
            f.write(original)
        subprocess.run(["cargo", "build", "-q", "-p", "generated-client", "--bin", "nova"], cwd=ROOT)
    print("\n## incremental cargo build (debug) after one spec entry's help text changed\n")
    print("- " + ", ".join(f"{t:.1f} s" for t in times) + f" (median {statistics.median(times):.1f} s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--sizes", default="1000,5000,10000")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--no-realnova", action="store_true")
    ap.add_argument("--build-runs", type=int, default=3)
    ap.add_argument("--against", metavar="NOVA",
                    help="another build of nova whose `nova list` runs beside this one's")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "generated-client", "-p", "nova-sim"],
                       cwd=ROOT, check=True)
    print(f"# nova benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
          f"median of {a.runs} alternating runs")
    size = os.path.getsize(os.path.join(REL, "nova"))
    print(f"\n- release binary: {size / 1e6:.1f} MB (goal <= 15 MB)")

    sim, url = start_sim([])
    try:
        cloud_cases("nova-sim", sim_env(url), f"{url}/identity", "admin", "secret", "admin", a.runs)
    finally:
        sim.kill()

    rn = os.path.join(ROOT, "..", "shared", "realnova")
    if a.no_realnova or not os.path.isdir(rn):
        print("\n(real nova: skipped — ../shared/realnova absent or --no-realnova)")
    else:
        try:
            urllib.request.urlopen("http://127.0.0.1:5000/v3", timeout=2)
            env = dict(os.environ, OS_AUTH_URL="http://127.0.0.1:5000/v3", OS_USERNAME="admin",
                       OS_PASSWORD="admin", OS_PROJECT_NAME="admin", OS_USER_DOMAIN_NAME="Default",
                       OS_PROJECT_DOMAIN_NAME="Default", OS_REGION_NAME="RegionOne")
            cloud_cases("real nova 34", env, "http://127.0.0.1:5000/v3", "admin", "admin", "admin", a.runs)
        except OSError as e:
            print(f"\n(real nova: not answering on 127.0.0.1:5000 ({e}); start it with "
                  "../shared/realnova/start.sh)")

    lists([int(s) for s in a.sizes.split(",") if s], max(3, a.runs // 2), a.against)
    if a.build_runs > 0:  # --build-runs 0: the run-time figures alone
        incremental_build(a.build_runs)


if __name__ == "__main__":
    main()
