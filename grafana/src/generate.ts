// Builds the dashboards and writes grafana/dashboards/*.json (`npm run dashboards`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { budgetsDashboard } from './budgets.js';
import { overviewDashboard } from './overview.js';

/** File name -> dashboard, in the order they are written. */
export const DASHBOARDS: Record<string, () => Dashboard> = {
  'llm-cost-overview.json': overviewDashboard,
  'llm-budgets.json': budgetsDashboard,
};

export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboards');

/** The exact text written for a dashboard: 2-space JSON and a final newline. */
export function render(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

export function writeDashboards(dir = DASHBOARD_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(DASHBOARDS).map(([file, build]) => {
    const path = join(dir, file);
    writeFileSync(path, render(build()));
    return path;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const path of writeDashboards()) process.stdout.write(`wrote ${path}\n`);
}
