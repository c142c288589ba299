#!/usr/bin/python3
"""PyTorch cross-check of `emu-eval export` for LLaVA-1.5 (not part of npm test).

Writes the tiny random-weight LLaVA checkpoint the tests use (test/runners/export/tiny-llava-checkpoint.ts),
exports it with `emu-eval export`, runs the exported vision encoder and decoder through onnxruntime-node
(scripts/cross-check/run-exported.ts), and compares them with a plain-torch forward pass written from
transformers' modeling_clip.py (CLIPVisionEmbeddings, pre_layrnorm, CLIPEncoderLayer, quick_gelu,
hidden_states[-2]), modeling_llava.py (drop CLS, linear_1 → GELU → linear_2) and modeling_llama.py
(LlamaRMSNorm in float32, LlamaRotaryEmbedding, rotate_half, repeat_kv, causal softmax).
transformers itself is not needed. Usage: python3 scripts/cross-check/llava.py [--checkpoint DIR]
"""
import argparse, json, math, os, struct, subprocess, sys, tempfile

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def node(*args):
    subprocess.run(['node', '--import', 'tsx', *args], cwd=ROOT, check=True)


def read_safetensors(folder):
    tensors = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith('.safetensors'):
            continue
        with open(os.path.join(folder, name), 'rb') as handle:
            length = struct.unpack('<Q', handle.read(8))[0]
            header = json.loads(handle.read(length))
            data = handle.read()
        for key, entry in header.items():
            if key == '__metadata__':
                continue
            assert entry['dtype'] == 'F32', entry['dtype']
            begin, end = entry['data_offsets']
            tensors[key] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(entry['shape'])
    return tensors


def prefixes(tensors):
    if 'model.language_model.embed_tokens.weight' in tensors:
        return 'model.language_model.', 'lm_head.weight', 'model.vision_tower.vision_model.', 'model.multi_modal_projector.'
    return 'language_model.model.', 'language_model.lm_head.weight', 'vision_tower.vision_model.', 'multi_modal_projector.'


