"""Choose postprocess.refine_with_period for a trained centromere model on validation genomes,
and write the model with it as a new version.

The model decides where a chromosome's call is (its threshold, merge gap and fallback, as in
its manifest); the call's ends then move to the array of its tandem period, as
src/regions/refineWithPeriod.ts does: P is the median raw `tandem_period` over the call's bins
with `tandem_period_share` >= MIN_SHARE; array bins have share >= MIN_SHARE and a period
within max(2 bp, TOLERANCE * P) of P; their runs, merged across gaps <= GAP, that overlap the
call give its ends (a period of P's family counts: P, or a monomer or HOR of it, 1-4 x
the other, as src/regions/periodFamily.ts); with EDGE_SHARE < MIN_SHARE, runs of bins with share >= EDGE_SHARE (and
the period) pulled back by EDGE_TRIM at each end may reach further out (aged, diverged array
edges, whose share falls below MIN_SHARE while the period holds). Prints the validation IoU
for each (MIN_SHARE, EDGE_SHARE, EDGE_TRIM, GAP) and without refinement; with --out, copies
the model (same ONNX file and weights) with the best setting into OUT as --version, with
postprocess.choose_by_shared_period when --shared-period is given (a genome-level step that
this script does not score: eval:centromere does).

  /usr/bin/python3 models/centromere/edge_refinement.py --model .cache/c7b-out \
      --data .cache/centromere6 --val seed1101,...,seed1302 [--out models/centromere/6 --version 6]
"""
import argparse, json, os, shutil, sys
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as T  # noqa: E402


def runs(mask, gap_bins):
    """[start, end) bin runs of mask, runs at most gap_bins apart merged."""
    out = []
    for b in np.flatnonzero(mask):
        if out and b - out[-1][1] <= gap_bins:
            out[-1][1] = b + 1
        else:
            out.append([b, b + 1])
    return out


MAX_HOR_ORDER = 4


def multiple_of(period, unit, tolerance):
    """As periodFamily.isMultipleOf (elementwise over period): m x unit, m in 1..MAX_HOR_ORDER,
    within max(2 bp, tolerance x unit)."""
    period = np.asarray(period, dtype=np.float64)
    m = np.round(period / unit) if unit > 0 else np.zeros_like(period)
    return (period > 0) & (m >= 1) & (m <= MAX_HOR_ORDER) & (np.abs(period - m * unit) <= max(2.0, tolerance * unit))


def same_family(period, p, tolerance):
    """As periodFamily.sameFamily: one of the bin's period and p is 1-4 x the other."""
    period = np.asarray(period, dtype=np.float64)
    with np.errstate(divide='ignore', invalid='ignore'):
        m = np.where(period > 0, np.round(p / np.where(period > 0, period, 1)), 0)
    divides = (period > 0) & (m >= 1) & (m <= MAX_HOR_ORDER) & (np.abs(p - m * period) <= np.maximum(2.0, tolerance * period))
    return multiple_of(period, p, tolerance) | divides


