#!/usr/bin/env python3
"""Train the centromere model (seed 000) and export models/centromere/<version>/.

Inputs are what our CLI writes, so a group can train on its own data the same way:
  DATA/<genome>/features/features.tsv   genomeinfer features --fasta genome.fa --out features --bin-bp BIN
  DATA/<genome>/centromeres.bed         truth: one or more centromere intervals per chromosome
For real data: index your assembly (samtools faidx), run `genomeinfer features`, and put
your centromere BED (e.g. from CENH3 ChIP-seq or a curated CentO annotation) beside it.

Architecture (seed 000): Linear(8 -> d_model), sinusoidal positions (computed in the graph),
transformer encoder, position head (Linear + sigmoid), multi-scale Conv1D (3, 11, 25) feeding
the range head (start, end, confidence per bin). Weighted BCE, AdamW, threshold searched on
the validation genomes. The range head learns, for centromere bins, log1p of the distance in
bins to the array's start and end; at inference it refines region boundaries.

Run with Debian's /usr/bin/python3 (python3-torch, python3-onnx):
  /usr/bin/python3 models/centromere/train.py --data .cache/centromere --train seed101,... --val seed111,...
"""
import argparse, glob, hashlib, json, math, os, random, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED_FEATURES = [f'{k}_{f}' for k in (64, 128, 256, 512) for f in ('highlighted_percent', 'coverage_depth_avg')]
# Beyond the eight (centromere@5 on): what repeats, not only how much; see the README's
# "Centromere features". Source = the manifest's input.tracks[].source.
EXTRA_FEATURES = {'tandem_near_fraction': 'tandem', 'tandem_period': 'tandem', 'tandem_period_share': 'tandem',
                  'family_shared_fraction': 'family', 'chromosome_end_distance_mb': 'position'}
FEATURE_SETS = {'seed': SEED_FEATURES, 'all': SEED_FEATURES + list(EXTRA_FEATURES)}
FEATURES = SEED_FEATURES  # set from --features in main()
# chromosome_end_distance_mb is capped at this many Mb (END_DISTANCE_CAP_MB in
# src/features/positionFeatures.ts); applied again on reading, for features.tsv files
# written before the cap.
END_DISTANCE_CAP_MB = 2.0
# Heavy-tailed features get log1p before the z-score.
LOG1P = {'tandem_period', 'chromosome_end_distance_mb'}


def source_of(name):
    return EXTRA_FEATURES.get(name, 'kmer')
ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(ROOT))
from transformer import EncoderLayer, frequencies, segment_attention_bias, sinusoidal_positions, sinusoidal_positions_at  # noqa: E402


# ---------------------------------------------------------------- data
def read_features(path):
    """features.tsv -> {chrom: (starts[int], ends[int], X[bins, len(FEATURES)] float32)} in file order."""
    chroms = {}
    with open(path) as f:
        header = f.readline().rstrip('\n').lstrip('#').split('\t')
        missing = [n for n in FEATURES if n not in header]
        assert not missing, f'{path}: no columns {missing} (rerun genomeinfer features)'
        cols = [header.index(n) for n in FEATURES]
        rows = {}
        for line in f:
            v = line.rstrip('\n').split('\t')
            rows.setdefault(v[0], []).append((int(v[1]), int(v[2]), [float(v[j]) for j in cols]))
    for c, r in rows.items():
        values = np.array([row[2] for row in r], dtype=np.float32)
        if 'chromosome_end_distance_mb' in FEATURES:
            j = FEATURES.index('chromosome_end_distance_mb')
            values[:, j] = np.minimum(values[:, j], END_DISTANCE_CAP_MB)
        chroms[c] = (np.array([row[0] for row in r]), np.array([row[1] for row in r]), values)
    return chroms


def read_bed(path):
    out = {}
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith(('#', 'track', 'browser')):
                continue
            c, s, e = line.split('\t')[:3]
            out.setdefault(c, []).append((int(s), int(e)))
    return out


