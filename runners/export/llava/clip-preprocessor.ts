// CLIPImageProcessor's settings as LLaVA-1.5 ships them (openai/clip-vit-large-patch14-336 at 336):
// written only when a checkpoint lacks its own preprocessor_config.json. Shortest edge to the tower's
// image size (bicubic), center crop to a square, CLIP mean/std — what runners/onnx/image-preprocess.ts
// reproduces with sharp.
export function clipPreprocessorConfig(imageSize: number): Record<string, unknown> {
  return {
    image_processor_type: 'CLIPImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: imageSize },
    resample: 3,
    do_center_crop: true,
    crop_size: { height: imageSize, width: imageSize },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711],
  };
}
