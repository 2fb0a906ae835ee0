#!/usr/bin/env python3
"""Plots pmembench's CSV: GB/s against size, one panel per operation.

usage: plot.py build/bench.csv build/bench.png [variant,variant,...]

Writes a gnuplot script with the data inline (next to the PNG, .gp) and
runs gnuplot.  By default it draws our automatic choice, PMDK's automatic
choice and PMDK's other paths, the best of our forced pairs, and plain
libc memcpy/memset as the bandwidth reference.
"""
import csv
import subprocess
import sys

DEFAULT = ['ours', 'pmdk', 'pmdk-sse2', 'pmdk-nomovnt', 'ours-nomovnt',
           'pmdk-clflush', 'plain']
STYLE = {
    'ours': 'lw 3 lc rgb "#d62728"',
    'pmdk': 'lw 2 lc rgb "#1f77b4"',
    'pmdk2': 'lw 1 lc rgb "#aec7e8"',
    'pmdk-sse2': 'lw 1 dt 2 lc rgb "#1f77b4"',
    'pmdk-nomovnt': 'lw 1 dt 3 lc rgb "#1f77b4"',
    'pmdk-cflopt': 'lw 1 dt 4 lc rgb "#17becf"',
    'pmdk-clflush': 'lw 1 dt 4 lc rgb "#9467bd"',
    'ours-nomovnt': 'lw 1 dt 3 lc rgb "#d62728"',
    'plain': 'lw 2 lc rgb "#2ca02c"',
}


def human(n):
    n = int(n)
    for unit, div in (('Mi', 1 << 20), ('Ki', 1 << 10)):
        if n % div == 0:
            return '%d%s' % (n // div, unit)
    return str(n)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    want = sys.argv[3].split(',') if len(sys.argv) > 3 else DEFAULT
    rows = [r for r in csv.DictReader(line for line in open(src)
                                      if not line.startswith("#"))
            if r["op"] != "startup"]
    ops = []
    for r in rows:
        if r['op'] not in ops:
            ops.append(r['op'])
    present = {r['variant'] for r in rows}
    series = [v for v in want if v in present]
    # The best of our forced pairs per (op, size): one extra line.
    pairs = sorted({r['variant'] for r in rows
                    if r['lib'] == 'ours' and
                    r['env'].startswith('PMEM_BACKEND=')})
    gp = ['set terminal pngcairo noenhanced size 1600,1900 font ",10"',
          'set output "%s"' % out,
          'set logscale x 2', 'set logscale y 2', 'set grid',
          'set format x "%.0b%B"', 'set xtics 8',
          'set key bottom right font ",9"',
          'set xlabel "bytes per call"', 'set ylabel "GB/s"',
          'set multiplot layout %d,2 title "pmembench: GB/s against size '
          '(median; no persistent memory, DRAM)"' % ((len(ops) + 1) // 2)]
    for op in ops:
        blocks = []
        plots = []
        for v in series + (['best-pair'] if pairs else []):
            if v == 'best-pair':
                best = {}
                for r in rows:
                    if r['op'] == op and r['variant'] in pairs:
                        s = int(r['size'])
                        g = float(r['gbps'])
                        if s not in best or g > best[s]:
                            best[s] = g
                pts = sorted(best.items())
                title = 'best forced pair of ours'
                style = 'lw 1 dt 2 lc rgb "#ff7f0e"'
            else:
                pts = sorted((int(r['size']), float(r['gbps']))
                             for r in rows
                             if r['op'] == op and r['variant'] == v)
                title = v
                style = STYLE.get(v, 'lw 1')
            if not pts:
                continue
            name = '$%s_%d' % (op, len(blocks))
            blocks.append('%s << EOD\n%s\nEOD' % (
                name, '\n'.join('%d %g' % p for p in pts)))
            plots.append('%s using 1:2 with linespoints %s pt 7 ps 0.5 '
                         'title "%s"' % (name, style, title))
        gp += blocks
        gp.append('set title "%s"' % op)
        gp.append('plot ' + ', \\\n  '.join(plots))
    # Last panel: ours against PMDK's automatic choice, every operation,
    # with the PMDK-against-itself ratios as the noise.
    blocks, plots = [], []
    palette = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e',
               '#8c564b', '#e377c2']
    for i, op in enumerate(ops):
        for v, style, title in (
                ('ours', 'lw 2 lc rgb "%s"' % palette[i % 7], op),
                ('pmdk2', 'lw 1 dt 3 lc rgb "#999999"',
                 'PMDK vs itself (noise)' if i == 0 else '')):
            pts = sorted((int(r['size']), float(r['ratio_vs_base']))
                         for r in rows if r['op'] == op and r['variant'] == v)
            if not pts:
                continue
            name = '$ratio_%d_%s' % (i, v)
            blocks.append('%s << EOD\n%s\nEOD' % (
                name, '\n'.join('%d %g' % p for p in pts)))
            plots.append('%s using 1:2 with linespoints %s pt 7 ps 0.4 %s'
                         % (name, style, 'title "%s"' % title if title
                            else 'notitle'))
    if plots:
        gp += blocks
        gp += ['set title "speed of ours / PMDK automatic (median of '
               'per-round ratios; >1: ours faster)"',
               'unset logscale y', 'set ylabel "ratio"',
               'set key top left font ",8"',
               'set yrange [0.6:1.8]', 'set arrow from graph 0, first 1 '
               'to graph 1, first 1 nohead lw 1 lc rgb "black"']
        gp.append('plot ' + ', \\\n  '.join(plots))
    gp.append('unset multiplot')
    script = out.rsplit('.', 1)[0] + '.gp'
    with open(script, 'w') as f:
        f.write('\n'.join(gp) + '\n')
    subprocess.run(['gnuplot', script], check=True)
    print('plot.py: wrote %s (script %s)' % (out, script))


if __name__ == '__main__':
    main()
