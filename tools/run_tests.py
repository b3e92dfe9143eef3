"""Run every notebook with `nbdev-test` and end with a line `N passed, N failed` (one count per notebook)."""
import os, re, subprocess, sys, time
from pathlib import Path

def main():
    t0 = time.time()
    cmd = ["nbdev-test", "--do-print", "--timing", *sys.argv[1:]]
    print("$", " ".join(cmd), flush=True)
    env = {**os.environ, "EGONB_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}   # tests never download
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, env=env)
    out = []
    for line in p.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        out.append(line)
    rc = p.wait()
    txt = "".join(out)
    started = {Path(m).name for m in re.findall(r"^Starting (.+\.ipynb)\s*$", txt, re.M)}
    failed = set()
    if "Failed On The Following Notebooks" in txt:
        tail = txt.split("Failed On The Following Notebooks", 1)[1]
        failed = set(re.findall(r"^\t(\S+\.ipynb)\s*$", tail, re.M))
    if rc != 0 and not failed: failed = {"<nbdev-test>"}  # crashed before reporting
    n_pass = len(started - failed)
    print(f"\nnotebook tests finished in {time.time()-t0:.0f}s")
    print(f"{n_pass} passed, {len(failed)} failed")
    sys.exit(rc)

if __name__ == "__main__": main()
