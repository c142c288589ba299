// Where Emu2's weights live in a Hugging Face checkpoint (BAAI/Emu2, BAAI/Emu2-Chat). The remote-code
// EmuForCausalLM holds `model` (EmuModel: `visual` = EVAVisionTransformer, `decoder.lm` =
// LlamaForCausalLM), `project_up` and `project_down`, so the tensors are `model.visual.…`,
// `model.decoder.lm.model.layers.N.…`, `model.decoder.lm.lm_head.weight`, `project_up.weight`. Sources:
// baaivision/Emu @ 13c395e, Emu2/demo/backend/hf_model/emu/chat.py (its device map names exactly these
// modules of the HF model) and Emu2/emu/emu.py (the native EmuModel, whose state dict drops the leading
// `model.`); the remote-code modeling_emu.py as copied in yuangpeng/dreambench_plus @ df0b960.
// The LLaMA decoder builder asks for Hugging Face LLaMA names (`model.layers.0.…`, `lm_head.weight`);
// `text` maps them onto Emu2's.
import { DataError } from '../../../core/errors.js';

export const EMU2_NAMES = {
  vision: 'model.visual.',
  projectUp: 'project_up.weight',
  textModel: 'model.decoder.lm.model.',
  lmHead: 'model.decoder.lm.lm_head.weight',
} as const;

/** A HF LLaMA name (`model.layers.N…`, `model.embed_tokens.weight`, `model.norm.weight`, `lm_head.weight`) → Emu2's. */
export function emu2TextName(name: string): string {
  if (name === 'lm_head.weight') return EMU2_NAMES.lmHead;
  if (!name.startsWith('model.')) throw new Error(`not a LLaMA decoder weight name: ${name}`);
  return `${EMU2_NAMES.textModel}${name.slice('model.'.length)}`;
}

/**
 * Checks that the checkpoint is laid out as the HF EmuForCausalLM saves it. Emu2's tower has no rotary
 * embedding (eva_vit.py sets `self.rope = None` whatever `rope` says), so EVA-02's `rope.freqs_cos` /
 * `freqs_sin` buffers mean another model: the official loader (load_state_dict strict=True) refuses it too.
 */
export function checkEmu2Layout(tensors: ReadonlyMap<string, unknown>, folder: string): void {
  const embedding = `${EMU2_NAMES.textModel}embed_tokens.weight`;
  if (!tensors.has(embedding)) {
    const native = tensors.has('decoder.lm.model.embed_tokens.weight') ? ' (it has decoder.lm.model.…: the native PyTorch EmuModel layout, which comes without config.json)' : '';
    throw new DataError(
      `${folder}: no Emu2 token embedding ${embedding}${native}; the checkpoint's first tensors are ${[...tensors.keys()].slice(0, 5).join(', ')}`,
      folder,
      embedding,
    );
  }
  const rotary = [...tensors.keys()].find((name) => name.startsWith(EMU2_NAMES.vision) && /(^|\.)rope\./.test(name.slice(EMU2_NAMES.vision.length)));
  if (rotary) {
    throw new DataError(
      `${folder}: tensor ${rotary} is a rotary-embedding buffer, but Emu2's EVA-CLIP tower applies no rotary embedding (eva_vit.py sets rope = None); this is not an Emu2 checkpoint`,
      folder,
      rotary,
    );
  }
}
