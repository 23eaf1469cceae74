import { VERSION } from '../version.js';

const HELP = `otel-llm-cost ${VERSION}: the dollar cost of every LLM call, from OpenTelemetry spans.

Usage: otel-llm-cost <command> [options]

Commands:
  serve    OTLP collector (gRPC and HTTP): receive traces, export cost metrics (/metrics)
  report   print the cost summary kept in a store file
  price    price one call: price MODEL --input N --output M
  demo     run a demo workload and serve its metrics (what \`npm start\` runs)

Run \`otel-llm-cost <command> --help\` for the options of a command.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).runServe(rest);
    case 'report':
      return (await import('./report.js')).runReport(rest, process.stdout);
    case 'price':
      return (await import('./price.js')).runPrice(rest, process.stdout);
    case 'demo':
      return (await import('./demo.js')).runDemo(rest, process.stdout);
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${HELP}\n`);
      return 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${HELP}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is shut down by now; don't let a stray handle keep the process alive.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
