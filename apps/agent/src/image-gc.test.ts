import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imagesToRemove, type AppImage } from './image-gc.ts';

const img = (id: string, app: string): AppImage => ({ id, app });
const images = [img('a1', 'gone'), img('a2', 'gone'), img('b1', 'alive'), img('c1', 'also-gone')];

const cases: { name: string; retired: string[]; inUse: string[]; want: string[] }[] = [
  { name: 'nothing retired: nothing goes', retired: [], inUse: [], want: [] },
  { name: 'every image of a retired app goes', retired: ['gone'], inUse: [], want: ['a1', 'a2'] },
  { name: 'several retired apps', retired: ['gone', 'also-gone'], inUse: [], want: ['a1', 'a2', 'c1'] },
  { name: 'an image a container still uses stays', retired: ['gone'], inUse: ['a2'], want: ['a1'] },
  { name: 'a live app keeps its images, in use or not', retired: ['gone'], inUse: ['a1'], want: ['a2'] },
  { name: 'a retired name with no image here changes nothing', retired: ['never-here'], inUse: [], want: [] },
];

for (const c of cases) {
  test(`image gc: ${c.name}`, () => {
    assert.deepEqual(imagesToRemove(images, new Set(c.retired), new Set(c.inUse)).map((i) => i.id), c.want);
  });
}
