// The calls of one session, a page at a time (/api/breakdown?session=..&limit=&cursor=).
import { getJson } from './api.js';
import type { BreakdownPage, BreakdownRow } from './api.js';
import { byId, setText } from './dom.js';
import { dateTime, int, usd } from './format.js';
import { DataTable } from './table.js';

const PAGE_SIZE = 25;
/** The whole ledger retention (the API's largest range). */
const ALL_HOURS = 24 * 3660;

export class SessionCalls {
  private readonly panel = byId('session');
  private readonly title = byId('session-title');
  private readonly pageLabel = byId('session-page');
  private readonly prev = byId<HTMLButtonElement>('session-prev');
  private readonly next = byId<HTMLButtonElement>('session-next');
  private readonly table: DataTable<BreakdownRow>;
  private id = '';
  /** Cursors of the pages before the one shown (the first page has none). */
  private cursors: (string | undefined)[] = [];
  private nextCursor: string | null = null;

  constructor(private readonly timezone: () => string, private readonly onError: (err: unknown) => void) {
    const cost = (r: BreakdownRow): string => (r.priced && r.totalCostUsd !== null ? usd(r.totalCostUsd) : 'unpriced');
    this.table = new DataTable<BreakdownRow>(byId<HTMLTableElement>('session-table'), [
      { label: 'Time', value: (r) => r.timeMs, render: (r) => dateTime(r.timeMs, this.timezone()) },
      { label: 'Model', value: (r) => r.model },
      { label: 'Input', value: (r) => r.inputTokens, render: (r) => int(r.inputTokens), numeric: true },
      { label: 'Cache read', value: (r) => r.cacheReadTokens, render: (r) => int(r.cacheReadTokens), numeric: true },
      { label: 'Cache write', value: (r) => r.cacheWriteTokens, render: (r) => int(r.cacheWriteTokens), numeric: true },
      { label: 'Output', value: (r) => r.outputTokens, render: (r) => int(r.outputTokens), numeric: true },
      { label: 'Reasoning', value: (r) => r.reasoningTokens, render: (r) => int(r.reasoningTokens), numeric: true },
      { label: 'Cost', value: (r) => r.totalCostUsd, render: cost, title: (r) => String(r.totalCostUsd ?? 'unpriced'), numeric: true },
      { label: 'Tier', value: (r) => r.serviceTier ?? '' },
      // A cost the span already carried (gen_ai.usage.cost, e.g. a gateway's), beside ours.
      { label: 'Cost on span', value: (r) => r.spanCostUsd, render: (r) => (r.spanCostUsd === null ? '' : usd(r.spanCostUsd)), title: (r) => String(r.spanCostUsd ?? ''), numeric: true },
      { label: 'Trace id', value: (r) => r.traceId, render: (r) => { const c = document.createElement('code'); c.textContent = r.traceId; return c; } },
    ], { caption: 'Calls of the session', empty: 'No calls of this session in the ledger.' });
    this.prev.addEventListener('click', () => {
      this.cursors.pop();
      void this.load(this.cursors[this.cursors.length - 1]);
    });
    this.next.addEventListener('click', () => {
      if (this.nextCursor === null) return;
      this.cursors.push(this.nextCursor);
      void this.load(this.nextCursor);
    });
    byId('session-close').addEventListener('click', () => {
      this.panel.hidden = true;
      this.id = '';
    });
  }

  async open(id: string): Promise<void> {
    this.id = id;
    this.cursors = [undefined];
    setText(this.title, `Calls of session ${id}`);
    this.panel.hidden = false;
    await this.load(undefined);
    this.panel.focus();
  }

  private async load(cursor: string | undefined): Promise<void> {
    const id = this.id;
    try {
      const page = await getJson<BreakdownPage>('api/breakdown', { session: id, hours: ALL_HOURS, limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
      if (id !== this.id) return;
      this.nextCursor = page.nextCursor;
      this.table.update(page.rows);
      const n = this.cursors.length;
      setText(this.pageLabel, `Page ${n}${page.nextCursor === null ? ' (last)' : ''}`);
      this.prev.disabled = n <= 1;
      this.next.disabled = page.nextCursor === null;
    } catch (err) {
      this.onError(err);
    }
  }
}
