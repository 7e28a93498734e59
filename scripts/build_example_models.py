#!/usr/bin/env python3
"""Build the two *example* models shipped in models/ (run with Debian's /usr/bin/python3).

They are real ONNX models with real manifests, but their weights are fixed by hand, not
trained: their output can be derived independently (test/exampleModelReference.ts does it
in plain TypeScript), which makes them the engine's ground truth for stitching tests.

example-cpg  (sequence model; version 1 takes one-hot A,C,G,T channels-first [batch, 4, bp]
  built by the engine, version 2 takes the FASTA bytes as uint8 [batch, bp] and one-hot
  encodes them in the graph: A/C/G/T in either case -> channels, anything else -> zeros.
  Same weights, same output; v2 spares the engine writing 16 bytes per base.)
  per base: G/C indicator, CpG-start indicator, exact hits of a bank of 16 8-mers;
  per 100-bp bin: integer sums of those; then a sum over a 5-bin window (+-2 bins);
  prob = sigmoid(slope * (window_sum - midpoint)) for labels gc_rich, cpg_island, motif_dense.
  Receptive field of output bin j: bases [100*(j-2), 100*(j+3) + 7) -> context_bp 1000 is ample.
  Bases past the end of the input count as N (all-zero one-hot), exactly like zero padding.

example-signal (track model, [batch, 1, bins] of log1p+z-scored bigWig bin means):
  a 9-bin moving average, prob = sigmoid(4 * (avg - 1)). Receptive field +-4 bins.
"""
import hashlib, json, os, random, sys
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models')
ALPHABET = 'ACGT'
BIN_BP = 100
WINDOW_BINS = 5
MOTIFS = ['TATAAAAG', 'TATAAATA', 'CCAATCAG', 'GGGCGGGG', 'CACGTGAC', 'TGACGTCA', 'GCCACGTG',
          'TTGACCAA', 'CCGCGCGG', 'ACGTGGCA', 'AAAGTGAA', 'CATGCATG', 'GATAAGAT', 'CCACCTAC',
          'TGTCGGTT', 'AGCCGCCA']
# (slope, midpoint) per label, in units of the 5-bin window sum
SIGMOID = {'gc_rich': (0.05, 300.0), 'cpg_island': (0.2, 25.0), 'motif_dense': (1.0, 4.0)}
LABELS = list(SIGMOID)


