export interface BenchResult {
  name: string;
  rows: Array<Record<string, string | number>>;
  notes?: string[];
  /** Further tables of the same benchmark, printed after this one. */
  sections?: BenchResult[];
}
