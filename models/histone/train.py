#!/usr/bin/env python3
"""Train the histone-mark model (seeds 001 + 002) and export models/histone/<version>/.

Inputs are real formats, so a group can train on its own ChIP-seq:
  --fasta genome.fa            indexed (genome.fa.fai beside it; plain FASTA, not bgzip)
  --mark NAME=FILE             one per mark: a peak BED (BED3+, narrowPeak, broadPeak) or a
                               coverage bigWig (.bw/.bigwig; a bin is positive when its mean
                               coverage is >= --coverage-threshold)
  --val-chroms chrA,chrB       held out from training: thresholds are chosen on them
A bin is positive when at least half of it lies in a peak.

Architecture (DESIGN.md, model 2): FASTA bytes -> one-hot in the graph (the nucleotide
encoding) -> seed 001's k-mer aggregation: parallel Conv1d over the one-hot with k = 5, 9, 15,
concatenated and mixed -> seed 002's hierarchical downsampling to bins (max-pool 4, then
conv + max-pool 5 twice: 100 bp per bin) -> transformer encoder over the bins (sinusoidal positions
computed in the graph) -> one sigmoid per mark per bin. One forward pass per segment yields
all its bins. Reverse-complement augmentation in training; reverse-complement averaging at
inference is a manifest option the engine applies.

Run with Debian's /usr/bin/python3 (python3-torch, python3-onnx):
  /usr/bin/python3 models/histone/train.py --fasta DATA/genome.fa \\
      --mark H3K4me3=DATA/H3K4me3.peaks.bed --mark H3K27me3=... --mark H3K9ac=... \\
      --val-chroms chr4 --version 1
"""
import argparse, hashlib, json, math, os, random, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(ROOT))
from transformer import EncoderLayer, frequencies, sinusoidal_positions  # noqa: E402
BIN_BP = 100
POOLS = (4, 5, 5)
MIN_REGION_BINS, MERGE_GAP_BINS = 2, 1  # postprocess min_region_bp and merge_gap_bp, in bins
KMERS = (5, 9, 15)
COMPLEMENT = bytes.maketrans(b'ACGTacgtN', b'TGCAtgcaN')


# ---------------------------------------------------------------- data
def read_fasta(path):
    """{chrom: uint8 array of the bases (as in the file, case kept)} via the .fai."""
    out = {}
    with open(path + '.fai') as fai, open(path, 'rb') as f:
        for line in fai:
            name, length, offset, line_bases, line_bytes = line.split('\t')[:5]
            length, offset, line_bases, line_bytes = int(length), int(offset), int(line_bases), int(line_bytes)
            lines = (length + line_bases - 1) // line_bases
            f.seek(offset)
            raw = f.read(max(0, (lines - 1) * line_bytes + (length - (lines - 1) * line_bases)))
            seq = raw.replace(b'\n', b'').replace(b'\r', b'')
            assert len(seq) == length, f'{path}: {name} has {len(seq)} bases, .fai says {length}'
            out[name] = np.frombuffer(seq, dtype=np.uint8)
    return out


