// Loaded first and run at once (a plain script of a few hundred bytes; `async` ran it only after
// page.js, on a busy main thread): asks for the first range's figures, so the request runs while
// the browser still compiles and runs page.js (the chart library is most of its 72 KB). With it,
// the first load's time to figures in Chromium went from a median of 952 ms to 576 ms on this
// loaded 2-core host (bench/usage-page.bench.ts, page's clock, 100k calls). page.js takes the
// response if it is for the range it shows first, else asks again.
import { FIRST_USAGE, request } from './api.js';
import type { EarlyUsage } from './api.js';

const early = request('api/usage', FIRST_USAGE);
// Handled here too, so that a network failure is not reported as unhandled before page.js
// takes the promise (it still sees the failure and says so on the page).
early.catch(() => undefined);
(window as EarlyUsage).otelLlmCostFirstUsage = early;
