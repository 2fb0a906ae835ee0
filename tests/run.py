#!/usr/bin/env python3
"""Runs test programs and adds up their results.

Each argument is a program (run through $TEST_RUNNER when set, e.g. Wine).  Criterion programs report a "Synthesis:" line;
other programs may print "N passed, N failed[, N skipped]"; a program that
prints neither counts as one test, passed if it exits 0.  Skips are counted
from Criterion's "Skipped" lines and from lines starting with "SKIP".
Ends with one line "tests: N passed, N failed, N skipped" and exits 1 on
any failure.
"""
import os
import re
import shlex
import subprocess
import sys

SYNTH = re.compile(r'Synthesis: Tested: (\d+) \| Passing: (\d+) \| '
                   r'Failing: (\d+) \| Crashing: (\d+)')
PLAIN = re.compile(r'^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?',
                   re.M)
SKIP = re.compile(r'(\[SKIP\]|Skipped|^SKIP)', re.M)


def run(prog):
    # TEST_RUNNER: what runs a program built for another OS (Wine).
    runner = shlex.split(os.environ.get('TEST_RUNNER', ''))
    proc = subprocess.run(runner + [prog], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          errors='replace')
    out = proc.stdout
    sys.stdout.write(out)
    skipped = len(SKIP.findall(out))
    m = SYNTH.search(out)
    if m:
        tested, passing, failing, crashing = map(int, m.groups())
        failed = failing + crashing
        passed = passing
    else:
        m = PLAIN.search(out)
        if m:
            passed, failed = int(m.group(1)), int(m.group(2))
            skipped = int(m.group(3) or 0)
        else:
            passed, failed = (1, 0) if proc.returncode == 0 else (0, 1)
    if proc.returncode != 0 and failed == 0:
        failed = 1      # it crashed or failed outside any test
    status = 'ok' if failed == 0 else 'FAILED'
    print('== %s: %s (%d passed, %d failed, %d skipped)'
          % (prog, status, passed, failed, skipped), flush=True)
    return passed, failed, skipped


def main():
    totals = [0, 0, 0]
    failed_progs = []
    for prog in sys.argv[1:]:
        res = run(prog)
        totals = [a + b for a, b in zip(totals, res)]
        if res[1]:
            failed_progs.append(prog)
    for p in failed_progs:
        print('failed: ' + p)
    print('tests: %d passed, %d failed, %d skipped' % tuple(totals))
    return 1 if totals[1] or not sys.argv[1:] else 0


if __name__ == '__main__':
    sys.exit(main())
