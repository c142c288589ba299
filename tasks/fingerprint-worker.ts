// Worker thread: hashes a data fingerprint's parts (tasks/fingerprint.ts) beside the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { hashParts, type HashPart } from './fingerprint-parts.js';

parentPort!.postMessage(hashParts((workerData as { parts: HashPart[] }).parts));
