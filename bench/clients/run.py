#!/usr/bin/env python3
"""Client benchmark: real programs timed on our libpmem.so.1 and on PMDK's.

Each row is one client doing one kind of operation (libpmemobj, libpmemlog,
fio's libpmem engine, a QEMU-like page stream).  Each run is a new process;
the variant decides which libpmem.so.1 the dynamic linker gives it:
  ours   LD_LIBRARY_PATH=BUILD (the directory holding our libpmem.so.1)
  pmdk   no LD_LIBRARY_PATH: the system's (PMDK's) library
  pmdk2  the same as pmdk, a second time: the noise band
  -v LABEL:VAR=VAL[,VAR=VAL...]  ours with extra environment variables
Every run has PMEM_IS_PMEM_FORCE=1, so the clients take the flush path.
Each run proves which library it loaded (our programs print the libpmem.so
file mapped in /proc/self/maps; fio is checked with ldd under the same
environment); a run on the wrong library fails the benchmark.

After one warm-up run per row, R rounds run every row over the variants in
A B B A order (forward in even rounds, backward in odd ones).  Per row the
table shows the median ns/op of each variant, pmdk/ours (above 1: ours is
faster) and pmdk/pmdk2 (the noise), each the median over rounds of the two
times of one round, then their geomeans and the rows outside +-5% noise.
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

PMDK_LIB = '/usr/lib/x86_64-linux-gnu/libpmem.so.1'

# (row, program, mode, ops): our programs, in bench/clients/*.c.
PROGRAM_ROWS = [
    ('obj tx_add_range 64 B', 'obj', 'tx_add64', 200000),
    ('obj tx_add_range 1 KiB', 'obj', 'tx_add1k', 150000),
    ('obj tx alloc+free 256 B', 'obj', 'tx_alloc256', 100000),
    ('obj tx counter++', 'obj', 'tx_counter', 250000),
    ('obj memcpy_persist 64 B', 'obj', 'memcpy64', 1000000),
    ('obj atomic alloc+free 256 B', 'obj', 'atomic_alloc', 250000),
    ('log append 64 B', 'log', 'append64', 500000),
    ('log append 4 KiB', 'log', 'append4k', 300000),
    ('qemu-like 4 KiB pages', 'stream', 'page4k', 600000),
]
# (row, rw, block size): fio --ioengine=libpmem, time-based.
FIO_ROWS = [('fio %s %s' % (rw, bs), rw, bs)
            for rw in ('write', 'randwrite') for bs in ('512', '4k', '256k')]
FIO_RUNTIME_MS = 1000
FIO_RAMP_MS = 100
# The noise band the issue asks PMDK against itself to stay within.
NOISE = 0.05


def cpu_line():
    """vendor, family, model, stepping and features of the first CPU."""
    info = {}
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if not line.strip():
                    break
                key, _, value = line.partition(':')
                info[key.strip()] = value.strip()
    except OSError:
        return 'cpu: unknown'
    fam = info.get('cpu family', '?')
    model = info.get('model', '?')
    hexed = lambda v: hex(int(v)) if v.isdigit() else v
    flags = info.get('flags', '').split()
    wanted = ('sse2', 'avx', 'avx2', 'avx512f', 'avx512bw', 'avx512vl',
              'clflush', 'clflushopt', 'clwb', 'movdir64b', 'hypervisor')
    return 'cpu: %s family %s model %s stepping %s (%s); %s' % (
        info.get('vendor_id', '?'), hexed(fam), hexed(model),
        info.get('stepping', '?'), info.get('model name', '?'),
        ' '.join(f for f in wanted if f in flags))


def parse_variant(text):
    """LABEL:VAR=VAL[,VAR=VAL...] -> (label, {VAR: VAL})."""
    label, sep, assigns = text.partition(':')
    env = {}
    for a in assigns.split(','):
        var, eq, val = a.partition('=')
        if not eq or not var:
            raise argparse.ArgumentTypeError('bad variant %r' % text)
        env[var] = val
    if not sep or not label or label in ('ours', 'pmdk', 'pmdk2'):
        raise argparse.ArgumentTypeError('bad variant %r' % text)
    return label, env


class Runner:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.ours_lib = os.path.realpath(
            os.path.join(self.build, 'libpmem.so.1'))
        self.pmdk_lib = os.path.realpath(args.pmdk_lib)
        self.dir = tempfile.mkdtemp(prefix='bench-clients.', dir=args.dir)
        # label -> (environment, library it must load)
        self.variants = [('ours', self.env(True, {}), self.ours_lib),
                         ('pmdk', self.env(False, {}), self.pmdk_lib),
                         ('pmdk2', self.env(False, {}), self.pmdk_lib)]
        for label, extra in args.variant:
            self.variants.append((label, self.env(True, extra),
                                  self.ours_lib))
        self.fio = shutil.which(args.fio) or args.fio

    def env(self, ours, extra):
        e = dict(os.environ)
        e.pop('LD_LIBRARY_PATH', None)
        e.pop('LD_PRELOAD', None)
        if ours:
            e['LD_LIBRARY_PATH'] = self.build
        e['PMEM_IS_PMEM_FORCE'] = '1'
        e.update(extra)
        return e

    def check_lib(self, label, loaded, want):
        if os.path.realpath(loaded) != want:
            sys.exit('bench-clients: variant %s loaded %s, expected %s'
                     % (label, loaded, want))

    def run_program(self, label, env, want, prog, mode, ops):
        path = os.path.join(self.dir, mode)
        cmd = [os.path.join(self.build, 'bench/clients', prog), mode, path,
               str(ops)]
        try:
            out = subprocess.run(cmd, env=env, capture_output=True,
                                 text=True)
        finally:
            if os.path.exists(path):
                os.remove(path)
        if out.returncode:
            sys.exit('bench-clients: %s failed (exit %d): %s'
                     % (' '.join(cmd), out.returncode, out.stderr.strip()))
        lib = re.search(r'^libpmem: (.*)$', out.stdout, re.M)
        res = re.search(r'^result: \S+ (\d+) (\d+)$', out.stdout, re.M)
        if not lib or not res:
            sys.exit('bench-clients: %s printed no result:\n%s'
                     % (' '.join(cmd), out.stdout))
        self.check_lib(label, lib.group(1), want)
        return lib.group(1), int(res.group(2)) / int(res.group(1))

    def fio_lib(self, label, env, want):
        """The libpmem.so.1 fio gets under env (ldd), checked once."""
        out = subprocess.run(['ldd', self.fio], env=env,
                             capture_output=True, text=True).stdout
        m = re.search(r'libpmem\.so\.1 => (\S+)', out)
        if not m:
            sys.exit('bench-clients: ldd %s shows no libpmem.so.1'
                     % self.fio)
        self.check_lib(label, m.group(1), want)
        return m.group(1)

    def run_fio(self, label, env, want, rw, bs, scale):
        lib = self.fio_lib(label, env, want)
        path = os.path.join(self.dir, 'fio')
        # Floors: on a loaded 2-core machine a 10 ms window after the
        # ramp sometimes got no CPU at all, and fio reported no writes.
        runtime = max(100, int(FIO_RUNTIME_MS * scale))
        ramp = max(10, int(FIO_RAMP_MS * scale))
        cmd = [self.fio, '--name=bench', '--ioengine=libpmem',
               '--thread=1', '--filename=' + path, '--size=16m',
               '--rw=' + rw, '--bs=' + bs, '--time_based',
               '--runtime=%dms' % runtime, '--ramp_time=%dms' % ramp,
               '--output-format=json']
        try:
            out = subprocess.run(cmd, env=env, capture_output=True,
                                 text=True)
        finally:
            if os.path.exists(path):
                os.remove(path)
        if out.returncode:
            sys.exit('bench-clients: %s failed (exit %d): %s'
                     % (' '.join(cmd), out.returncode, out.stderr.strip()))
        try:
            iops = json.loads(out.stdout)['jobs'][0]['write']['iops']
        except (ValueError, KeyError, IndexError) as e:
            sys.exit('bench-clients: fio output unreadable (%s)' % e)
        if iops <= 0:
            sys.exit('bench-clients: fio wrote nothing: %s' % ' '.join(cmd))
        return lib, 1e9 / iops

    def rows(self):
        """(row name, callable(label, env, want, scale) -> (lib, ns/op))."""
        out = []
        for name, prog, mode, ops in PROGRAM_ROWS:
            out.append((name, lambda l, e, w, s, p=prog, m=mode, o=ops:
                        self.run_program(l, e, w, p, m,
                                         max(1, int(o * s)))))
        if not self.args.no_fio:
            for name, rw, bs in FIO_ROWS:
                out.append((name, lambda l, e, w, s, rw=rw, bs=bs:
                            self.run_fio(l, e, w, rw, bs, s)))
        return out

    def measure(self):
        rows = self.rows()
        scale = self.args.scale
        samples = {(r, v[0]): [] for r, _ in rows for v in self.variants}
        loaded = {}
        for name, fn in rows:   # warm-up: every row once, on each library
            for label, env, want in self.variants[:2]:
                fn(label, env, want, scale / 10)
        for rnd in range(self.args.rounds):
            order = self.variants if rnd % 2 == 0 else self.variants[::-1]
            for name, fn in rows:
                for label, env, want in order:
                    lib, ns = fn(label, env, want, scale)
                    loaded[label] = lib
                    samples[(name, label)].append(ns)
            print('round %d/%d done' % (rnd + 1, self.args.rounds),
                  file=sys.stderr, flush=True)
        for label, _, _ in self.variants:
            print('loaded: %s %s' % (label, loaded.get(label, '?')))
        return [name for name, _ in rows], samples


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def report(runner, names, samples, csv_path):
    labels = [v[0] for v in runner.variants]
    extra = labels[3:]
    ratio_cols = [('pmdk/ours', 'ours'), ('pmdk/pmdk2', 'pmdk2')] + \
        [('pmdk/' + x, x) for x in extra]
    med = {k: statistics.median(v) for k, v in samples.items()}
    # A ratio is the median over rounds of pmdk's time over the other's in
    # the same round: the two ran next to each other (A B B A), so a drift
    # of the machine between rounds cancels, which it does not in a ratio
    # of two medians.
    paired = lambda n, l: statistics.median(
        p / x for p, x in zip(samples[(n, 'pmdk')], samples[(n, l)]))
    width = max(len(n) for n in names)
    cols = [max(11, len(l) + 3) + 1 for l in labels]   # "LABEL ns"
    rcols = [max(10, len(c)) + 2 for c, _ in ratio_cols]
    print('%-*s' % (width, 'row') + ''.join(
        '%*s' % (w, '%s ns' % l) for w, l in zip(cols, labels)) + ''.join(
        '%*s' % (w, c) for w, (c, _) in zip(rcols, ratio_cols)))
    ratios = {c: [] for c, _ in ratio_cols}
    for n in names:
        line = '%-*s' % (width, n) + ''.join(
            '%*.1f' % (w, med[(n, l)]) for w, l in zip(cols, labels))
        for w, (c, l) in zip(rcols, ratio_cols):
            r = paired(n, l)
            ratios[c].append(r)
            line += '%*.3f' % (w, r)
        print(line)
    print('%-*s' % (width + sum(cols), 'geomean') + ''.join(
        '%*.3f' % (w, geomean(ratios[c]))
        for w, (c, _) in zip(rcols, ratio_cols)))
    for c, _ in ratio_cols:
        print('%s: min %.3f max %.3f' % (c, min(ratios[c]), max(ratios[c])))
    noisy = ['%s %.3f' % (n, r) for n, r in zip(names, ratios['pmdk/pmdk2'])
             if abs(r - 1) > NOISE]
    print('noise: pmdk/pmdk2 outside +-%d%% in %d of %d rows%s'
          % (NOISE * 100, len(noisy), len(names),
             ': ' + ', '.join(noisy) if noisy else ''))
    if csv_path:
        with open(csv_path, 'w') as f:
            f.write('# %s\n' % cpu_line())
            f.write('row,variant,sample,ns_per_op\n')
            for n in names:
                for l in labels:
                    for i, v in enumerate(samples[(n, l)]):
                        f.write('"%s","%s",%d,%.3f\n' % (n, l, i, v))


def main():
    top = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rounds', type=int, default=9)
    p.add_argument('--quick', action='store_true',
                   help='2 rounds, a fifth of the operations')
    p.add_argument('--scale', type=float, default=1.0,
                   help='multiply every operation count and fio run time')
    p.add_argument('-v', '--variant', type=parse_variant, action='append',
                   default=[], metavar='LABEL:VAR=VAL[,VAR=VAL]',
                   help='also time ours with these environment variables')
    p.add_argument('--csv', help='write every sample to this file')
    p.add_argument('--build', default=os.path.join(top, 'build'),
                   help='the directory holding our libpmem.so.1 and '
                   'bench/clients/ (default: build/)')
    p.add_argument('--pmdk-lib', default=PMDK_LIB,
                   help="PMDK's libpmem.so.1, found with no "
                   'LD_LIBRARY_PATH (default %(default)s)')
    p.add_argument('--fio', default='fio')
    p.add_argument('--no-fio', action='store_true')
    p.add_argument('--dir', default='/dev/shm',
                   help='where the pool files go (default %(default)s)')
    args = p.parse_args()
    if args.quick:
        args.rounds = min(args.rounds, 2)
        args.scale *= 0.2
    if args.rounds < 1 or args.scale <= 0:
        p.error('--rounds and --scale must be positive')
    print(cpu_line())
    print('rounds %d, scale %g, PMEM_IS_PMEM_FORCE=1, files in %s'
          % (args.rounds, args.scale, args.dir))
    sys.stdout.flush()
    runner = Runner(args)
    try:
        names, samples = runner.measure()
    finally:
        os.rmdir(runner.dir)
    report(runner, names, samples, args.csv)


if __name__ == '__main__':
    main()
