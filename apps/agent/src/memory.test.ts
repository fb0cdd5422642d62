import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryUsedMb } from './memory.ts';

const MiB = 1024 * 1024;

// Trimmed `GET /containers/:id/stats?stream=false` answers of a running container.
const cgroupV1 = {
  memory_stats: {
    usage: 120 * MiB,
    limit: 512 * MiB,
    max_usage: 130 * MiB,
    stats: { cache: 40 * MiB, rss: 80 * MiB, inactive_file: 30 * MiB, total_inactive_file: 37 * MiB, total_cache: 40 * MiB, total_rss: 80 * MiB },
  },
};
const cgroupV2 = {
  memory_stats: {
    usage: 95 * MiB,
    limit: 256 * MiB,
    stats: { anon: 70 * MiB, file: 24 * MiB, active_file: 12 * MiB, inactive_file: 12 * MiB, kernel_stack: 98304, slab: 800000 },
  },
};

test('cgroup v1: usage minus the hierarchy-wide inactive file cache, as docker stats shows it', () => {
  assert.equal(memoryUsedMb(cgroupV1), 83);
});

test('cgroup v2: usage minus inactive_file', () => {
  assert.equal(memoryUsedMb(cgroupV2), 83);
});

test('a stopped container has no usage; odd counters never make use negative', () => {
  assert.equal(memoryUsedMb({ memory_stats: {} }), null);
  assert.equal(memoryUsedMb({}), null);
  assert.equal(memoryUsedMb({ memory_stats: { usage: 10 * MiB, stats: { inactive_file: 20 * MiB } } }), 10);
  assert.equal(memoryUsedMb({ memory_stats: { usage: 10 * MiB } }), 10);
});
