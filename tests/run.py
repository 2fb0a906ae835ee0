#!/usr/bin/env python3
"""Runs test programs and adds up their results.

Each argument is a program (run through $TEST_RUNNER when set, e.g.
Wine; a script runs here and finds $TEST_RUNNER in its environment).  Criterion programs (ELF programs importing
criterion_internal_test_main) are run with --json=FILE and counted from
that report (Criterion's console output shows neither skips nor their
reasons): every skipped test is printed as "SKIP suite::test: reason" and
counted.  Without a report the
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
import shlex
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


def is_criterion(prog):
    """An ELF program that imports Criterion's test entry point."""
    try:
        with open(prog, 'rb') as f:
            data = f.read()
    except OSError:
        return False
    return data[:4] == b'\x7fELF' and b'criterion_internal_test_main' in data


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
    # --json=, not CRITERION_OUTPUTS: Criterion leaks the variable's copy
    # (LeakSanitizer fails the sanitizer build), and scripts that run
    # Criterion programs must not hand their children a report file.
    argv = [prog] + (['--json=' + report] if is_criterion(prog) else [])
    # TEST_RUNNER: what runs a program built for another OS (Wine); a
    # script is this machine's.
    if not is_script(prog):
        argv = shlex.split(os.environ.get('TEST_RUNNER', '')) + argv
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(argv, stdout=out,
                                    stderr=subprocess.STDOUT,
                                    start_new_session=True)
        except OSError as e:    # not executable, missing: a failure, go on
            return 127, 'run.py: cannot start %s: %s\n' % (prog, e.strerror)
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


# Criterion 2.4 writes messages into its JSON unescaped (a quote or a
# backslash in a skip reason makes it invalid): then this reads its layout.
LOOSE_TOP = re.compile(r'\A\{\s*"id": "[^\n]*",\s*"passed": (\d+),\s*'
                       r'"failed": (\d+),\s*"errored": \d+,\s*"skipped": (\d+),')
LOOSE_ITEM = re.compile(
    r'^ {6}"name": "(?P<suite>[^\n]*)",$'
    r'|^ {10}"name": "(?P<test>[^\n]*)",\n {10}"assertions": \d+,\n'
    r' {10}"status": "(?P<status>\w+)"'
    r'(?:,\n {10}"messages": \[(?P<msg>.*?)\]\n {8}\})?', re.M | re.S)


def loose_report(text):
    m = LOOSE_TOP.match(text)
    if not m:
        return None
    suites, suite = [], None
    for item in LOOSE_ITEM.finditer(text):
        if item.group('suite') is not None:
            suite = {'name': item.group('suite'), 'tests': []}
            suites.append(suite)
        elif suite is not None:
            msg = (item.group('msg') or '').strip()
            if msg.startswith('"') and msg.endswith('"'):
                msg = msg[1:-1]
            suite['tests'].append({'name': item.group('test'),
                                   'status': item.group('status'),
                                   'messages': [msg] if msg else []})
    return {'passed': m.group(1), 'failed': m.group(2),
            'skipped': m.group(3), 'test_suites': suites}


def criterion_counts(report):
    """(passed, failed, skipped, skip lines) from a Criterion JSON report,
    or None when there is none."""
    try:
        with open(report, errors='replace') as f:
            text = f.read()
    except OSError:
        return None
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        data = loose_report(text)
    try:
        passed, failed = int(data['passed']), int(data['failed'])
        skipped = int(data['skipped'])
    except (KeyError, TypeError, ValueError):
        return None
    lines = []
    for suite in data.get('test_suites', []):
        for test in suite.get('tests', []):
            if test.get('status') != 'SKIPPED':
                continue
            why = '; '.join(test.get('messages') or []) or 'no reason given'
            why = re.sub(r'^SKIP ', '', why)   # some reasons start with it
            why = ' / '.join(why.splitlines())
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