def labels_for(starts, ends, intervals):
    """Per bin: label (>= half covered), log1p bins to the array start and end (0 outside)."""
    n = len(starts)
    y = np.zeros(n, dtype=np.float32)
    to_start = np.zeros(n, dtype=np.float32)
    to_end = np.zeros(n, dtype=np.float32)
    bin_bp = int(ends[0] - starts[0]) if n else 1
    for s, e in intervals:
        cover = np.clip(np.minimum(ends, e) - np.maximum(starts, s), 0, None)
        inside = 2 * cover >= (ends - starts)
        y[inside] = 1
        centre = (starts + ends) / 2
        to_start[inside] = np.log1p(np.maximum(centre[inside] - s, 0) / bin_bp)
        to_end[inside] = np.log1p(np.maximum(e - centre[inside], 0) / bin_bp)
    return y, to_start, to_end


class Genome:
    def __init__(self, directory):
        self.name = os.path.basename(directory.rstrip('/'))
        self.chroms = read_features(os.path.join(directory, 'features', 'features.tsv'))
        truth = read_bed(os.path.join(directory, 'centromeres.bed'))
        # Known non-centromeric tandem arrays (simulate's decoys.bed), if any: hard negatives.
        decoys_path = os.path.join(directory, 'decoys.bed')
        decoys = read_bed(decoys_path) if os.path.exists(decoys_path) else {}
        self.items = []
        for c, (s, e, x) in self.chroms.items():
            y, ts, te = labels_for(s, e, truth.get(c, []))
            decoy = labels_for(s, e, decoys.get(c, []))[0]
            self.items.append((c, s, e, x, y, ts, te, truth.get(c, []), decoy))


def normalization(genomes):
    """log1p for depths, then z-score with training-set statistics."""
    xs = np.concatenate([it[3] for g in genomes for it in g.items])
    stats = []
    for j, name in enumerate(FEATURES):
        log = 'depth' in name or name in LOG1P
        col = np.log1p(xs[:, j]) if log else xs[:, j]
        stats.append({'log1p': log, 'mean': float(col.mean()), 'std': float(max(col.std(), 1e-6))})
    return stats


def normalize(x, stats):
    out = np.empty_like(x)
    for j, st in enumerate(stats):
        col = np.log1p(x[:, j]) if st['log1p'] else x[:, j]
        out[:, j] = (col - st['mean']) / st['std']
    return out