def clip_image_features(w, v, p, config, pixels):
    vc = config['vision_config']
    hidden, heads, patch = vc['hidden_size'], vc['num_attention_heads'], vc['patch_size']
    eps = vc.get('layer_norm_eps', 1e-5)
    lin = lambda x, name: F.linear(x, w[name + '.weight'], w[name + '.bias'])
    ln = lambda x, name: F.layer_norm(x, (hidden,), w[name + '.weight'], w[name + '.bias'], eps)
    # CLIPVisionEmbeddings
    patch_embeds = F.conv2d(pixels, w[v + 'embeddings.patch_embedding.weight'], stride=patch).flatten(2).transpose(1, 2)
    class_embeds = w[v + 'embeddings.class_embedding'].expand(pixels.shape[0], 1, -1)
    embeddings = torch.cat([class_embeds, patch_embeds], dim=1) + w[v + 'embeddings.position_embedding.weight']
    hidden_states = [ln(embeddings, v + 'pre_layrnorm')]
    x = hidden_states[0]
    for layer in range(vc['num_hidden_layers']):
        q = f'{v}encoder.layers.{layer}'
        residual = x
        h = ln(x, q + '.layer_norm1')
        b, s, _ = h.shape
        split = lambda t: t.view(b, s, heads, hidden // heads).transpose(1, 2)
        query, key, value = (split(lin(h, f'{q}.self_attn.{n}_proj')) for n in ('q', 'k', 'v'))
        attn = torch.softmax(query @ key.transpose(2, 3) * (hidden // heads) ** -0.5, dim=-1) @ value
        x = residual + lin(attn.transpose(1, 2).reshape(b, s, hidden), q + '.self_attn.out_proj')
        h = lin(ln(x, q + '.layer_norm2'), q + '.mlp.fc1')
        x = x + lin(h * torch.sigmoid(1.702 * h), q + '.mlp.fc2')  # quick_gelu
        hidden_states.append(x)
    selected = hidden_states[config.get('vision_feature_layer', -2)][:, 1:]  # strategy "default": drop CLS
    return lin(F.gelu(lin(selected, p + 'linear_1')), p + 'linear_2')


def llama_logits(w, t, head, config, embeds):
    tc = config['text_config']
    hidden, heads = tc['hidden_size'], tc['num_attention_heads']
    kv_heads = tc.get('num_key_value_heads', heads)
    head_dim, eps, theta = hidden // heads, tc.get('rms_norm_eps', 1e-6), tc.get('rope_theta', 10000.0)

    def rms(x, name):
        x32 = x.to(torch.float32)
        return w[name] * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)

    b, s, _ = embeds.shape
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = torch.arange(s).float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    rotate_half = lambda x: torch.cat((-x[..., head_dim // 2:], x[..., : head_dim // 2]), dim=-1)
    mask = torch.full((s, s), float('-inf')).triu(1)
    x = embeds
    for layer in range(tc['num_hidden_layers']):
        q = f'{t}layers.{layer}'
        h = rms(x, q + '.input_layernorm.weight')
        query = F.linear(h, w[q + '.self_attn.q_proj.weight']).view(b, s, heads, head_dim).transpose(1, 2)
        key = F.linear(h, w[q + '.self_attn.k_proj.weight']).view(b, s, kv_heads, head_dim).transpose(1, 2)
        value = F.linear(h, w[q + '.self_attn.v_proj.weight']).view(b, s, kv_heads, head_dim).transpose(1, 2)
        query, key = query * cos + rotate_half(query) * sin, key * cos + rotate_half(key) * sin
        key = key.repeat_interleave(heads // kv_heads, dim=1)  # repeat_kv
        value = value.repeat_interleave(heads // kv_heads, dim=1)
        scores = query @ key.transpose(2, 3) / math.sqrt(head_dim) + mask
        attn = torch.softmax(scores, dim=-1, dtype=torch.float32) @ value
        x = x + F.linear(attn.transpose(1, 2).reshape(b, s, hidden), w[q + '.self_attn.o_proj.weight'])
        h = rms(x, q + '.post_attention_layernorm.weight')
        x = x + F.linear(F.silu(F.linear(h, w[q + '.mlp.gate_proj.weight'])) * F.linear(h, w[q + '.mlp.up_proj.weight']), w[q + '.mlp.down_proj.weight'])
    return F.linear(rms(x, t + 'norm.weight'), w[head])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--checkpoint', help='an existing LLaVA checkpoint folder (default: write the tiny test checkpoint)')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='llava-cross-check-')
    checkpoint = args.checkpoint or os.path.join(work, 'checkpoint')
    if not args.checkpoint:
        node('-e', f"import('./test/runners/export/tiny-llava-checkpoint.ts').then((m) => m.writeTinyLlava({json.dumps(checkpoint)}, 'current'))")
    out = os.path.join(work, 'exported')
    node('cli/main.ts', 'export', checkpoint, '--out', out, '--quiet')

    config = json.load(open(os.path.join(checkpoint, 'config.json')))
    w = read_safetensors(checkpoint)
    t, head, v, p = prefixes(w)
    torch.manual_seed(0)
    size = config['vision_config']['image_size']
    pixels = torch.randn(1, 3, size, size) * 1.5
    with torch.no_grad():
        features = clip_image_features(w, v, p, config, pixels)
        ids = torch.tensor([1, 7, 9, 12, 40, 3, 99, 5])
        embeds = torch.cat([w[t + 'embed_tokens.weight'][ids[:3]][None], features, w[t + 'embed_tokens.weight'][ids[3:]][None]], dim=1)
        logits = llama_logits(w, t, head, config, embeds)
    tc = config['text_config']
    shape = {'image': size, 'length': embeds.shape[1], 'hidden': tc['hidden_size'], 'layers': tc['num_hidden_layers'],
             'kvHeads': tc.get('num_key_value_heads', tc['num_attention_heads']), 'headDim': tc['hidden_size'] // tc['num_attention_heads']}
    json.dump(shape, open(os.path.join(work, 'shape.json'), 'w'))
    pixels.numpy().astype('<f4').tofile(os.path.join(work, 'pixels.f32'))
    embeds.numpy().astype('<f4').tofile(os.path.join(work, 'embeds.f32'))
    node('scripts/cross-check/run-exported.ts', out, work)
    onnx_features = torch.frombuffer(bytearray(open(os.path.join(work, 'onnx-features.f32'), 'rb').read()), dtype=torch.float32)
    onnx_logits = torch.frombuffer(bytearray(open(os.path.join(work, 'onnx-logits.f32'), 'rb').read()), dtype=torch.float32)
    vision_diff = (onnx_features - features.flatten()).abs().max().item()
    logits_diff = (onnx_logits - logits.flatten()).abs().max().item()
    same_tokens = bool((onnx_logits.view(logits.shape).argmax(-1) == logits.argmax(-1)).all())
    print(json.dumps({'torch': torch.__version__, 'checkpoint': checkpoint, 'image_features_max_abs_diff': vision_diff,
                      'logits_max_abs_diff': logits_diff, 'logits_max_abs': logits.abs().max().item(), 'same_argmax_tokens': same_tokens}, indent=2))
    return 0 if vision_diff < 1e-4 and logits_diff < 1e-4 and same_tokens else 1


if __name__ == '__main__':
    sys.exit(main())
