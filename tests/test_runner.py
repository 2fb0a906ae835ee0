#!/usr/bin/env python3
"""test_runner.py -- tests tests/run.py, the runner behind `ninja test`, on
fake programs: a Criterion program with a silent skip and a crash
(build/tests/runner/criterion_sample), a script that runs it and reports
its own counts, a script that only skips, scripts
that crash (alone and after reporting counts), one that is not executable and one that hangs with a
child holding its output open (PMEM_TEST_TIMEOUT=2).  Each case checks
run.py's per-program line, its totals line and its exit status.
Ends with "runner: N passed, N failed".
"""
import os
import re
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(TOP, 'tests', 'run.py')
SAMPLE = os.path.join(TOP, 'build', 'tests', 'runner', 'criterion_sample')

results = [0, 0]


def check(ok, what, detail=''):
    results[0 if ok else 1] += 1
    print('%s %s%s' % ('ok  ' if ok else 'FAIL', what,
                       '' if ok else ': ' + detail))


def script(tmp, name, body):
    path = os.path.join(tmp, name)
    with open(path, 'w') as f:
        f.write('#!/bin/sh\n' + body)
    os.chmod(path, 0o755)
    return path


def run_py(progs, timeout=None):
    env = dict(os.environ)
    env.pop('PMEM_TEST_TIMEOUT', None)
    if timeout is not None:
        env['PMEM_TEST_TIMEOUT'] = str(timeout)
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, RUN] + progs, env=env,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=60)
    except subprocess.TimeoutExpired as e:     # run.py itself hung
        out = e.output.decode() if isinstance(e.output, bytes) else e.output
        return None, (out or '') + '\n(run.py killed after 60 s)', 60.0
    return proc.returncode, proc.stdout, time.monotonic() - start


def expect(label, progs, counts, rc, lines=(), timeout=None, max_s=None):
    """run.py on progs must end with totals `counts` (passed, failed,
    skipped), exit with rc and print each regex of lines."""
    got_rc, out, secs = run_py(progs, timeout)
    total = 'tests: %d passed, %d failed, %d skipped' % counts
    last = out.rstrip('\n').split('\n')[-1]
    check(last == total, label + ': ' + total, 'got %r' % last)
    check(got_rc == rc, label + ': exit status %d' % rc, 'got %s' % got_rc)
    for regex in lines:
        check(re.search(regex, out, re.M) is not None,
              label + ': prints /%s/' % regex, 'output:\n' + out)
    if max_s is not None:
        check(secs < max_s, label + ': returns within %g s' % max_s,
              'took %.1f s' % secs)
    return out


def main():
    with tempfile.TemporaryDirectory(prefix='test-runner-') as tmp:
        if os.access(SAMPLE, os.X_OK):
            expect('criterion: silent skips and a crash', [SAMPLE],
                   (1, 1, 2), 1,
                   [r'^SKIP sample::skips_silently: sample reason 42$',
                    r'^SKIP sample::skips_with_a_quote: needs "widget"$',
                    r'^== .*criterion_sample: FAILED \(1 passed, 1 failed, '
                    r'2 skipped\)'])
            wrap = script(tmp, 'wrap.sh', '%s >/dev/null 2>&1\n'
                          'echo "wrap: 5 passed, 0 failed"\n' % SAMPLE)
            expect('script running a Criterion program: its own counts',
                   [wrap], (5, 0, 0), 0)
        else:
            check(False, 'criterion sample built', SAMPLE + ' missing')

        skip = script(tmp, 'skip.sh', 'echo "SKIP no widget here"\n')
        expect('script that only skips', [skip], (0, 0, 1), 0,
               [r'^SKIP no widget here$'])

        segv = script(tmp, 'segv.sh', 'kill -SEGV $$\n')
        expect('script killed by SIGSEGV', [segv], (0, 1, 0), 1,
               [r'segv\.sh: FAILED .*killed by SIGSEGV'])

        late = script(tmp, 'late.sh',
                      'echo "late: 2 passed, 0 failed"\nkill -ABRT $$\n')
        expect('counts then a crash: the crash counted once', [late],
               (2, 1, 0), 1, [r'killed by SIGABRT'])

        noexec = script(tmp, 'noexec.sh', 'echo "noexec: 1 passed, 0 failed"\n')
        os.chmod(noexec, 0o644)
        expect('a script without its executable bit fails, the rest runs',
               [noexec, skip], (0, 1, 1), 1,
               [r'cannot start .*noexec\.sh: Permission denied',
                r'noexec\.sh: FAILED .*exit status 127'])

        pidfile = os.path.join(tmp, 'child.pid')
        hang = script(tmp, 'hang.sh',
                      'echo started\nsleep 300 &\necho $! > %s\nwait\n'
                      % pidfile)
        ok = script(tmp, 'ok.sh', 'echo "ok: 3 passed, 0 failed"\n')
        expect('hang past PMEM_TEST_TIMEOUT=2', [hang, ok], (3, 1, 0), 1,
               [r'^started$', r'hang\.sh: FAILED .*timed out after 2 s',
                r'^failed: .*hang\.sh$'], timeout=2, max_s=30)
        child, alive = None, False
        try:
            with open(pidfile) as f:
                child = int(f.read())
            time.sleep(0.2)
            with open('/proc/%d/status' % child) as f:
                alive = 'State:\tZ' not in f.read()
        except (OSError, ValueError):
            pass    # gone (or never started: the timeout check says so)
        check(not alive, 'hang: the hung program\'s child is killed too',
              'pid %s still runs' % child)

    print('runner: %d passed, %d failed' % tuple(results))
    return 1 if results[1] else 0


if __name__ == '__main__':
    sys.exit(main())
