// Real file systems for store tests: a read-only view of a directory and a tiny tmpfs that
// fills up. Root ignores file modes (chmod cannot stop it), so only a mount makes a directory
// truly read-only or a disk truly full. Mounting needs root (or CAP_SYS_ADMIN): without it these
// helpers throw, and the test fails saying so; it is never skipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NEEDS = 'this test needs root (or CAP_SYS_ADMIN) and mount(8) to make a real read-only directory or a real full disk; '
  + 'run the suite as root, or in a container started with --cap-add SYS_ADMIN';

function run(args: string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`\`${args.join(' ')}\` failed (${r.error?.message ?? r.stderr.trim()}): ${NEEDS}`);
  }
}

export interface Mount {
  /** Where the mount is. */
  path: string;
  /** Unmounts (lazily, so a process still holding a file cannot keep it) and removes the mount point. */
  unmount(): void;
}

function mountPoint(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function unmounter(path: string): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    spawnSync('umount', ['-l', path]);
    rmSync(path, { recursive: true, force: true });
  };
}

/** `source` seen read-only at a new path (a read-only bind mount): even root cannot write there. */
export function readOnlyView(source: string): Mount {
  const path = mountPoint('llm-cost-ro-');
  run(['mount', '--bind', source, path]);
  const unmount = unmounter(path);
  try {
    run(['mount', '-o', 'remount,ro,bind', path]);
  } catch (err) {
    unmount();
    throw err;
  }
  return { path, unmount };
}

/** A tmpfs of `bytes` (rounded up to pages by the kernel): writes past it fail with ENOSPC. */
export function tinyTmpfs(bytes: number): Mount {
  const path = mountPoint('llm-cost-tmpfs-');
  try {
    run(['mount', '-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path]);
  } catch (err) {
    rmSync(path, { recursive: true, force: true });
    throw err;
  }
  return { path, unmount: unmounter(path) };
}
