// A data table: a real <table> with a caption and column headers, sortable by keyboard (the
// header buttons), re-rendered only when its rows or their order change.
import { el } from './dom.js';

export interface Column<R> {
  label: string;
  /** The value sorted on (and the CSV's). */
  value: (r: R) => string | number | null;
  /** What the cell shows; default: the value as text. */
  render?: (r: R) => string | Node;
  /** Full-precision hint shown on hover. */
  title?: (r: R) => string;
  numeric?: boolean;
}

export interface TableOptions {
  caption: string;
  sortable?: boolean;
  /** Index of the column sorted first, descending. Default: none (the server's order). */
  sortBy?: number;
  empty: string;
}

export class DataTable<R> {
  private rows: R[] = [];
  private shown = '';
  private sort: { col: number; dir: 1 | -1 } | undefined;
  private readonly body: HTMLTableSectionElement;
  private readonly heads: HTMLTableCellElement[] = [];

  constructor(private readonly table: HTMLTableElement, private readonly columns: Column<R>[], private readonly opts: TableOptions) {
    table.replaceChildren();
    table.append(el('caption', opts.caption, 'visually-hidden'));
    const tr = el('tr');
    columns.forEach((c, i) => {
      const th = el('th');
      th.scope = 'col';
      if (c.numeric) th.className = 'num';
      if (opts.sortable) {
        const b = el('button', c.label, 'sort');
        b.type = 'button';
        b.addEventListener('click', () => this.sortOn(i));
        th.append(b);
      } else {
        th.textContent = c.label;
      }
      this.heads.push(th);
      tr.append(th);
    });
    const head = el('thead');
    head.append(tr);
    this.body = el('tbody');
    table.append(head, this.body);
    if (opts.sortBy !== undefined) this.sort = { col: opts.sortBy, dir: -1 };
    this.markSort();
  }

  /** Shows `rows` (in the table's sort order). `key` identifies the data: nothing is redrawn when it is the same. */
  update(rows: R[], key: string = JSON.stringify(rows)): void {
    this.rows = rows;
    const shown = `${key}|${this.sort?.col ?? ''}|${this.sort?.dir ?? ''}`;
    if (shown === this.shown) return;
    this.shown = shown;
    this.draw();
  }

  /** The rows as shown (sorted), for downloads. */
  sortedRows(): R[] {
    const s = this.sort;
    if (s === undefined) return this.rows;
    const col = this.columns[s.col]!;
    return [...this.rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * s.dir;
    });
  }

  private sortOn(col: number): void {
    this.sort = this.sort?.col === col ? { col, dir: this.sort.dir === 1 ? -1 : 1 } : { col, dir: this.columns[col]!.numeric ? -1 : 1 };
    this.markSort();
    this.update(this.rows);
  }

  private markSort(): void {
    this.heads.forEach((th, i) => {
      if (!this.opts.sortable) return;
      if (this.sort?.col === i) th.setAttribute('aria-sort', this.sort.dir === 1 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }

  private draw(): void {
    const frag = document.createDocumentFragment();
    const rows = this.sortedRows();
    if (rows.length === 0) {
      const tr = el('tr');
      const td = el('td', this.opts.empty, 'empty');
      td.colSpan = this.columns.length;
      tr.append(td);
      frag.append(tr);
    }
    for (const r of rows) {
      const tr = el('tr');
      this.columns.forEach((c, i) => {
        const cell = i === 0 ? el('th') : el('td');
        if (cell instanceof HTMLTableCellElement && i === 0) cell.scope = 'row';
        if (c.numeric) cell.className = 'num';
        const shown = c.render === undefined ? c.value(r) : c.render(r);
        if (typeof shown === 'object' && shown !== null) cell.append(shown);
        else cell.textContent = shown === null ? '–' : String(shown);
        if (c.title !== undefined) cell.title = c.title(r);
        tr.append(cell);
      });
      frag.append(tr);
    }
    this.body.replaceChildren(frag);
    this.table.dataset.rows = String(rows.length);
  }
}