# ---------------------------------------------------------------- model
class CentromereModel(nn.Module):
    """With masked=True the input carries two layout channels after the features (LAYOUT):
    each bin's segment id (0: padding) and its position in its own single-pass input.
    Attention stays within a segment id and positions come from the channel, so contigs
    packed side by side in one input come out exactly as each alone, and padding is never
    seen (genomeinfer's `layout` tracks)."""
    def __init__(self, d_model=64, nhead=4, layers=2, ff=128, dropout=0.1, n_features=None, masked=False):
        super().__init__()
        self.d_model = d_model
        self.masked = masked
        self.input_projection = nn.Linear(n_features or len(FEATURES), d_model)
        self.layers = nn.ModuleList([EncoderLayer(d_model, nhead, ff, dropout) for _ in range(layers)])
        self.position_head = nn.Linear(d_model, 1)
        c = d_model // 2
        self.convs = nn.ModuleList([nn.Conv1d(d_model, c, k, padding=k // 2) for k in (3, 11, 25)])
        self.range_head = nn.Linear(3 * c, 3)
        self.register_buffer('div_term', frequencies(d_model))

    def forward(self, tracks):  # [batch, features, bins] (NCL, as the engine feeds track models)
        x = tracks.transpose(1, 2)
        if self.masked:
            nf = x.shape[2] - len(LAYOUT)
            h = self.input_projection(x[:, :, :nf]) + sinusoidal_positions_at(x[:, :, nf + 1], self.div_term)
            bias = segment_attention_bias(x[:, :, nf])
        else:
            h = self.input_projection(x) + sinusoidal_positions(x.shape[1], self.div_term)
            bias = None
        for layer in self.layers:
            h = layer(h, bias)
        probs = torch.sigmoid(self.position_head(h)).transpose(1, 2)  # [batch, 1, bins]
        hc = h.transpose(1, 2)
        ms = torch.cat([F.relu(conv(hc)) for conv in self.convs], dim=1)
        ranges = self.range_head(ms.transpose(1, 2)).transpose(1, 2)  # [batch, 3, bins]
        return probs, ranges


# ---------------------------------------------------------------- training
# The masked model's layout channels (genomeinfer track source "layout").
LAYOUT = ('input_segment', 'input_position')


def with_layout(window, valid):
    """[bins, features] -> [bins, features + 2]: segment id 1 where valid (0: padding), position 0..bins-1."""
    n = len(window)
    return np.concatenate([window, valid[:, None].astype(np.float32), np.arange(n, dtype=np.float32)[:, None]], axis=1)


def crops(genomes, stats, length, rng, decoy_crops=0.0, context=0, masked=False, short_crops=0.0):
    """An endless stream of (x, y, to_start, to_end, decoy, no_satellite, valid) crops; half of
    them hit a centromere, `decoy_crops` of them a decoy array (where the chromosome has one).
    A crop may reach up to `context` bins past either chromosome end, zero-padded (0 in
    normalized space) as the engine pads a chromosome's first and last segments; `valid` is 0
    there, so padding carries no loss. Without it the model would meet padding only at
    inference, right where subtelomeric satellites and the 45S NOR sit."""
    items = [(normalize(it[3], stats), *it[4:7], it[8], no_satellite(it[3])) for g in genomes for it in g.items]
    # Decoy arrays as runs of bins: a decoy crop picks an array first, so a 20-kb subtelomeric
    # array is drawn as often as a 500-kb rDNA one.
    arrays = []
    for *_, dm, _ns in items:
        edges = np.flatnonzero(np.diff(np.concatenate([[0], dm, [0]])))
        arrays.append(list(zip(edges[::2], edges[1::2])))
    while True:
        k = rng.randrange(len(items))
        x, y, ts, te, dm, ns = items[k]
        n = len(y)
        pos = np.flatnonzero(y)
        u = rng.random()
        lo, hi = -context, max(-context, n - length + context)  # first bin of the crop: its range
        if len(pos) and u < 0.5:
            centre = pos[rng.randrange(len(pos))]
            start = min(max(lo, centre - rng.randrange(length)), hi)
        elif arrays[k] and u < 0.5 + decoy_crops:
            a, b = arrays[k][rng.randrange(len(arrays[k]))]
            centre = a + rng.randrange(b - a)
            start = min(max(lo, centre - rng.randrange(length)), hi)
        else:
            start = rng.randrange(lo, hi + 1)
        a, b = max(0, start), min(n, start + length)
        before, after = a - start, length - (b - start)
        valid = np.zeros(length, dtype=np.float32)
        valid[before:length - after] = 1
        xs = np.pad(x[a:b], ((before, after), (0, 0)))
        if masked and rng.random() < short_crops:
            # A short contig as the engine packs it: 8-512 bins from the context on, the rest padding.
            keep = int(math.exp(rng.uniform(math.log(8), math.log(length - 2 * context))))
            lo_keep = context
            inside = np.zeros(length, dtype=np.float32)
            inside[lo_keep:lo_keep + keep] = 1
            valid = valid * inside
            xs = xs * valid[:, None]
        if masked:
            xs = with_layout(xs, valid)
        ys, tss, tes, ds, nss = (np.pad(v[a:b], (before, after)) for v in (y, ts, te, dm, ns))
        yield xs, ys, tss, tes, ds, nss, valid


def batch(stream, size):
    parts = zip(*(next(stream) for _ in range(size)))
    xs, *rest = (np.stack(p) for p in parts)
    return (torch.tensor(xs).transpose(1, 2), *(torch.tensor(r) for r in rest))


def no_satellite(raw):
    """1.0 where a bin shows no tandem satellite (period share and family fraction < 0.1, raw
    values; 1.0 everywhere when the feature set lacks them): the flank bins worth weighting."""
    cols = [FEATURES.index(n) for n in ('tandem_period_share', 'family_shared_fraction') if n in FEATURES]
    if not cols:
        return np.ones(len(raw), dtype=np.float32)
    return (raw[:, cols] < 0.1).all(axis=1).astype(np.float32)


def loss_fn(probs, ranges, y, ts, te, pos_weight, decoy=None, decoy_weight=1.0, edge_weight=1.0, edge_bins=0, flank_ok=None, valid=None):
    p = probs[:, 0].clamp(1e-6, 1 - 1e-6)
    w = 1 + (pos_weight - 1) * y
    if decoy is not None:
        w = w + (decoy_weight - 1) * decoy * (1 - y)
    if edge_bins > 0 and edge_weight != 1.0:
        # Flanks: the TE-dense pericentromere next to an array is where calls overrun its ends,
        # and a few kb of overrun on each side is what separates IoU 0.9 from 0.97.
        near = F.max_pool1d(y[:, None], 2 * edge_bins + 1, stride=1, padding=edge_bins)[:, 0]
        # Only flank bins without satellite evidence: an aged, diverged array edge that the
        # truth leaves out must not teach the model to doubt the array's own edges.
        w = w + (edge_weight - 1) * near * (1 - y) * (flank_ok if flank_ok is not None else 1)
    if valid is not None:
        w = w * valid  # padding past a chromosome end: the engine discards those bins
    bce = F.binary_cross_entropy(p, y, weight=w)
    conf = F.binary_cross_entropy_with_logits(ranges[:, 2], y, pos_weight=torch.tensor(pos_weight),
                                              weight=valid if valid is not None else None)
    inside = y > 0
    reg = (F.smooth_l1_loss(ranges[:, 0][inside], ts[inside]) + F.smooth_l1_loss(ranges[:, 1][inside], te[inside])) if inside.any() else probs.sum() * 0
    return bce + 0.5 * conf + 0.5 * reg


# ---------------------------------------------------------------- inference as the engine does it
def predict_chromosome(model, x, segment, context):
    """Segments of `segment` bins with `context` on both sides, zero padding (0 in normalized
    space) outside the chromosome, blended with triangular weights — as genomeinfer does."""
    n = len(x)
    width = segment + 2 * context
    acc = np.zeros((4, n))
    wsum = np.zeros(n)
    w = np.minimum(np.arange(width) + 0.5, width - np.arange(width) - 0.5)
    with torch.no_grad():
        for first in range(0, n, segment):
            lo = first - context
            window = np.zeros((width, x.shape[1]), dtype=np.float32)
            a, b = max(0, lo), min(n, lo + width)
            window[a - lo:b - lo] = x[a:b]
            if getattr(model, 'masked', False):
                inside = np.zeros(width, dtype=np.float32)
                inside[a - lo:b - lo] = 1
                window = with_layout(window, inside)
            probs, ranges = model(torch.tensor(window).T.unsqueeze(0))
            out = torch.cat([probs, ranges], dim=1)[0].numpy()
            acc[:, a:b] += out[:, a - lo:b - lo] * w[a - lo:b - lo]
            wsum[a:b] += w[a - lo:b - lo]
    return acc / wsum


REACH_BINS = 32  # RANGE_REACH_BINS in src/regions/callRegions.ts


def call_top_region(p, starts, ends, threshold, merge_gap_bins, ranges=None, fallback=None):
    """As genomeinfer's callRegions with top_n 1: runs of bins >= threshold, runs at most
    merge_gap_bins apart merged, the one with the largest probability mass kept; refined by
    the range head when given (see below). With no bin >= threshold, `fallback` (when given)
    is the threshold instead."""
    if fallback is not None and fallback < threshold and not (p >= threshold).any():
        threshold = fallback
    above = p >= threshold
    runs = []
    i = 0
    while i < len(p):
        if not above[i]:
            i += 1
            continue
        j = i
        while j < len(p) and above[j]:
            j += 1
        if runs and i - runs[-1][1] <= merge_gap_bins:
            runs[-1][1] = j
        else:
            runs.append([i, j])
        i = j
    if not runs:
        return None
    i, j = max(runs, key=lambda r: (p[r[0]:r[1]].sum(), -r[0]))
    s, e = int(starts[i]), int(ends[j - 1])
    if ranges is not None:
        bin_bp = ends[0] - starts[0]
        centre = (starts[i:j] + ends[i:j]) / 2
        d_start, d_end = np.expm1(ranges[0, i:j]), np.expm1(ranges[1, i:j])
        # As refineWithRanges: only bins the range head puts inside an array (confidence
        # logit > 0) and within REACH bins of the edge they estimate: those can see that edge.
        inside = ranges[2, i:j] > 0
        near_s, near_e = inside & (d_start <= REACH_BINS), inside & (d_end <= REACH_BINS)
        if near_s.any():
            s = max(0, int(round(np.median((centre - d_start * bin_bp)[near_s]))))
        if near_e.any():
            e = min(int(ends[-1]), int(round(np.median((centre + d_end * bin_bp)[near_e]))))
        if not s < e:
            s, e = int(starts[i]), int(ends[j - 1])
    return (s, e)


def iou(a, b):
    if a is None or b is None:
        return 0.0
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def evaluate(model, genomes, stats, segment, context, grid):
    """Mean per-chromosome IoU of the top region for each (threshold, merge gap in bins,
    range refinement) in the grid."""
    preds = []
    for g in genomes:
        for c, s, e, x, y, ts, te, truth, _ in g.items:
            out = predict_chromosome(model, normalize(x, stats), segment, context)
            preds.append((out, s, e, truth[0] if truth else None))
    return {(t, gap, refine, fb): float(np.mean([iou(call_top_region(o[0], s, e, t, gap, o[1:4] if refine else None, fb), tr)
                                                  for o, s, e, tr in preds]))
            for t, gap, refine, fb in grid}


# ---------------------------------------------------------------- export
class ProbabilitiesOnly(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, tracks):
        return self.model(tracks)[0]


def export(model, stats, args, best, val_scores, out_dir):
    threshold, merge_gap_bins, refine, fallback = best
    val_iou = val_scores[best]
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    onnx_path = os.path.join(out_dir, 'model.onnx')
    masked = getattr(model, 'masked', False)
    channels = len(FEATURES) + (len(LAYOUT) if masked else 0)
    dummy = torch.zeros(1, channels, 64)
    if masked:
        # Probabilities only: the range head's convolutions would see across packed contigs. The
        # wrapper is put in eval mode first: export restores a module's mode afterwards, and a
        # fresh wrapper's (training) would switch the model's dropout back on for the test block.
        torch.onnx.export(ProbabilitiesOnly(model).eval(), dummy, onnx_path, input_names=['tracks'], output_names=['probs'],
                          opset_version=17, dynamic_axes={'tracks': {0: 'batch', 2: 'bins'}, 'probs': {0: 'batch', 2: 'bins'}})
    else:
        torch.onnx.export(model, dummy, onnx_path, input_names=['tracks'], output_names=['probs', 'ranges'],
                          opset_version=17, dynamic_axes={'tracks': {0: 'batch', 2: 'bins'}, 'probs': {0: 'batch', 2: 'bins'},
                                                          'ranges': {0: 'batch', 2: 'bins'}})
    # Test block: a short synthetic input (raw feature values) and the PyTorch outputs.
    rng = np.random.default_rng(0)
    typical = {'tandem_near_fraction': (0.3, 0.9), 'tandem_period': (50, 155), 'tandem_period_share': (0.2, 0.8),
               'family_shared_fraction': (0.1, 0.6), 'chromosome_end_distance_mb': (3, 8)}
    low = np.array([typical.get(n, (30, 100) if 'percent' in n else (3, 500))[0] for n in FEATURES], dtype=np.float32)
    high = np.array([typical.get(n, (30, 100) if 'percent' in n else (3, 500))[1] for n in FEATURES], dtype=np.float32)
    raw = np.abs(rng.normal(size=(48, len(FEATURES)))).astype(np.float32) * low
    raw[16:32] = high
    test_input = normalize(raw, stats)
    layout = {}
    if masked:
        # Two segment ids (a contig packed after another) and padding at the end.
        seg = np.array([1.0] * 20 + [2.0] * 24 + [0.0] * 4, dtype=np.float32)
        position = np.array(list(range(20)) + list(range(128, 152)) + list(range(4)), dtype=np.float32)
        layout = {'input_segment': seg, 'input_position': position}
        test_input = np.concatenate([test_input, seg[:, None], position[:, None]], axis=1)
    with torch.no_grad():
        probs, _ = model(torch.tensor(test_input).T.unsqueeze(0))
    with open(onnx_path, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    manifest = {
        'name': 'centromere', 'version': args.version,
        'description': ('Centromere (CentO satellite array) caller after seed 000: transformer encoder over per-bin '
                        + ('k-mer repeat features' if FEATURES == SEED_FEATURES else
                           'k-mer repeat, tandem-period, genome-wide repeat-family and position features')
                        + (', segment-masked attention over the layout tracks (contigs packed side by side exactly), position head '
                           '(the range head trained alongside is not exported). ' if masked else
                           ', position head + multi-scale Conv1D range head refining boundaries. ') +
                        f'd_model {args.d_model}, {args.layers} layers, {args.nhead} heads, {args.bin_bp}-bp bins.'),
        'labels': ['centromere'],
        'trained_on': (f'simulated rice-like genomes (genomeinfer simulate): {", ".join(dict.fromkeys(args.train))}; '
                       f'validated on {", ".join(args.val)} (mean per-chromosome IoU {val_iou:.3f})'),
        'license': 'MIT',
        'sha256': sha,
        'input': {'kind': 'tracks', 'tensor': 'tracks', 'bin_bp': args.bin_bp, 'segment_bins': args.segment,
                  'context_bins': args.context,
                  'tracks': [{'name': n, 'source': source_of(n), 'normalization': st} for n, st in zip(FEATURES, stats)]
                  + [{'name': n, 'source': 'layout', 'normalization': {'log1p': False, 'mean': 0.0, 'std': 1.0}} for n in (LAYOUT if masked else ())]},
        'output': {'probabilities': 'probs'} if masked else {'probabilities': 'probs', 'ranges': 'ranges'},
        'postprocess': {'threshold': threshold, 'min_region_bp': 0, 'merge_gap_bp': merge_gap_bins * args.bin_bp, 'top_n': 1,
                        'stitch': 'blend', 'refine_with_ranges': bool(refine),
                        **({'fallback_threshold': fallback} if fallback is not None else {})},
        'test': {'tracks': {**{n: [float(v) for v in raw[:, j]] for j, n in enumerate(FEATURES)},
                            **{n: [float(v) for v in vs] for n, vs in layout.items()}},
                 'expected': [[float('%.7g' % v) for v in probs[0, 0].tolist()]], 'atol': 1e-4},
    }
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    # PyTorch weights and architecture, for the ONNX parity test and for fine-tuning.
    torch.save(model.state_dict(), os.path.join(out_dir, 'model.pt'))
    with open(os.path.join(out_dir, 'train_config.json'), 'w') as f:
        json.dump({'d_model': args.d_model, 'nhead': args.nhead, 'layers': args.layers, 'ff': 2 * args.d_model,
                   'steps': args.steps, 'batch': args.batch, 'lr': args.lr, 'pos_weight': args.pos_weight,
                   'decoy_weight': args.decoy_weight, 'decoy_crops': args.decoy_crops,
                   'edge_weight': args.edge_weight, 'edge_bins': args.edge_bins, 'init': args.init,
                   'crop_bins': args.segment + 2 * args.context, 'seed': args.seed, 'features': FEATURES, 'masked': masked,
                   'train': args.train, 'val': args.val,
                   'validation_iou': [{'threshold': t, 'merge_gap_bp': gap * args.bin_bp, 'refine': r, 'fallback_threshold': fb, 'iou': v}
                                      for (t, gap, r, fb), v in val_scores.items()]}, f, indent=2)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', required=True)
    ap.add_argument('--train', required=True, type=lambda s: s.split(','))
    ap.add_argument('--val', required=True, type=lambda s: s.split(','))
    ap.add_argument('--bin-bp', type=int, default=1000)
    ap.add_argument('--segment', type=int, default=512)
    ap.add_argument('--context', type=int, default=128)
    ap.add_argument('--d-model', type=int, default=64)
    ap.add_argument('--nhead', type=int, default=4)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--steps', type=int, default=600)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=5e-4)
    ap.add_argument('--pos-weight', type=float, default=10.0)
    ap.add_argument('--decoy-weight', type=float, default=1.0, help='loss weight of bins in decoys.bed arrays (hard negatives)')
    ap.add_argument('--edge-weight', type=float, default=1.0, help='loss weight of non-centromere bins within --edge-bins of an array')
    ap.add_argument('--edge-bins', type=int, default=0)
    ap.add_argument('--decoy-crops', type=float, default=0.0, help='share of training crops centred on a decoy array')
    ap.add_argument('--merge-gaps-bp', type=lambda s: [int(x) for x in s.split(',')], default=[0, 2000, 5000, 10000, 20000],
                    help='merge gaps to search on validation (with the thresholds and range refinement)')
    ap.add_argument('--features', choices=sorted(FEATURE_SETS), default='seed',
                    help='seed: the eight k-mer features (centromere@1-4); all: plus tandem, family and position (centromere@5)')
    ap.add_argument('--version', default='1')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', default=None)
    ap.add_argument('--masked', action='store_true', help='segment-masked attention with layout channels (contigs packed exactly)')
    ap.add_argument('--short-crops', type=float, default=0.0, help='masked: share of crops cut to a short contig (8-512 bins)')
    ap.add_argument('--init', default=None, help='start from these weights (model.pt; a model over the eight seed features may '
                    'seed one over all features); with --steps 0, only re-validate and export')
    args = ap.parse_args()
    global FEATURES
    FEATURES = FEATURE_SETS[args.features]
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    # A genome named N times in --train is drawn N times as often (e.g. the full-length
    # genomes, whose Mb-scale rDNA decoys and long flanks the 0.15-scale ones lack); it is
    # loaded once and counts once in the normalization statistics.
    loaded = {g: Genome(os.path.join(args.data, g)) for g in dict.fromkeys(args.train)}
    train = [loaded[g] for g in args.train]
    val = [Genome(os.path.join(args.data, g)) for g in args.val]
    stats = normalization(list(loaded.values()))
    model = CentromereModel(args.d_model, args.nhead, args.layers, 2 * args.d_model, masked=args.masked)
    if args.init:
        state = torch.load(args.init)
        w = state['input_projection.weight']
        if w.shape[1] != len(FEATURES):
            # A model over the first len(w) features (e.g. centromere@4's eight): keep its
            # columns, the new features' columns start at zero, so training starts from it.
            assert FEATURES[:w.shape[1]] == SEED_FEATURES[:w.shape[1]], 'init weights take a prefix of the features'
            wide = torch.zeros(w.shape[0], len(FEATURES))
            wide[:, :w.shape[1]] = w
            state['input_projection.weight'] = wide
        model.load_state_dict(state)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-5)
    # Linear warm-up over the first 5% of steps, then cosine decay to 5% of the peak rate.
    warm = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, args.steps))))))
    stream = crops(train, stats, args.segment + 2 * args.context, rng, args.decoy_crops, args.context, args.masked, args.short_crops)
    started = time.time()
    for step in range(1, args.steps + 1):
        model.train()
        x, y, ts, te, dm, ns, valid = batch(stream, args.batch)
        probs, ranges = model(x)
        loss = loss_fn(probs, ranges, y, ts, te, args.pos_weight, dm, args.decoy_weight, args.edge_weight, args.edge_bins, ns, valid)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:
            print(f'step {step} loss {loss.item():.4f} ({time.time() - started:.0f} s)', file=sys.stderr, flush=True)
    model.eval()
    # The weights first: a failure in validation or export must not cost the training run.
    os.makedirs(args.out or os.path.join(ROOT, args.version), exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.out or os.path.join(ROOT, args.version), 'model.pt'))
    # Threshold, merge gap and whether to refine the ends with the range head: whichever
    # validates best; ties go to the earliest grid point (lower threshold, smaller gap, no
    # refinement). A larger gap bridges CRR insertions but also pulls in flanking TE clusters.
    # A fallback threshold calls chromosomes with no bin at the threshold (None: no fallback).
    # A masked model's range head is not exported: no range refinement.
    grid = [(t, gap // args.bin_bp, r, fb) for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95) for gap in args.merge_gaps_bp for r in ((0,) if args.masked else (0, 1))
            for fb in (None, 0.05, 0.15)]
    scores = evaluate(model, val, stats, args.segment, args.context, grid)
    for (t, gap, r, fb), v in scores.items():
        print(f'threshold {t} merge gap {gap * args.bin_bp} bp refine {r} fallback {fb}: mean chromosome IoU {v:.4f}', file=sys.stderr)
    best = max(grid, key=lambda k: scores[k])
    export(model, stats, args, best, scores, args.out or os.path.join(ROOT, args.version))
    print(f'exported threshold {best[0]}, merge gap {best[1] * args.bin_bp} bp, range refinement {bool(best[2])}, fallback {best[3]}, '
          f'validation IoU {scores[best]:.4f}', file=sys.stderr)


if __name__ == '__main__':
    main()
