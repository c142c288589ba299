// Emu2's image transform as a preprocessor_config.json the runner reads (runners/onnx/image-preprocess.ts).
// Official (baaivision/Emu @ 13c395e, Emu2/emu/chat.py; the remote-code prepare_image_input is the same):
//   TF.Resize((448, 448), BICUBIC) → ToTensor (÷255) → Normalize(OPENAI_DATASET_MEAN, OPENAI_DATASET_STD)
// i.e. a square resize that ignores the aspect ratio, no center crop. Emu2 ships no preprocessor_config.json
// (its processing is Python code), so the exporter writes this one.
export const OPENAI_DATASET_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const OPENAI_DATASET_STD = [0.26862954, 0.26130258, 0.27577711];

export function emu2PreprocessorConfig(imageSize: number): Record<string, unknown> {
  return {
    do_convert_rgb: true,
    do_resize: true,
    size: { height: imageSize, width: imageSize },
    resample: 3,
    do_center_crop: false,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: OPENAI_DATASET_MEAN,
    image_std: OPENAI_DATASET_STD,
  };
}