def refine(call, bin_bp, length, period, share, min_share, edge_share, tolerance, gap_bins, trim_bins=0):
    """As refineWithPeriod: a call (bp) moved to the runs of its tandem period's array (share
    >= min_share), reaching further out through bins with share >= edge_share pulled back by
    trim_bins (aged edges)."""
    if call is None:
        return None
    b0, b1 = call[0] // bin_bp, -(-call[1] // bin_bp)
    evidence = share[b0:b1] >= min_share
    if not evidence.any():
        return call
    p = float(np.median(period[b0:b1][evidence].astype(np.float64)))
    match = same_family(period, p, tolerance)
    core = [r for r in runs((share >= min_share) & match, gap_bins) if r[1] > b0 and r[0] < b1]
    if not core:
        return call
    s, e = core[0][0], core[-1][1]
    if edge_share < min_share:
        aged = [r for r in runs((share >= edge_share) & match, gap_bins) if r[1] > b0 and r[0] < b1]
        s, e = min(s, aged[0][0] + trim_bins), max(e, aged[-1][1] - trim_bins)
    return (int(s) * bin_bp, min(int(e) * bin_bp, length))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--val', required=True, type=lambda s: s.split(','))
    ap.add_argument('--min-shares', type=lambda s: [float(x) for x in s.split(',')], default=[0.05, 0.1, 0.15, 0.2])
    ap.add_argument('--edge-shares', type=lambda s: [float(x) for x in s.split(',')], default=[0.01, 0.02, 0.05, 0.1])
    ap.add_argument('--edge-trims-bp', type=lambda s: [int(x) for x in s.split(',')], default=[0, 1000, 2000, 3000])
    ap.add_argument('--gaps-bp', type=lambda s: [int(x) for x in s.split(',')], default=[5000, 10000, 20000])
    ap.add_argument('--tolerance', type=float, default=0.02)
    ap.add_argument('--shared-period', action='store_true', help='write postprocess.choose_by_shared_period: true')
    ap.add_argument('--out')
    ap.add_argument('--version')
    args = ap.parse_args()
    torch.set_num_threads(max(1, (os.cpu_count() or 2) // 2))
    manifest = json.load(open(os.path.join(args.model, 'model.json')))
    cfg = json.load(open(os.path.join(args.model, 'train_config.json')))
    T.FEATURES = cfg['features']
    stats = [t['normalization'] for t in manifest['input']['tracks'] if t['source'] != 'layout']
    geometry = manifest['input']
    post = manifest['postprocess']
    bin_bp = geometry['bin_bp']
    model = T.CentromereModel(cfg['d_model'], cfg['nhead'], cfg['layers'], cfg['ff'], n_features=len(T.FEATURES), masked=cfg.get('masked', False))
    model.load_state_dict(torch.load(os.path.join(args.model, 'model.pt')))
    model.eval()
    per, sh = T.FEATURES.index('tandem_period'), T.FEATURES.index('tandem_period_share')
    calls = []  # (call, ends, raw period, raw share, truth)
    for name in args.val:
        g = T.Genome(os.path.join(args.data, name))
        for c, s, e, x, y, ts, te, truth, _ in g.items:
            p = T.predict_chromosome(model, T.normalize(x, stats), geometry['segment_bins'], geometry['context_bins'])
            call = T.call_top_region(p[0], s, e, post['threshold'], post['merge_gap_bp'] // bin_bp,
                                     p[1:4] if post.get('refine_with_ranges') else None, post.get('fallback_threshold'))
            calls.append((call, int(e[-1]), x[:, per], x[:, sh], truth[0] if truth else None))
        print(f'{name}: {len(g.items)} chromosomes', file=sys.stderr, flush=True)

    def score(setting):
        ious = [T.iou(c if setting is None else refine(c, bin_bp, length, period, share, setting[0], setting[1], args.tolerance, setting[3] // bin_bp, setting[2] // bin_bp), tr)
                for c, length, period, share, tr in calls]
        return float(np.mean(ious)), float(min(ious))
    base = score(None)
    print(f'no refinement: mean IoU {base[0]:.4f} (min {base[1]:.3f}) over {len(calls)} chromosomes')
    # An edge share at min_share adds nothing, so its trim is moot: only trim 0 is tried there.
    results = {(m, a, t, g): score((m, a, t, g)) for m in args.min_shares for a in args.edge_shares if a <= m
               for t in args.edge_trims_bp if a < m or t == 0 for g in args.gaps_bp}
    for (m, a, t, g), (mean, low) in results.items():
        print(f'share >= {m:<5} edge share >= {a:<5} trim {t:>5} bp gaps <= {g:>6} bp: mean IoU {mean:.4f} (min {low:.3f})')
    # Best mean (to 4 decimals); ties go to the setting listed first (lowest shares, trims, gaps).
    best = max(results, key=lambda k: round(results[k][0], 4))
    m, a, t, g = best
    print(f'best: share >= {m}, edge share >= {a} trimmed {t} bp, gaps <= {g} bp: {results[best][0]:.4f} (without: {base[0]:.4f})')
    if not args.out:
        return
    os.makedirs(args.out, exist_ok=True)
    for f in ('model.onnx', 'model.pt', 'train_config.json'):
        shutil.copyfile(os.path.join(args.model, f), os.path.join(args.out, f))
    manifest['version'] = args.version or manifest['version']
    manifest['postprocess']['refine_with_period'] = {'min_share': m, 'period_tolerance': args.tolerance, 'merge_gap_bp': g}
    edges = ''
    if a < m:
        manifest['postprocess']['refine_with_period'].update(edge_share=a, edge_trim_bp=t)
        edges = f', reaching out through aged edges with share >= {a} less {t} bp'
    if args.shared_period:
        manifest['postprocess']['choose_by_shared_period'] = True
        manifest['description'] += (' Each chromosome\'s call is chosen genome-wide: where most chromosomes\' top calls share a tandem'
                                    ' period, a chromosome whose top call has another takes its heaviest call of the shared period.')
    manifest['description'] += (' Call edges moved to the array of the call\'s median tandem period (bins with share >= '
                                f'{m} and a period within {args.tolerance:.0%}, gaps <= {g} bp merged{edges}).')
    manifest['trained_on'] += (f'; edge refinement chosen on {", ".join(args.val)} '
                               f'(mean per-chromosome IoU {base[0]:.3f} without, {results[best][0]:.3f} with)')
    with open(os.path.join(args.out, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
