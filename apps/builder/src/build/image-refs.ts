import { Copy, DockerfileParser, From, Onbuild, type Flag } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** One place a Dockerfile names an image rather than an earlier stage or `scratch`. */
export interface ImageRef {
  kind: 'FROM' | 'COPY --from';
  /** The reference as written, for messages. */
  written: string;
  /** What the engine looks up: build arguments resolved, quotes removed. */
  image: string;
  /** Where the reference is in the text (offsets), so it can be replaced by the image id it resolved to. */
  start: number;
  end: number;
}

/** A Dockerfile that names an image in a way the builder cannot check. */
export class UncheckableDockerfile extends Error {}

// One token without whitespace, escapes or quotes: what the builder reads is all the engine can read.
const PLAIN = /^[\w.:/@${}-]+$/;
const VARIABLE = /\$\{(\w+)\}|\$(\w+)/g;

/**
 * Every image a Dockerfile builds from or copies from: each FROM and each COPY --from
 * that names neither an earlier stage nor `scratch`. A FROM may use the build arguments
 * declared before the first FROM that have a default (builds get no --build-arg); anything
 * the builder cannot resolve to the same image the engine would use is refused, and so is
 * an ONBUILD COPY --from (it would run in a later build, unchecked).
 */
export function imageRefs(text: string): ImageRef[] {
  const doc = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  const dockerfile = DockerfileParser.parse(text);
  const defaults = new Map(dockerfile.getInitialARGs().map((a) => [a.getProperty()?.getName() ?? '', a.getProperty()?.getValue() ?? null]));
  const stages: (string | null)[] = [];
  const refs: ImageRef[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) {
      const range = instruction.getImageRange();
      if (!range) throw new UncheckableDockerfile('Dockerfile: a FROM names no image');
      const written = doc.getText(range);
      if (!PLAIN.test(written)) throw new UncheckableDockerfile(`Dockerfile: FROM ${written}: write the image name without quotes, escapes or line breaks`);
      const image = written.replace(VARIABLE, (_, braced?: string, bare?: string) => {
        const name = (braced ?? bare)!;
        const value = defaults.get(name);
        if (value === undefined || value === null) {
          throw new UncheckableDockerfile(`Dockerfile: FROM ${written} uses the build argument ${name}, which has no default before the first FROM (builds get no --build-arg); name the image directly`);
        }
        return value;
      });
      if (/[${}]/.test(image)) throw new UncheckableDockerfile(`Dockerfile: FROM ${written}: only $NAME and \${NAME} build arguments can be used in FROM`);
      // The engine matches stage names case-insensitively, and only earlier stages.
      if (image !== 'scratch' && !stages.includes(image.toLowerCase())) refs.push({ kind: 'FROM', written, image, ...offsets(doc, range) });
      stages.push(instruction.getBuildStage()?.toLowerCase() ?? null);
    } else if (instruction instanceof Copy) {
      const earlier = stages.slice(0, -1);
      for (const flag of fromFlags(instruction.getFlags())) {
        const range = flag.getValueRange();
        const written = range ? doc.getText(range) : '';
        const image = unquote(written);
        if (!range || !image || !PLAIN.test(image) || image.includes('$')) {
          throw new UncheckableDockerfile(`Dockerfile: COPY --from=${written}: name a stage, a stage index or an image directly (no build arguments, escapes or line breaks)`);
        }
        const isStage = earlier.includes(image.toLowerCase()) || (/^\d+$/.test(image) && Number(image) < earlier.length);
        if (!isStage) refs.push({ kind: 'COPY --from', written, image, ...offsets(doc, range) });
      }
    } else if (instruction instanceof Onbuild) {
      const trigger = instruction.getTriggerInstruction();
      if (trigger instanceof Copy && fromFlags(trigger.getFlags()).length) {
        throw new UncheckableDockerfile('Dockerfile: ONBUILD COPY --from is not allowed: it would copy from an image in a later build, where it cannot be checked');
      }
    }
  }
  return refs;
}

/** True when ONBUILD triggers of a base image (as the engine stores them) copy from another image or stage. */
export function triggersCopyFrom(triggers: readonly string[]): boolean {
  const parsed = DockerfileParser.parse(triggers.join('\n'));
  return parsed.getInstructions().some((i) => i instanceof Copy && fromFlags(i.getFlags()).length > 0);
}

/** The Dockerfile with each reference replaced by what it resolved to (an image id), so the engine uses exactly the checked image. */
export function pinRefs(text: string, pins: readonly { ref: ImageRef; id: string }[]): string {
  let out = text;
  for (const { ref, id } of [...pins].sort((a, b) => b.ref.start - a.ref.start)) out = out.slice(0, ref.start) + id + out.slice(ref.end);
  return out;
}

// Flag names are matched as the engine does not (it refuses --FROM), so that no spelling slips past.
const fromFlags = (flags: Flag[]): Flag[] => flags.filter((f) => f.getName().toLowerCase() === 'from');

/** The engine removes the quotes around a flag's value. */
function unquote(value: string): string {
  const m = /^"([^"]*)"$|^'([^']*)'$/.exec(value);
  return m ? (m[1] ?? m[2] ?? '') : /["']/.test(value) ? '' : value;
}

type Range = NonNullable<ReturnType<From['getImageRange']>>;
const offsets = (doc: TextDocument, range: Range): { start: number; end: number } => ({ start: doc.offsetAt(range.start), end: doc.offsetAt(range.end) });
