"""Transformer pieces shared by the centromere and histone models (models/*/train.py).

Attention is written out so the ONNX export is plain MatMul/Softmax, which every ONNX
Runtime build runs, and sinusoidal positions are computed in the graph for any length, so
no positional table is baked into the weights."""
import math
import torch
import torch.nn as nn


class SelfAttention(nn.Module):
    """Multi-head self-attention written out (exports to plain ONNX MatMul/Softmax)."""
    def __init__(self, d_model, nhead):
        super().__init__()
        self.nhead, self.d_head = nhead, d_model // nhead
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x, bias=None):
        """bias: optional additive attention bias, [batch, 1, n, n] (0 or a large negative)."""
        b, n, d = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.nhead, self.d_head).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.d_head)
        a = torch.softmax(scores if bias is None else scores + bias, dim=-1)
        return self.out((a @ v).transpose(1, 2).reshape(b, n, d))


class EncoderLayer(nn.Module):
    """Post-norm transformer encoder layer: attention, then a ReLU feed-forward."""
    def __init__(self, d_model, nhead, ff, dropout):
        super().__init__()
        self.attn = SelfAttention(d_model, nhead)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.ff = nn.Sequential(nn.Linear(d_model, ff), nn.ReLU(), nn.Dropout(dropout), nn.Linear(ff, d_model))
        self.drop = nn.Dropout(dropout)

    def forward(self, x, bias=None):
        x = self.norm1(x + self.drop(self.attn(x, bias)))
        return self.norm2(x + self.drop(self.ff(x)))


def frequencies(d_model):
    """The div_term of the sinusoidal encoding; models register it as a buffer."""
    return torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))


def sinusoidal_positions(n, div_term):
    """[n, d_model] sin/cos positions (interleaved), computed in the graph."""
    pos = torch.arange(n, dtype=torch.float32).unsqueeze(1) * div_term
    return torch.stack([torch.sin(pos), torch.cos(pos)], dim=-1).reshape(n, 2 * div_term.shape[0])


def sinusoidal_positions_at(pos, div_term):
    """[batch, n, d_model] sin/cos encodings of given positions ([batch, n] floats)."""
    angle = pos.unsqueeze(-1) * div_term
    return torch.stack([torch.sin(angle), torch.cos(angle)], dim=-1).reshape(*pos.shape, 2 * div_term.shape[0])


# A masked key's additive bias: exp(-1e9 - max) underflows to exactly 0 in float32.
MASKED = -1e9


def segment_attention_bias(segment):
    """[batch, 1, n, n] bias letting a bin attend only to bins of its own segment id (> 0):
    contigs packed side by side, and padding (id 0), do not see each other."""
    same = (segment.unsqueeze(2) == segment.unsqueeze(1)) & (segment.unsqueeze(1) > 0)
    return torch.where(same, torch.zeros((), dtype=torch.float32), torch.full((), MASKED, dtype=torch.float32)).unsqueeze(1)
