#!/usr/bin/env python3
"""Runs test programs and adds up their results.

Each argument is a program.  Criterion programs are counted from the JSON
report they write when CRITERION_OUTPUTS names one (set only for programs
that are not #! scripts; Criterion's console output shows neither skips
nor their reasons): every skipped test is printed as
"SKIP suite::test: reason" and counted.  Without a report the
"Synthesis:" line is used (Criterion counts a crashed test among the
failing ones too, so it is counted once).  Other programs may print
"N passed, N failed[, N skipped]", else lines starting with "SKIP" are
skips; a program that prints no counts is one test, passed if it exits 0
(skipped, if all it printed was SKIP lines).
A program still running after PMEM_TEST_TIMEOUT seconds (default 600) is
killed with everything it started and counted as one failure.
Ends with one line "tests: N passed, N failed, N skipped" and exits 1 on
any failure.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

SYNTH = re.compile(r'Synthesis: Tested: (\d+) \| Passing: (\d+) \| '
                   r'Failing: (\d+) \| Crashing: (\d+)')
PLAIN = re.compile(r'^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?',
                   re.M)
SKIP = re.compile(r'^SKIP', re.M)
DEFAULT_TIMEOUT = 600


def timeout_seconds():
    value = os.environ.get('PMEM_TEST_TIMEOUT', '')
    try:
        return float(value) if value else DEFAULT_TIMEOUT
    except ValueError:
        sys.exit('run.py: PMEM_TEST_TIMEOUT=%r is not a number' % value)


def is_script(prog):
    try:
        with open(prog, 'rb') as f:
            return f.read(2) == b'#!'
    except OSError:
        return False


def execute(prog, report, limit):
    """Runs prog in its own process group, output to a file (a pipe kept
    open by a stray grandchild would block us).  Returns (exit status or
    None on time-out, output)."""
    env = dict(os.environ)
    env.pop('CRITERION_OUTPUTS', None)
    if not is_script(prog):     # a script's Criterion children are not it
        env['CRITERION_OUTPUTS'] = 'json:' + report
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([prog], stdout=out, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
        try:
            rc = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            rc = None
        finally:    # also on Ctrl-C: leave nothing running
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        out.seek(0)
        return rc, out.read().decode('utf-8', 'replace')


def criterion_counts(report):
    """(passed, failed, skipped, skip lines) from a Criterion JSON report,
    or None when there is none."""
    try:
        with open(report) as f:
            data = json.load(f)
        passed, failed = int(data['passed']), int(data['failed'])
        skipped = int(data['skipped'])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    lines = []
    for suite in data.get('test_suites', []):
        for test in suite.get('tests', []):
            if test.get('status') != 'SKIPPED':
                continue
            why = '; '.join(test.get('messages') or []) or 'no reason given'
            why = re.sub(r'^SKIP ', '', why)   # some reasons start with it
            lines.append('SKIP %s::%s: %s' % (suite.get('name'),
                                               test.get('name'), why))
    return passed, failed, skipped, lines


def describe(rc):
    if rc < 0:
        try:
            return 'killed by %s' % signal.Signals(-rc).name
        except ValueError:
            return 'killed by signal %d' % -rc
    return 'exit status %d' % rc


def run(prog, limit):
    fd, report = tempfile.mkstemp(prefix='criterion-', suffix='.json')
    os.close(fd)
    os.unlink(report)   # Criterion creates it: its absence means no report
    try:
        rc, out = execute(prog, report, limit)
        crit = criterion_counts(report)
    finally:
        if os.path.exists(report):
            os.unlink(report)
    sys.stdout.write(out)
    if out and not out.endswith('\n'):
        sys.stdout.write('\n')
    note = ''
    if crit:
        passed, failed, skipped, skip_lines = crit
        for line in skip_lines:
            print(line)
    else:
        skipped = len(SKIP.findall(out))
        m = SYNTH.search(out)
        plain = PLAIN.search(out)
        if m:   # "Failing" already includes the crashed tests
            passed, failed = int(m.group(2)), int(m.group(3))
        elif plain:
            passed, failed = int(plain.group(1)), int(plain.group(2))
            skipped = int(plain.group(3) or 0)
        elif skipped and rc == 0:
            passed, failed = 0, 0   # it only skipped
        else:
            passed, failed = (1, 0) if rc == 0 else (0, 1)
    if rc is None:
        note = ': timed out after %g s (PMEM_TEST_TIMEOUT), killed' % limit
        if failed == 0:
            failed = 1
    elif rc != 0:
        note = ': ' + describe(rc)
        if failed == 0:
            failed = 1      # it crashed or failed outside any test
    status = 'ok' if failed == 0 else 'FAILED'
    print('== %s: %s (%d passed, %d failed, %d skipped)%s'
          % (prog, status, passed, failed, skipped, note), flush=True)
    return passed, failed, skipped


def main():
    limit = timeout_seconds()
    totals = [0, 0, 0]
    failed_progs = []
    for prog in sys.argv[1:]:
        res = run(prog, limit)
        totals = [a + b for a, b in zip(totals, res)]
        if res[1]:
            failed_progs.append(prog)
    for p in failed_progs:
        print('failed: ' + p)
    print('tests: %d passed, %d failed, %d skipped' % tuple(totals))
    return 1 if totals[1] or not sys.argv[1:] else 0


if __name__ == '__main__':
    sys.exit(main())
