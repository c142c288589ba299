// --device / --devices → onnxruntime execution providers, one worker per device. The npm package ships
// the CPU provider only; the CUDA and TensorRT providers are separate downloads its install script
// fetches from NuGet when asked (ONNXRUNTIME_NODE_INSTALL=cuda12). When they are missing, emu-eval
// refuses to start rather than run on the CPU while the user believes a GPU is in use.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { ConfigError } from '../../core/errors.js';

export type DeviceKind = 'cpu' | 'cuda' | 'tensorrt';

export interface DeviceTarget {
  kind: DeviceKind;
  deviceId?: number;
  label: string;
}

export function resolveDevices(device: string | undefined, devices: string[] | undefined): DeviceTarget[] {
  const parsed = parseDevice(device ?? (devices && devices.length > 0 ? 'cuda' : 'cpu'));
  if (!devices || devices.length === 0) return [parsed];
  if (parsed.kind === 'cpu') throw new ConfigError('--devices lists GPUs for data parallelism; it needs --device cuda or tensorrt', true);
  return devices.map((entry) => {
    const id = Number(entry.trim().replace(/^(cuda|tensorrt|gpu):/, ''));
    if (!Number.isInteger(id) || id < 0) throw new ConfigError(`--devices ${devices.join(',')}: ${JSON.stringify(entry)} is not a GPU index`, true);
    return { kind: parsed.kind, deviceId: id, label: `${parsed.kind}:${id}` };
  });
}

export function parseDevice(device: string): DeviceTarget {
  const match = /^(cpu|cuda|gpu|tensorrt|trt)(?::(\d+))?$/.exec(device.trim().toLowerCase());
  if (!match) throw new ConfigError(`--device ${device}: expected cpu, cuda, cuda:N, tensorrt or tensorrt:N`, true);
  const kind: DeviceKind = match[1] === 'cpu' ? 'cpu' : match[1] === 'tensorrt' || match[1] === 'trt' ? 'tensorrt' : 'cuda';
  if (kind === 'cpu') {
    if (match[2] !== undefined) throw new ConfigError(`--device ${device}: the CPU takes no index`, true);
    return { kind, label: 'cpu' };
  }
  const deviceId = match[2] === undefined ? 0 : Number(match[2]);
  return { kind, deviceId, label: `${kind}:${deviceId}` };
}

export function executionProviders(target: DeviceTarget): InferenceSession.ExecutionProviderConfig[] {
  if (target.kind === 'cpu') return ['cpu'];
  if (target.kind === 'cuda') return [{ name: 'cuda', deviceId: target.deviceId }];
  // TensorRT compiles what it supports; CUDA takes the rest (onnxruntime's recommended pairing).
  return [
    { name: 'tensorrt', deviceId: target.deviceId },
    { name: 'cuda', deviceId: target.deviceId },
  ];
}

/** Intra-op threads per worker: the CPU's cores shared among CPU workers; GPU workers need few. */
export function defaultThreads(target: DeviceTarget, workers: number): number {
  if (target.kind !== 'cpu') return 1;
  return Math.max(1, Math.floor(availableParallelism() / workers));
}

const PROVIDER_LIBRARIES: Record<Exclude<DeviceKind, 'cpu'>, string[]> = {
  cuda: ['onnxruntime_providers_shared', 'onnxruntime_providers_cuda'],
  tensorrt: ['onnxruntime_providers_shared', 'onnxruntime_providers_cuda', 'onnxruntime_providers_tensorrt'],
};

/** Where onnxruntime-node keeps its native libraries for this platform. */
export function onnxruntimeBinaryFolder(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('onnxruntime-node');
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

export function missingProviderLibraries(kind: DeviceKind, folder = onnxruntimeBinaryFolder()): string[] {
  if (kind === 'cpu') return [];
  const fileName = (library: string) => (process.platform === 'win32' ? `${library}.dll` : `lib${library}.so`);
  return PROVIDER_LIBRARIES[kind].map((library) => path.join(folder, fileName(library))).filter((file) => !existsSync(file));
}

export function providerInstallMessage(kind: Exclude<DeviceKind, 'cpu'>, missing: string[]): string {
  const name = kind === 'cuda' ? 'CUDA' : 'TensorRT';
  return [
    `--device ${kind} needs onnxruntime-node's ${name} execution provider, which is not installed (missing ${missing.join(', ')}).`,
    `Install it on a machine that can reach api.nuget.org (the provider's download host), after npm ci:`,
    `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js. npm ci itself skips that download`,
    `(package.json's allowScripts denies the package's install script). The provider also needs CUDA 12 and cuDNN 9 libraries on the library path${kind === 'tensorrt' ? ', and TensorRT 10 for tensorrt' : ''}.`,
    `emu-eval does not fall back to the CPU: pass --device cpu to run there.`,
  ].join('\n');
}

/** Fails before any worker starts when a GPU provider's libraries are absent. */
export function assertProvidersInstalled(targets: DeviceTarget[], folder?: string): void {
  for (const kind of new Set(targets.map((target) => target.kind))) {
    if (kind === 'cpu') continue;
    const missing = missingProviderLibraries(kind, folder);
    if (missing.length > 0) throw new ConfigError(providerInstallMessage(kind, missing));
  }
}
