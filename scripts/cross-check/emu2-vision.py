#!/usr/bin/python3
"""PyTorch cross-check of `emu-eval export` for Emu2 (not part of npm test).

Writes the tiny random-weight Emu2 checkpoint the tests use (test/runners/export/tiny-emu2-checkpoint.ts:
real EmuForCausalLM tensor names and EmuConfig fields), exports it with `emu-eval export`, runs the exported
vision encoder and decoder through onnxruntime-node (scripts/cross-check/run-exported.ts), and compares them
with plain torch transcribed from baaivision/Emu @ 13c395e:
  Emu2/emu/eva_vit.py  EVAVisionTransformer.forward_features, Block (postnorm), Attention (fused qkv,
                       bias = cat(q_bias, zeros, v_bias), q * scale, softmax), Mlp (fc1, nn.GELU, fc2)
  Emu2/emu/emu.py      encode_image (drop CLS, avg_pool2d with stride int(sqrt_n // sqrt(n_query))), project_up
and, for the decoder, the LLaMA forward of scripts/cross-check/llava.py on `model.decoder.lm.*` tensors with
the image features placed between [IMG] and [/IMG] as EmuForCausalLM.generate does.
torch 1.13 (Debian python3-torch) is enough; transformers/timm are not needed.
Usage: /usr/bin/python3 scripts/cross-check/emu2-vision.py [--checkpoint DIR]
"""
import argparse, json, os, sys, tempfile

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llava import llama_logits, node, read_safetensors  # noqa: E402  (shared helpers of the LLaVA cross-check)

V = 'model.visual.'
TEXT = 'model.decoder.lm.model.'
LM_HEAD = 'model.decoder.lm.lm_head.weight'


