/** What the engine tells the CLI while it works: notices for stderr, progress for the bar. */
export type EngineEvent =
  | { type: 'notice'; level: 'info' | 'warning'; message: string }
  | { type: 'task-start'; task: string; split: string; total: number | null; alreadyDone: number }
  | { type: 'progress'; task: string; completed: number }
  | { type: 'task-end'; task: string };
