#!/usr/bin/env python3
"""PyTorch eager reference for npm run bench:histone: the same weights (model.pt) on the same
segments the engine cuts (segment_bp core, context_bp both sides, N padding, batches of 8),
with reverse-complement averaging when the manifest asks for it. 2 threads, no grad.
Usage: histone_torch.py FASTA MODEL_DIR -> one JSON line {seconds, bases, segments}."""
import json, os, sys, time
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', 'histone'))
import train  # noqa: E402  (the architecture and the FASTA reader)

fasta, model_dir = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(model_dir, 'model.json')))
config = json.load(open(os.path.join(model_dir, 'train_config.json')))
inp = manifest['input']
bin_bp, seg_bp, ctx_bp = inp['bin_bp'], inp['segment_bp'], inp['context_bp']
rc = inp.get('reverse_complement_average', False)
torch.set_num_threads(2)
model = train.HistoneModel(manifest['labels'], config['channels'], config['d_model'], config['nhead'], config['layers'])
model.load_state_dict(torch.load(os.path.join(model_dir, 'model.pt')))
model.eval()
genome = train.read_fasta(fasta)
windows = [w for seq in genome.values() for _, w in train.segment_windows(seq, seg_bp // bin_bp, ctx_bp // bin_bp)]
started = time.time()
with torch.no_grad():
    for i in range(0, len(windows), 8):
        x = np.stack(windows[i:i + 8])
        p = model(torch.from_numpy(x))
        if rc:
            r = np.stack([train.reverse_complement(w) for w in x])
            p = (p + model(torch.from_numpy(r)).flip(-1)) / 2
seconds = time.time() - started
print(json.dumps({'seconds': seconds, 'bases': int(sum(len(s) for s in genome.values())), 'segments': len(windows)}))
