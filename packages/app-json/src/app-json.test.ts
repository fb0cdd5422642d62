import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppJsonError, cronJobId, describeCheck, nextSlot, parseAppJson, previousSlot } from './index.ts';

test('Dokku checks get Dokku defaults and generated names; unknown top-level keys and unused Heroku fields are accepted', () => {
  const a = parseAppJson(JSON.stringify({
    name: 'x', buildpacks: [{ url: 'heroku/nodejs' }], logo: 'l', 'x-custom': 1, formation: { web: { quantity: 1, size: 'basic' } },
    scripts: { dokku: { predeploy: 'true' }, postdeploy: 'rake' }, cron: [{ command: 'true', schedule: '@daily' }],
    healthchecks: { web: [{ type: 'startup', name: 'web check', path: '/', content: 'nodejs/express', attempts: 2 }, { command: ['/bin/true'] }] },
  }));
  assert.deepEqual(a.healthchecks?.web?.[0], { type: 'startup', name: 'web check', path: '/', scheme: 'http', content: 'nodejs/express', attempts: 2, timeout: 5, wait: 5, initialDelay: 0, warn: false });
  assert.equal(a.healthchecks?.web?.[1]?.name, 'web-startup-2');
  assert.equal(describeCheck('web', a.healthchecks!.web![0]!), 'web: startup check GET / expecting "nodejs/express", 2 attempts 5 s apart');
  assert.equal(describeCheck('web', a.healthchecks!.web![1]!), 'web: startup check runs /bin/true expecting exit 0, 3 attempts 5 s apart');
});

test('an invalid app.json names the field', () => {
  const bad = (v: unknown, msg: RegExp) => assert.throws(() => parseAppJson(JSON.stringify(v)), (e: unknown) => e instanceof AppJsonError && msg.test(e.message));
  bad({ healthchecks: { web: [{ path: '/', attempts: 0 }] } }, /^app\.json: healthchecks\.web\[0\]\.attempts must be a positive integer$/);
  bad({ healthchecks: { web: [{ path: '/', attempts: 1.5 }] } }, /healthchecks\.web\[0\]\.attempts must be an integer/);
  bad({ healthchecks: { web: [{ type: 'http', path: '/' }] } }, /healthchecks\.web\[0\]\.type must be one of "startup", "liveness", "readiness"/);
  bad({ healthchecks: { web: [{ attempts: 2 }] } }, /healthchecks\.web\[0\] must have one of path, command, uptime or listening/);
  bad({ healthchecks: { web: [{ path: '/', uptime: 3 }] } }, /healthchecks\.web\[0\] must have only one of/);
  bad({ healthchecks: { web: [{ path: '/', bogus: 1 }] } }, /healthchecks\.web\[0\] has unknown field\(s\) bogus/);
  bad({ healthchecks: { web: [] } }, /healthchecks\.web must have at least 1 item/);
  bad({ formation: { web: { quantity: -1 } } }, /formation\.web\.quantity must be at least 0/);
  bad({ formation: { web: { quantity: 101 } } }, /formation\.web\.quantity must be at most 100/);
  bad({ formation: { web: { size: 'huge' } } }, /formation\.web\.size must be one of "basic", "standard", "performance"/);
  bad({ formation: { release: { quantity: 1 } } }, /^app\.json: formation\.release must not be "release": it runs as a one-off/);
  bad([], /app\.json: the file must be an object/);
  assert.throws(() => parseAppJson('{"healthchecks": '), /app\.json is not valid JSON: Unexpected end/);
});

test('cron: Dokku\'s [{command, schedule}] with five fields or a nickname; a bad schedule names the field', () => {
  const a = parseAppJson(JSON.stringify({ cron: [{ command: 'node task.js', schedule: '*/5 * * * *' }, { command: 'node nightly.js', schedule: '@daily' }], scripts: { postdeploy: 'bin/seed' } }));
  assert.deepEqual(a.cron?.map((j) => j.schedule), ['*/5 * * * *', '@daily']);
  const bad = (v: unknown, msg: RegExp) => assert.throws(() => parseAppJson(JSON.stringify(v)), (e: unknown) => e instanceof AppJsonError && msg.test(e.message), JSON.stringify(v));
  bad({ cron: [{ command: 'true', schedule: '61 * * * *' }] }, /^app\.json: cron\[0\]\.schedule must be a valid schedule: "61 \* \* \* \*" is not a valid cron expression/);
  bad({ cron: [{ command: 'true', schedule: '* * * *' }] }, /^app\.json: cron\[0\]\.schedule must be a valid schedule: "\* \* \* \*" must have five fields/);
  bad({ cron: [{ command: 'true', schedule: '0 * * * * *' }] }, /cron\[0\]\.schedule .* must have five fields/);
  bad({ cron: [{ command: 'true', schedule: '@reboot' }] }, /cron\[0\]\.schedule .* must be five cron fields or one of @yearly/);
  bad({ cron: [{ command: '', schedule: '@daily' }] }, /^app\.json: cron\[0\]\.command must not be empty$/);
  bad({ cron: [{ schedule: '@daily' }] }, /^app\.json: cron\[0\]\.command must be a string$/);
  bad({ scripts: { dokku: { predeploy: 5 } } }, /^app\.json: scripts\.dokku\.predeploy must be a string$/);
});

test('slots are computed in UTC; a job\'s id stays with its schedule and command', () => {
  assert.equal(previousSlot('0 3 * * *', new Date('2026-03-01T03:00:00Z')).toISOString(), '2026-03-01T03:00:00.000Z');
  assert.equal(nextSlot('0 3 * * *', new Date('2026-03-01T03:00:00Z')).toISOString(), '2026-03-02T03:00:00.000Z');
  assert.equal(nextSlot('@midnight', new Date('2026-03-01T03:00:00Z')).toISOString(), '2026-03-02T00:00:00.000Z');
  assert.equal(cronJobId({ command: 'a', schedule: '@daily' }), cronJobId({ command: 'a', schedule: ' @daily ' }));
  assert.notEqual(cronJobId({ command: 'a', schedule: '@daily' }), cronJobId({ command: 'b', schedule: '@daily' }));
});
