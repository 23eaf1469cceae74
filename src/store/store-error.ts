/** The store cannot be used as is (corrupt, foreign, newer schema). The file is left untouched. */
export class StoreError extends Error {
  readonly path: string;

  constructor(path: string, problem: string, fix: string) {
    super(`otel-llm-cost: cannot open store ${JSON.stringify(path)}: ${problem}. ${fix}`);
    this.name = 'StoreError';
    this.path = path;
  }
}
