import type { Attributes } from '@opentelemetry/api';
import type { PricedCall } from '../types.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GENAI_TOKEN_TYPE,
  ATTR_OVERFLOW,
  METRIC_GENAI_OPERATION_DURATION,
  METRIC_GENAI_TOKEN_USAGE,
} from '../semconv.js';
import type { HistogramFactory, HistogramRecorder } from './histogram-recorder.js';
import { callAttributes } from './series-cache.js';
import type { SeriesEntry } from './series-cache.js';

// Bucket boundaries advised by the GenAI semantic conventions.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const MAX_ERROR_TYPES_PER_SET = 16;

/** Attribute objects of the gen_ai.client.* series of one label set, built once. */
export interface GenAiSeries {
  input: Attributes;
  output: Attributes;
  duration: Attributes;
  durationByError: Map<string, Attributes>;
}

/**
 * The standard gen_ai.client.* metrics, for apps whose instrumentations do not emit them
 * (collector mode). Attributes follow the GenAI semantic conventions, plus service.name:
 * a collector receives many services under one resource of its own.
 */
export class GenAiMetrics {
  private readonly tokenUsage: HistogramRecorder;
  private readonly duration: HistogramRecorder;

  constructor(histograms: HistogramFactory) {
    this.tokenUsage = histograms.create({
      name: METRIC_GENAI_TOKEN_USAGE,
      unit: '{token}',
      description: 'Number of input and output tokens used.',
      boundaries: TOKEN_BUCKETS,
    });
    this.duration = histograms.create({
      name: METRIC_GENAI_OPERATION_DURATION,
      unit: 's',
      description: 'GenAI operation duration.',
      boundaries: DURATION_BUCKETS,
    });
  }

  record(call: PricedCall, entry: SeriesEntry): void {
    const series = (entry.genAi ??= genAiSeries(call, entry));
    const seconds = (call.endTimeMs - call.startTimeMs) / 1000;
    if (seconds >= 0 && Number.isFinite(seconds)) this.duration.record(seconds, durationAttributes(series, call.error));
    if (call.inputTokens !== undefined) this.tokenUsage.record(call.inputTokens, series.input);
    if (call.outputTokens !== undefined) this.tokenUsage.record(call.outputTokens, series.output);
  }
}

function genAiSeries(call: PricedCall, entry: SeriesEntry): GenAiSeries {
  // An overflowed label set stays one overflow series here too.
  const base = entry.common[ATTR_OVERFLOW] === true ? entry.common : callAttributes(call);
  return {
    input: { ...base, [ATTR_GENAI_TOKEN_TYPE]: 'input' },
    output: { ...base, [ATTR_GENAI_TOKEN_TYPE]: 'output' },
    duration: base,
    durationByError: new Map(),
  };
}

function durationAttributes(series: GenAiSeries, error: string | undefined): Attributes {
  if (error === undefined) return series.duration;
  let attrs = series.durationByError.get(error);
  if (attrs === undefined) {
    attrs = { ...series.duration, [ATTR_ERROR_TYPE]: series.durationByError.size < MAX_ERROR_TYPES_PER_SET ? error : '_OTHER' };
    if (series.durationByError.size < MAX_ERROR_TYPES_PER_SET) series.durationByError.set(error, attrs);
  }
  return attrs;
}