def eva_attention(w, p, x, heads, qkv_bias):
    b, n, c = x.shape
    bias = torch.cat((w[p + 'q_bias'], torch.zeros_like(w[p + 'v_bias']), w[p + 'v_bias'])) if qkv_bias else None
    qkv = F.linear(x, w[p + 'qkv.weight'], bias).reshape(b, n, 3, heads, -1).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    q = q * (c // heads) ** -0.5
    attn = (q @ k.transpose(-2, -1)).softmax(dim=-1)
    x = (attn @ v).transpose(1, 2).reshape(b, n, -1)
    return F.linear(x, w[p + 'proj.weight'], w[p + 'proj.bias'])


def eva_visual(w, vc, image):
    width, heads = vc['width'], vc['width'] // vc['head_width']
    ln = lambda x, name: F.layer_norm(x, (width,), w[name + '.weight'], w[name + '.bias'], vc['layer_norm_eps'])
    mlp = lambda x, p: F.linear(F.gelu(F.linear(x, w[p + 'fc1.weight'], w[p + 'fc1.bias'])), w[p + 'fc2.weight'], w[p + 'fc2.bias'])
    x = F.conv2d(image, w[V + 'patch_embed.proj.weight'], w[V + 'patch_embed.proj.bias'], stride=vc['patch_size']).flatten(2).transpose(1, 2)
    x = torch.cat((w[V + 'cls_token'].expand(x.shape[0], -1, -1), x), dim=1) + w[V + 'pos_embed']
    for layer in range(vc['layers']):  # no rope: eva_vit.py sets self.rope = None
        p = f'{V}blocks.{layer}.'
        if vc['postnorm']:
            x = x + ln(eva_attention(w, p + 'attn.', x, heads, vc['qkv_bias']), p + 'norm1')
            x = x + ln(mlp(x, p + 'mlp.'), p + 'norm2')
        else:
            x = x + eva_attention(w, p + 'attn.', ln(x, p + 'norm1'), heads, vc['qkv_bias'])
            x = x + mlp(ln(x, p + 'norm2'), p + 'mlp.')
    return x


def encode_image(w, vc, image, n_query):
    image_embeds = eva_visual(w, vc, image)[:, 1:, :]
    b, n, c = image_embeds.shape
    sqrt_n = int(n ** 0.5)
    image_embeds = image_embeds.permute(0, 2, 1).view(b, c, sqrt_n, sqrt_n)
    stride = int(sqrt_n // (n_query ** 0.5))
    image_embeds = F.avg_pool2d(image_embeds, kernel_size=(stride, stride), stride=stride)
    return image_embeds.view(b, c, -1).permute(0, 2, 1).contiguous()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--checkpoint', help='an existing Emu2 checkpoint folder (default: write the tiny test checkpoint)')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='emu2-cross-check-')
    checkpoint = args.checkpoint or os.path.join(work, 'checkpoint')
    if not args.checkpoint:
        node('-e', f"import('./test/runners/export/tiny-emu2-checkpoint.ts').then((m) => m.writeTinyEmu2({json.dumps(checkpoint)}))")
    out = os.path.join(work, 'exported')
    node('cli/main.ts', 'export', checkpoint, '--out', out, '--quiet')

    config = json.load(open(os.path.join(checkpoint, 'config.json')))
    runner = json.load(open(os.path.join(out, 'config.json')))
    vc = config['vision_config']
    w = read_safetensors(checkpoint)
    torch.manual_seed(0)
    pixels = torch.randn(1, 3, vc['image_size'], vc['image_size']) * 1.5
    with torch.no_grad():
        features = F.linear(encode_image(w, vc, pixels, vc['n_query']), w['project_up.weight'])
        table = w[TEXT + 'embed_tokens.weight']
        ids_before, ids_after = torch.tensor([1, 7, 9]), torch.tensor([12, 40, 3, 99, 5])
        added = json.load(open(os.path.join(checkpoint, 'tokenizer.json')))['added_tokens']
        token_id = {token['content']: token['id'] for token in added}
        # EmuModel.image_placeholder: [IMG] <image>×n_query [/IMG]; the <image> rows become the features.
        embeds = torch.cat([table[ids_before], table[[token_id['[IMG]']]], features[0], table[[token_id['[/IMG]']]], table[ids_after]])[None]
        logits = llama_logits(w, TEXT, LM_HEAD, {'text_config': runner['text_config']}, embeds)
    tc = runner['text_config']
    shape = {'image': vc['image_size'], 'length': embeds.shape[1], 'hidden': tc['hidden_size'], 'layers': tc['num_hidden_layers'],
             'kvHeads': tc['num_key_value_heads'], 'headDim': tc['head_dim']}
    json.dump(shape, open(os.path.join(work, 'shape.json'), 'w'))
    pixels.numpy().astype('<f4').tofile(os.path.join(work, 'pixels.f32'))
    embeds.numpy().astype('<f4').tofile(os.path.join(work, 'embeds.f32'))
    node('scripts/cross-check/run-exported.ts', out, work)
    onnx_features = torch.frombuffer(bytearray(open(os.path.join(work, 'onnx-features.f32'), 'rb').read()), dtype=torch.float32)
    onnx_logits = torch.frombuffer(bytearray(open(os.path.join(work, 'onnx-logits.f32'), 'rb').read()), dtype=torch.float32)
    vision_diff = (onnx_features - features.flatten()).abs().max().item()
    logits_diff = (onnx_logits - logits.flatten()).abs().max().item()
    same_tokens = bool((onnx_logits.view(logits.shape).argmax(-1) == logits.argmax(-1)).all())
    print(json.dumps({'torch': torch.__version__, 'checkpoint': checkpoint, 'image_tokens': features.shape[1],
                      'image_features_max_abs_diff': vision_diff, 'image_features_max_abs': features.abs().max().item(),
                      'logits_max_abs_diff': logits_diff, 'logits_max_abs': logits.abs().max().item(), 'same_argmax_tokens': same_tokens}, indent=2))
    return 0 if vision_diff < 1e-4 and logits_diff < 1e-4 and same_tokens else 1


if __name__ == '__main__':
    sys.exit(main())