def bin_labels_from_bed(path, lengths):
    cover = {c: np.zeros((n + BIN_BP - 1) // BIN_BP, dtype=np.float64) for c, n in lengths.items()}
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith(('#', 'track', 'browser')):
                continue
            c, s, e = line.split('\t')[:3]
            if c not in cover:
                continue
            s, e = int(s), int(e)
            for b in range(s // BIN_BP, min(len(cover[c]), (e - 1) // BIN_BP + 1)):
                cover[c][b] += max(0, min(e, (b + 1) * BIN_BP) - max(s, b * BIN_BP))
    return {c: (cover[c] * 2 >= np.minimum(BIN_BP, lengths[c] - np.arange(len(cover[c])) * BIN_BP)).astype(np.float32)
            for c in cover}


def bin_labels_from_bigwig(path, lengths, threshold):
    import pyBigWig
    bw = pyBigWig.open(path)
    out = {}
    for c, n in lengths.items():
        bins = (n + BIN_BP - 1) // BIN_BP
        if c not in bw.chroms():
            out[c] = np.zeros(bins, dtype=np.float32)
            continue
        v = np.nan_to_num(np.array(bw.values(c, 0, n), dtype=np.float64))
        means = np.add.reduceat(v, np.arange(0, n, BIN_BP)) / np.minimum(BIN_BP, n - np.arange(0, n, BIN_BP))
        out[c] = (means >= threshold).astype(np.float32)
    return out


def read_marks(specs, lengths, coverage_threshold):
    marks, labels = [], []
    for spec in specs:
        name, path = spec.split('=', 1)
        marks.append(name)
        big = path.lower().endswith(('.bw', '.bigwig'))
        labels.append(bin_labels_from_bigwig(path, lengths, coverage_threshold) if big else bin_labels_from_bed(path, lengths))
    return marks, {c: np.stack([l[c] for l in labels]) for c in lengths}


def reverse_complement(seq):
    return np.frombuffer(seq.tobytes().translate(COMPLEMENT)[::-1], dtype=np.uint8)


# ---------------------------------------------------------------- model
class BytesToOneHot(nn.Module):
    """ASCII bytes [batch, bp] -> one-hot [batch, 4, bp]; lowercase is a base, N/IUPAC zeros."""
    def __init__(self):
        super().__init__()
        self.register_buffer('upper', torch.tensor([65.0, 67.0, 71.0, 84.0]).view(1, 4, 1))
        self.register_buffer('lower', torch.tensor([97.0, 99.0, 103.0, 116.0]).view(1, 4, 1))

    def forward(self, bases):
        x = bases.float().unsqueeze(1)
        return ((x == self.upper) | (x == self.lower)).float()


class HistoneModel(nn.Module):
    def __init__(self, marks, channels=32, d_model=64, nhead=4, layers=2, dropout=0.1):
        super().__init__()
        self.onehot = BytesToOneHot()
        # Seed 001: k-mer aggregation, one Conv1d per k over the nucleotide encoding. These and
        # the mixing run at full resolution, so they are kept narrow (most of the cost per bp).
        self.kmer = nn.ModuleList([nn.Conv1d(4, channels // 2, k, padding=k // 2) for k in KMERS])
        # Batch norm after the motif detectors: without it, sparse motif filters barely learn
        # (only the broad GC signal did); at export it folds into the convolutions.
        self.kmer_norm = nn.BatchNorm1d(channels // 2 * len(KMERS))
        self.mix = nn.Conv1d(channels // 2 * len(KMERS), channels, 1)
        # Seed 002: hierarchical downsampling to bins: pool, then conv + pool per stage.
        widths = [channels, 48, d_model]
        self.stages = nn.ModuleList([nn.Conv1d(widths[i], widths[i + 1], 5, padding=2) for i in range(len(POOLS) - 1)])
        self.stage_norms = nn.ModuleList([nn.BatchNorm1d(widths[i + 1]) for i in range(len(POOLS) - 1)])
        self.layers = nn.ModuleList([EncoderLayer(d_model, nhead, 2 * d_model, dropout) for _ in range(layers)])
        self.head = nn.Linear(d_model, len(marks))
        self.register_buffer('div_term', frequencies(d_model))

    def forward(self, bases):  # uint8 [batch, bp] -> probs [batch, marks, bp / 100]
        x = self.onehot(bases)
        x = F.relu(self.kmer_norm(torch.cat([conv(x) for conv in self.kmer], dim=1)))
        x = F.max_pool1d(F.relu(self.mix(x)), POOLS[0])
        for conv, norm, pool in zip(self.stages, self.stage_norms, POOLS[1:]):
            x = F.max_pool1d(F.relu(norm(conv(x))), pool)
        h = x.transpose(1, 2)
        h = h + sinusoidal_positions(h.shape[1], self.div_term)
        for layer in self.layers:
            h = layer(h)
        return torch.sigmoid(self.head(h)).transpose(1, 2)


# ---------------------------------------------------------------- training
def crops(genome, labels, chroms, width_bins, rng):
    """An endless stream of (bases, labels) windows, bin-aligned, half of them reverse-complemented."""
    weights = np.array([len(labels[c][0]) for c in chroms], dtype=np.float64)
    weights /= weights.sum()
    while True:
        c = chroms[np.searchsorted(np.cumsum(weights), rng.random())]
        y = labels[c]
        first = rng.randrange(max(1, y.shape[1] - width_bins))
        seq = genome[c][first * BIN_BP:(first + width_bins) * BIN_BP]
        lab = y[:, first:first + width_bins]
        if len(seq) < width_bins * BIN_BP:
            continue
        if rng.random() < 0.5:
            seq, lab = reverse_complement(seq), lab[:, ::-1].copy()
        yield seq, lab


def segment_windows(seq, segment_bins, context_bins):
    """(first core bin, input bases) per segment, as the engine cuts them: fixed cores,
    context on both sides, N padding outside the chromosome."""
    n_bins = (len(seq) + BIN_BP - 1) // BIN_BP
    width = (segment_bins + 2 * context_bins) * BIN_BP
    for first in range(0, n_bins, segment_bins):
        lo = (first - context_bins) * BIN_BP
        window = np.full(width, ord('N'), dtype=np.uint8)
        a, b = max(0, lo), min(len(seq), lo + width)
        window[a - lo:b - lo] = seq[a:b]
        yield first, window


def predict_chromosome(model, seq, segment_bins, context_bins, marks, rc_average=True):
    """As the engine with stitch 'crop'; with rc_average (the manifest's reverse_complement_average,
    which export sets) each window is also predicted from its reverse complement, flipped back
    and averaged."""
    n_bins = (len(seq) + BIN_BP - 1) // BIN_BP
    out = np.zeros((len(marks), n_bins), dtype=np.float32)
    with torch.no_grad():
        for first, window in segment_windows(seq, segment_bins, context_bins):
            p = model(torch.from_numpy(window).unsqueeze(0))[0].numpy()
            if rc_average:
                p = (p + model(torch.from_numpy(reverse_complement(window).copy()).unsqueeze(0))[0].numpy()[:, ::-1]) / 2
            core = min(segment_bins, n_bins - first)
            out[:, first:first + core] = p[:, context_bins:context_bins + core]
    return out


def auc(y, p):
    order = np.argsort(p, kind='mergesort')
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    pos = y > 0.5
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)) if n1 and n0 else float('nan')


def mcc(y, pred):
    y = y > 0.5
    tp, tn = float((y & pred).sum()), float((~y & ~pred).sum())
    fp, fn = float((~y & pred).sum()), float((y & ~pred).sum())
    den = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / den if den else 0.0


def called_bins(p, threshold, min_region_bins=MIN_REGION_BINS, merge_gap_bins=MERGE_GAP_BINS):
    """The bins inside the regions the engine calls (src/regions/callRegions.ts): runs of bins
    >= threshold, runs at most merge_gap_bins apart merged, regions shorter than
    min_region_bins dropped. What `genomeinfer evaluate` scores for MCC."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], (p >= threshold).astype(np.int8), [0]])))
    runs = []
    for b0, b1 in zip(edges[::2], edges[1::2]):
        if runs and b0 - runs[-1][1] <= merge_gap_bins:
            runs[-1][1] = b1
        else:
            runs.append([b0, b1])
    out = np.zeros(len(p), dtype=bool)
    for b0, b1 in runs:
        if b1 - b0 >= min_region_bins:
            out[b0:b1] = True
    return out


def validate(model, genome, labels, chroms, args, marks):
    model.eval()
    probs = {c: predict_chromosome(model, genome[c], args.segment, args.context, marks, not args.forward_only) for c in chroms}
    report = {}
    for m, mark in enumerate(marks):
        y = np.concatenate([labels[c][m] for c in chroms])
        p = np.concatenate([probs[c][m] for c in chroms])
        # MCC of the called regions, as evaluate scores them, over cut-offs 0.10 ... 0.99.
        grid = np.concatenate([np.arange(0.1, 0.9, 0.05), np.arange(0.9, 0.995, 0.01)])
        best = max(((t, mcc(y, np.concatenate([called_bins(probs[c][m], t) for c in chroms]))) for t in grid), key=lambda x: x[1])
        report[mark] = {'auc': auc(y, p), 'mcc': best[1], 'threshold': round(float(best[0]), 2)}
    return report


# ---------------------------------------------------------------- export
def export(model, marks, report, args, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    onnx_path = os.path.join(out_dir, 'model.onnx')
    dummy = torch.tensor([list(b'ACGT' * 1000)], dtype=torch.uint8)
    torch.onnx.export(model, dummy, onnx_path, input_names=['bases'], output_names=['probs'], opset_version=17,
                      dynamic_axes={'bases': {0: 'batch', 1: 'bp'}, 'probs': {0: 'batch', 2: 'bins'}})
    with open(onnx_path, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    # Test block: a stretch of the first validation chromosome carrying marks, and the PyTorch output.
    genome_test = args._test_sequence
    with torch.no_grad():
        expected = model(torch.from_numpy(np.frombuffer(genome_test.encode('latin1'), dtype=np.uint8).copy()).unsqueeze(0))[0]
    summary = ', '.join(f'{m} AUC {r["auc"]:.3f} MCC {r["mcc"]:.3f}' for m, r in report.items())
    manifest = {
        'name': 'histone', 'version': args.version,
        'description': ('Histone marks from sequence after seeds 001 + 002: FASTA bytes one-hot encoded in the graph, '
                        f'k-mer aggregation convolutions (k = {", ".join(map(str, KMERS))}), hierarchical conv + pool '
                        f'downsampling to {BIN_BP}-bp bins, a transformer encoder over the bins, one sigmoid per mark per bin.'),
        'labels': marks,
        'trained_on': (f'simulated: genomeinfer simulate --epigenome ({args.fasta}); validated on held-out '
                       f'{",".join(args.val_chroms)} ({summary})'),
        'license': 'MIT',
        'sha256': sha,
        'input': {'kind': 'sequence', 'alphabet': 'ACGT', 'encoding': 'bytes', 'tensor': 'bases',
                  'segment_bp': args.segment * BIN_BP, 'bin_bp': BIN_BP, 'context_bp': args.context * BIN_BP,
                  'reverse_complement_average': True},
        'output': {'probabilities': 'probs'},
        'postprocess': {'threshold': {m: report[m]['threshold'] for m in marks}, 'min_region_bp': MIN_REGION_BINS * BIN_BP,
                        'merge_gap_bp': MERGE_GAP_BINS * BIN_BP, 'top_n': 0, 'stitch': 'crop'},
        'test': {'sequence': genome_test, 'expected': [[float('%.7g' % v) for v in row] for row in expected.tolist()], 'atol': 1e-4},
    }
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    torch.save(model.state_dict(), os.path.join(out_dir, 'model.pt'))
    with open(os.path.join(out_dir, 'train_config.json'), 'w') as f:
        json.dump({'marks': marks, 'channels': args.channels, 'd_model': args.d_model, 'nhead': args.nhead, 'layers': args.layers,
                   'steps': args.steps, 'batch': args.batch, 'lr': args.lr, 'segment_bins': args.segment, 'context_bins': args.context,
                   'seed': args.seed, 'pos_weight_max': args.pos_weight_max, 'init': args.init, 'fasta': args.fasta, 'marks_from': args.mark, 'val_chroms': args.val_chroms,
                   'validation': report}, f, indent=2)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--fasta', required=True)
    ap.add_argument('--mark', action='append', required=True, help='NAME=FILE (peak BED or coverage bigWig), once per mark')
    ap.add_argument('--val-chroms', required=True, type=lambda s: s.split(','))
    ap.add_argument('--coverage-threshold', type=float, default=5.0)
    ap.add_argument('--segment', type=int, default=200, help='core bins per segment')
    ap.add_argument('--context', type=int, default=30, help='context bins on each side')
    ap.add_argument('--channels', type=int, default=32)
    ap.add_argument('--d-model', type=int, default=64)
    ap.add_argument('--nhead', type=int, default=4)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--steps', type=int, default=1500)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--version', default='1')
    ap.add_argument('--out', default=None)
    ap.add_argument('--pos-weight-max', type=float, default=10.0,
                    help='cap on the per-mark positive weight (inverse frequency); lower makes false positives on decoys cost more')
    ap.add_argument('--checkpoint-every', type=int, default=0, help='every N steps: save model.step<N>.pt in the output folder and validate')
    ap.add_argument('--forward-only', action='store_true', help='validate without reverse-complement averaging (as histone@1 was validated)')
    ap.add_argument('--init', default=None, help='start from these weights (model.pt); with --steps 0, only validate and export')
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    genome = read_fasta(args.fasta)
    lengths = {c: len(s) for c, s in genome.items()}
    marks, labels = read_marks(args.mark, lengths, args.coverage_threshold)
    missing = [c for c in args.val_chroms if c not in genome]
    if missing:
        sys.exit(f'train.py: --val-chroms {",".join(missing)} not in {args.fasta}')
    train_chroms = [c for c in genome if c not in args.val_chroms]
    model = HistoneModel(marks, args.channels, args.d_model, args.nhead, args.layers)
    if args.init:
        model.load_state_dict(torch.load(args.init))
    # Positive bins are rare: weight them by the inverse frequency (capped) per mark.
    freq = np.array([np.concatenate([labels[c][m] for c in train_chroms]).mean() for m in range(len(marks))])
    pos_weight = torch.tensor(np.clip((1 - freq) / np.maximum(freq, 1e-6), 1, args.pos_weight_max), dtype=torch.float32).view(1, -1, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    warm = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, args.steps))))))
    stream = crops(genome, labels, train_chroms, args.segment + 2 * args.context, rng)
    started = time.time()
    for step in range(1, args.steps + 1):
        model.train()
        seqs, labs = zip(*(next(stream) for _ in range(args.batch)))
        x = torch.from_numpy(np.stack(seqs))
        y = torch.from_numpy(np.stack(labs))
        p = model(x).clamp(1e-6, 1 - 1e-6)
        loss = F.binary_cross_entropy(p, y, weight=1 + (pos_weight - 1) * y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:
            print(f'step {step} loss {loss.item():.4f} ({time.time() - started:.0f} s)', file=sys.stderr, flush=True)
        if args.checkpoint_every and step % args.checkpoint_every == 0 and step < args.steps:
            out_dir = args.out or os.path.join(ROOT, args.version)
            os.makedirs(out_dir, exist_ok=True)
            torch.save(model.state_dict(), os.path.join(out_dir, f'model.step{step}.pt'))
            for m, r in validate(model, genome, labels, args.val_chroms, args, marks).items():
                print(f'step {step} {m}: validation AUC {r["auc"]:.4f}, MCC {r["mcc"]:.4f} at threshold {r["threshold"]}', file=sys.stderr, flush=True)
    report = validate(model, genome, labels, args.val_chroms, args, marks)
    for m, r in report.items():
        print(f'{m}: validation AUC {r["auc"]:.4f}, MCC {r["mcc"]:.4f} at threshold {r["threshold"]}', file=sys.stderr)
    # Test block: 6 kb of the first validation chromosome around its first positive bin.
    c = args.val_chroms[0]
    first = int(np.flatnonzero(labels[c].max(axis=0))[0]) if labels[c].any() else 0
    lo = max(0, first * BIN_BP - 3000)
    args._test_sequence = genome[c][lo:lo + 6000].tobytes().decode('latin1')
    export(model, marks, report, args, args.out or os.path.join(ROOT, args.version))
    print(f'exported to {args.out or os.path.join(ROOT, args.version)}', file=sys.stderr)


if __name__ == '__main__':
    main()
