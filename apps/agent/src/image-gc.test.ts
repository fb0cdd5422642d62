import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imagesToRemove, type ReleaseImage } from './image-gc.ts';

const img = (id: string, build: string): ReleaseImage => ({ id, build });
// Two builds of a destroyed app, one of a live app, one more of another destroyed app.
const images = [img('a1', 'gone-1'), img('a2', 'gone-2'), img('b1', 'alive'), img('c1', 'gone-3')];

const cases: { name: string; gone: string[]; inUse: string[]; want: string[] }[] = [
  { name: 'no build gone: nothing goes', gone: [], inUse: [], want: [] },
  { name: 'the images of gone builds go', gone: ['gone-1', 'gone-2'], inUse: [], want: ['a1', 'a2'] },
  { name: 'several apps at once', gone: ['gone-1', 'gone-2', 'gone-3'], inUse: [], want: ['a1', 'a2', 'c1'] },
  { name: 'an image a container still uses stays', gone: ['gone-1', 'gone-2'], inUse: ['a2'], want: ['a1'] },
  { name: 'a live build keeps its image, in use or not', gone: ['gone-2'], inUse: ['b1'], want: ['a2'] },
  { name: 'a gone build with no image here changes nothing', gone: ['never-here'], inUse: [], want: [] },
];

for (const c of cases) {
  test(`image gc: ${c.name}`, () => {
    assert.deepEqual(imagesToRemove(images, new Set(c.gone), new Set(c.inUse)).map((i) => i.id), c.want);
  });
}
