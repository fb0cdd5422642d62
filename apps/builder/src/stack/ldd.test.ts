import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLdd } from './ldd.ts';

test('parseLdd keeps resolved libraries and the loader, skips the vDSO', () => {
  const out = [
    '\tlinux-vdso.so.1 (0x00007ffd)',
    '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f70)',
    '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f70)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f70)',
  ].join('\n');
  assert.deepEqual(parseLdd(out), ['/lib/x86_64-linux-gnu/libdl.so.2', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
});