class ExampleCpG(nn.Module):
    def __init__(self):
        super().__init__()
        self.gc = nn.Conv1d(4, 1, 1, bias=False)
        self.cpg = nn.Conv1d(4, 1, 2)
        self.motif = nn.Conv1d(4, len(MOTIFS), 8)
        self.bin_sum = nn.Conv1d(3, 3, BIN_BP, stride=BIN_BP, groups=3, bias=False)
        self.window = nn.Conv1d(3, 3, WINDOW_BINS, padding=WINDOW_BINS // 2, groups=3, bias=False)
        with torch.no_grad():
            self.gc.weight.zero_(); self.gc.weight[0, 1, 0] = 1; self.gc.weight[0, 2, 0] = 1
            self.cpg.weight.zero_(); self.cpg.weight[0, 1, 0] = 1; self.cpg.weight[0, 2, 1] = 1
            self.cpg.bias.fill_(-1)
            self.motif.weight.zero_()
            for m, motif in enumerate(MOTIFS):
                for j, b in enumerate(motif):
                    self.motif.weight[m, ALPHABET.index(b), j] = 1
            self.motif.bias.fill_(-7)
            self.bin_sum.weight.fill_(1)
            self.window.weight.fill_(1)
        slope = torch.tensor([SIGMOID[l][0] for l in LABELS]).view(1, 3, 1)
        mid = torch.tensor([SIGMOID[l][1] for l in LABELS]).view(1, 3, 1)
        self.register_buffer('slope', slope)
        self.register_buffer('mid', mid)

    def forward(self, onehot):
        gc = self.gc(onehot)
        cpg = F.relu(self.cpg(F.pad(onehot, (0, 1))))
        motif = F.relu(self.motif(F.pad(onehot, (0, 7)))).sum(dim=1, keepdim=True)
        per_base = torch.cat([gc, cpg, motif], dim=1)
        window = self.window(self.bin_sum(per_base))
        return torch.sigmoid(self.slope * (window - self.mid))


class BytesToOneHot(nn.Module):
    """ASCII bytes [batch, bp] -> one-hot [batch, 4, bp]; lowercase is a base, N/IUPAC zeros."""
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.register_buffer('upper', torch.tensor([float(ord(b)) for b in ALPHABET]).view(1, 4, 1))
        self.register_buffer('lower', torch.tensor([float(ord(b.lower())) for b in ALPHABET]).view(1, 4, 1))

    def forward(self, bases):
        x = bases.float().unsqueeze(1)
        return self.model(((x == self.upper) | (x == self.lower)).float())


class ExampleSignal(nn.Module):
    def __init__(self):
        super().__init__()
        self.avg = nn.Conv1d(1, 1, 9, padding=4, bias=False)
        with torch.no_grad():
            self.avg.weight.fill_(1 / 9)

    def forward(self, tracks):
        return torch.sigmoid(4 * (self.avg(tracks) - 1))


class ExampleKmer(nn.Module):
    """Mean highlighted fraction over the four k, averaged over 5 bins, through a sigmoid."""
    def __init__(self):
        super().__init__()
        self.avg = nn.Conv1d(8, 1, 5, padding=2, bias=False)
        with torch.no_grad():
            self.avg.weight.zero_()
            for c in (0, 2, 4, 6):  # the *_highlighted_percent channels
                self.avg.weight[0, c, :] = 1 / 20

    def forward(self, tracks):
        return torch.sigmoid(10 * (self.avg(tracks) - 0.5))


KMER_FEATURES = [f'{k}_{f}' for k in (64, 128, 256, 512) for f in ('highlighted_percent', 'coverage_depth_avg')]


def onehot(seq):
    x = torch.zeros(1, 4, len(seq))
    for i, b in enumerate(seq.upper()):
        if b in ALPHABET:
            x[0, ALPHABET.index(b), i] = 1
    return x


def export(model, dummy, input_name, path):
    length_axis = dummy.dim() - 1
    torch.onnx.export(model, dummy, path, input_names=[input_name], output_names=['probs'],
                      opset_version=17,
                      dynamic_axes={input_name: {0: 'batch', length_axis: 'length'}, 'probs': {0: 'batch', 2: 'bins'}})


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_manifest(directory, manifest):
    with open(os.path.join(directory, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')


def rounded(t):
    return [[float('%.7g' % v) for v in row] for row in t[0].tolist()]


def build_cpg(version):
    rng = random.Random(7)
    seq = ''.join(rng.choice('AACCGGTT' if i < 400 else 'ACGCGCGT') for i in range(1000))
    seq = seq[:100] + 'TATAAAAG' + 'GGGCGGGG' + seq[116:500] + 'NNNNNNNNNN' + seq[510:]
    seq = seq[:700] + seq[700:800].lower() + seq[800:]
    model = ExampleCpG().eval()
    d = os.path.join(ROOT, 'example-cpg', str(version))
    os.makedirs(d, exist_ok=True)
    onnx_path = os.path.join(d, 'model.onnx')
    if version == 1:
        encoding, tensor = 'onehot', 'onehot'
        export(model, onehot('ACGT' * 250), tensor, onnx_path)
    else:
        encoding, tensor = 'bytes', 'bases'
        export(BytesToOneHot(model).eval(), torch.tensor([list(b'ACGTacgtNR' * 100)], dtype=torch.uint8), tensor, onnx_path)
    with torch.no_grad():
        expected = model(onehot(seq))
    write_manifest(d, {
        'name': 'example-cpg', 'version': str(version),
        'description': 'EXAMPLE model with fixed, hand-set weights (not trained): per 100-bp bin, '
                       'sigmoid scores of G+C count, CpG count and hits of 16 promoter-like 8-mers '
                       'summed over a 500-bp window. Drives and tests the engine; its output is '
                       'derivable independently.' + (' Takes FASTA bytes and one-hot encodes them '
                       'in the graph.' if version == 2 else ' Takes one-hot input built by the engine.'),
        'labels': LABELS,
        'trained_on': 'not trained: fixed weights set by scripts/build_example_models.py',
        'license': 'MIT',
        'sha256': sha256(onnx_path),
        'input': {'kind': 'sequence', 'alphabet': 'ACGT', 'encoding': encoding, 'tensor': tensor,
                  'segment_bp': 100000, 'bin_bp': BIN_BP, 'context_bp': 1000,
                  # bases [100*(j-2), 100*(j+3) + 7): 207 bp past the bin's edge at most
                  'receptive_field_bp': 207},
        'output': {'probabilities': 'probs'},
        'postprocess': {'threshold': 0.5, 'min_region_bp': 300, 'merge_gap_bp': 200, 'top_n': 0,
                        'stitch': 'crop'},
        'test': {'sequence': seq, 'expected': rounded(expected), 'atol': 1e-5},
    })


def build_signal():
    model = ExampleSignal().eval()
    d = os.path.join(ROOT, 'example-signal', '1')
    os.makedirs(d, exist_ok=True)
    onnx_path = os.path.join(d, 'model.onnx')
    export(model, torch.zeros(1, 1, 64), 'tracks', onnx_path)
    raw = [0.0] * 10 + [5.0 * (1 + (i % 3)) for i in range(20)] + [0.5] * 10
    mean, std = 0.5, 1.0
    norm = torch.tensor([[[(torch.log1p(torch.tensor(v)).item() - mean) / std for v in raw]]])
    with torch.no_grad():
        expected = model(norm)
    write_manifest(d, {
        'name': 'example-signal', 'version': '1',
        'description': 'EXAMPLE track model with fixed weights (not trained): a 9-bin moving '
                       'average of a log1p/z-scored bigWig signal, sigmoid(4 * (avg - 1)).',
        'labels': ['signal_enriched'],
        'trained_on': 'not trained: fixed weights set by scripts/build_example_models.py',
        'license': 'MIT',
        'sha256': sha256(onnx_path),
        'input': {'kind': 'tracks', 'tensor': 'tracks', 'bin_bp': 100,
                  'segment_bins': 2000, 'context_bins': 20, 'receptive_field_bins': 4,
                  'tracks': [{'name': 'signal', 'source': 'bigwig',
                              'normalization': {'log1p': True, 'mean': mean, 'std': std}}]},
        'output': {'probabilities': 'probs'},
        'postprocess': {'threshold': 0.5, 'min_region_bp': 200, 'merge_gap_bp': 0, 'top_n': 0,
                        'stitch': 'crop'},
        'test': {'tracks': {'signal': raw}, 'expected': rounded(expected), 'atol': 1e-5},
    })


def build_kmer():
    model = ExampleKmer().eval()
    d = os.path.join(ROOT, 'example-kmer', '1')
    os.makedirs(d, exist_ok=True)
    onnx_path = os.path.join(d, 'model.onnx')
    export(model, torch.zeros(1, 8, 64), 'tracks', onnx_path)
    # Percent tracks are scaled to fractions; depths pass through log1p (unused by the weights).
    norm = {name: ({'log1p': False, 'mean': 0.0, 'std': 100.0} if 'percent' in name else {'log1p': True, 'mean': 0.0, 'std': 1.0})
            for name in KMER_FEATURES}
    raw = {name: ([0.0] * 8 + [100.0] * 8 + [40.0] * 8 if 'percent' in name else [1.0] * 8 + [30.0] * 8 + [2.0] * 8)
           for name in KMER_FEATURES}
    x = torch.tensor([[[(torch.log1p(torch.tensor(v)).item() if norm[n]['log1p'] else v) / norm[n]['std'] - norm[n]['mean']
                        for v in raw[n]] for n in KMER_FEATURES]])
    with torch.no_grad():
        expected = model(x)
    write_manifest(d, {
        'name': 'example-kmer', 'version': '1',
        'description': 'EXAMPLE track model with fixed weights (not trained) over the eight k-mer features '
                       'computed from the FASTA: sigmoid(10 * (mean highlighted fraction over k and 5 bins - 0.5)). '
                       'Exercises computed feature tracks before the trained centromere model.',
        'labels': ['repeat_dense'],
        'trained_on': 'not trained: fixed weights set by scripts/build_example_models.py',
        'license': 'MIT',
        'sha256': sha256(onnx_path),
        'input': {'kind': 'tracks', 'tensor': 'tracks', 'bin_bp': 1000, 'segment_bins': 512, 'context_bins': 16, 'receptive_field_bins': 2,
                  'tracks': [{'name': n, 'source': 'kmer', 'normalization': norm[n]} for n in KMER_FEATURES]},
        'output': {'probabilities': 'probs'},
        'postprocess': {'threshold': 0.5, 'min_region_bp': 2000, 'merge_gap_bp': 1000, 'top_n': 0, 'stitch': 'crop'},
        'test': {'tracks': raw, 'expected': rounded(expected), 'atol': 1e-5},
    })


if __name__ == '__main__':
    torch.manual_seed(0)
    build_cpg(1)
    build_cpg(2)
    build_signal()
    build_kmer()
    print('wrote models/example-cpg/{1,2}, models/example-signal/1 and models/example-kmer/1', file=sys.stderr)
