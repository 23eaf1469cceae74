import { createNoopMeter, metrics } from '@opentelemetry/api';
import type {
  Attributes,
  BatchObservableCallback,
  BatchObservableResult,
  Context,
  Counter,
  Gauge,
  Histogram,
  Meter,
  MetricOptions,
  Observable,
  ObservableCallback,
  ObservableCounter,
  ObservableGauge,
  ObservableUpDownCounter,
  UpDownCounter,
} from '@opentelemetry/api';

// The API's no-op meter when no MeterProvider is registered (the API has no proxy meter).
const NoopMeterClass = createNoopMeter().constructor;

/** Measurements of synchronous instruments held while no meter provider exists. */
const MAX_HELD_MEASUREMENTS = 10_000;

/** The global meter, or undefined while the global provider is still the API's no-op. */
export function globalMeter(name: string, version: string): Meter | undefined {
  const meter = metrics.getMeterProvider().getMeter(name, version);
  return meter instanceof NoopMeterClass ? undefined : meter;
}

type SyncTarget = { add?(v: number, a?: Attributes, c?: Context): void; record?(v: number, a?: Attributes, c?: Context): void };
type Kind = 'counter' | 'upDownCounter' | 'histogram' | 'gauge' | 'observableCounter' | 'observableGauge' | 'observableUpDownCounter';

interface Created {
  kind: Kind;
  name: string;
  options: MetricOptions | undefined;
  stand: LateSync | LateObservable;
}

/**
 * A Meter whose instruments attach to the global meter provider once one is registered.
 *
 * The processor is usually built before the app registers its meter provider (NodeSDK
 * takes it in `spanProcessors` and registers the provider in `start()`), and the API
 * returns a no-op meter until then. Instruments created here are stand-ins: `bind()`
 * creates the real ones on the meter found then and attaches every callback.
 * Observable instruments lose nothing (they report running totals held by their owner);
 * synchronous measurements made before binding are held (bounded) and replayed.
 */
export class LateMeter implements Meter {
  private real: Meter | undefined;
  private readonly created: Created[] = [];
  private readonly batchCallbacks: { callback: BatchObservableCallback; observables: Observable[] }[] = [];
  private held: (() => void)[] = [];
  /** Synchronous measurements dropped because too many were held unbound. */
  droppedMeasurements = 0;

  constructor(private readonly find: () => Meter | undefined) {}

  get bound(): boolean {
    return this.real !== undefined;
  }

  /** Attaches to the meter provider if one is there now; true once attached. */
  bind(): boolean {
    if (this.real !== undefined) return true;
    const real = this.find();
    if (real === undefined) return false;
    this.real = real;
    for (const c of this.created) c.stand.attach(create(real, c));
    for (const { callback, observables } of this.batchCallbacks) real.addBatchObservableCallback(lateBatch(callback), observables.map(target));
    const held = this.held;
    this.held = [];
    for (const replay of held) replay();
    return true;
  }

  /** Runs `measure` now when bound, else holds it until `bind()` succeeds. */
  hold(measure: () => void): void {
    if (this.bind()) measure();
    else if (this.held.length < MAX_HELD_MEASUREMENTS) this.held.push(measure);
    else this.droppedMeasurements++;
  }

  createCounter(name: string, options?: MetricOptions): Counter {
    return this.sync('counter', name, options) as Counter;
  }

  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return this.sync('upDownCounter', name, options) as UpDownCounter;
  }

  createHistogram(name: string, options?: MetricOptions): Histogram {
    return this.sync('histogram', name, options) as Histogram;
  }

  createGauge(name: string, options?: MetricOptions): Gauge {
    return this.sync('gauge', name, options) as Gauge;
  }

  createObservableCounter(name: string, options?: MetricOptions): ObservableCounter {
    return this.observable('observableCounter', name, options);
  }

  createObservableGauge(name: string, options?: MetricOptions): ObservableGauge {
    return this.observable('observableGauge', name, options);
  }

  createObservableUpDownCounter(name: string, options?: MetricOptions): ObservableUpDownCounter {
    return this.observable('observableUpDownCounter', name, options);
  }

  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    if (this.real !== undefined) this.real.addBatchObservableCallback(lateBatch(callback), observables.map(target));
    else this.batchCallbacks.push({ callback, observables });
  }

  removeBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    // Only reachable before binding here: the pipeline never removes its callbacks.
    const i = this.batchCallbacks.findIndex((b) => b.callback === callback && b.observables === observables);
    if (i >= 0) this.batchCallbacks.splice(i, 1);
  }

  private sync(kind: Kind, name: string, options: MetricOptions | undefined): LateSync {
    const stand = new LateSync(this);
    this.created.push({ kind, name, options, stand });
    if (this.real !== undefined) stand.attach(create(this.real, { kind, name, options }));
    return stand;
  }

  private observable(kind: Kind, name: string, options: MetricOptions | undefined): LateObservable {
    const stand = new LateObservable();
    this.created.push({ kind, name, options, stand });
    if (this.real !== undefined) stand.attach(create(this.real, { kind, name, options }));
    return stand;
  }
}

class LateSync {
  private target: SyncTarget | undefined;

  constructor(private readonly meter: LateMeter) {}

  attach(target: unknown): void {
    this.target = target as SyncTarget;
  }

  add(value: number, attributes?: Attributes, context?: Context): void {
    if (this.target !== undefined) this.target.add!(value, attributes, context);
    else this.meter.hold(() => this.target!.add!(value, attributes, context));
  }

  record(value: number, attributes?: Attributes, context?: Context): void {
    if (this.target !== undefined) this.target.record!(value, attributes, context);
    else this.meter.hold(() => this.target!.record!(value, attributes, context));
  }
}

class LateObservable implements Observable {
  target: Observable | undefined;
  private readonly callbacks: ObservableCallback[] = [];

  attach(target: unknown): void {
    this.target = target as Observable;
    for (const cb of this.callbacks) this.target.addCallback(cb);
  }

  addCallback(callback: ObservableCallback): void {
    if (this.target !== undefined) this.target.addCallback(callback);
    else this.callbacks.push(callback);
  }

  removeCallback(callback: ObservableCallback): void {
    if (this.target !== undefined) this.target.removeCallback(callback);
    else {
      const i = this.callbacks.indexOf(callback);
      if (i >= 0) this.callbacks.splice(i, 1);
    }
  }
}

function target(o: Observable): Observable {
  return o instanceof LateObservable ? o.target! : o;
}

/** The callback sees the stand-ins it was written against; the SDK sees real instruments. */
function lateBatch(callback: BatchObservableCallback): BatchObservableCallback {
  return (result) => {
    const mapped: BatchObservableResult = {
      observe: (o, value, attributes) => result.observe(target(o), value, attributes),
    };
    return callback(mapped);
  };
}

function create(meter: Meter, c: Omit<Created, 'stand'>): unknown {
  switch (c.kind) {
    case 'counter': return meter.createCounter(c.name, c.options);
    case 'upDownCounter': return meter.createUpDownCounter(c.name, c.options);
    case 'histogram': return meter.createHistogram(c.name, c.options);
    case 'gauge': return meter.createGauge(c.name, c.options);
    case 'observableCounter': return meter.createObservableCounter(c.name, c.options);
    case 'observableGauge': return meter.createObservableGauge(c.name, c.options);
    case 'observableUpDownCounter': return meter.createObservableUpDownCounter(c.name, c.options);
  }
}
