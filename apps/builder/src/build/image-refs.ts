import { Copy, DockerfileParser, From, Onbuild, type Flag, type Instruction } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { engineInstructions } from './engine-instructions.ts';

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
// A flag as `--name=value`, nothing the engine would unquote or unescape into another flag or value.
const PLAIN_FLAG = /^--[a-zA-Z][\w-]*(=[\w.:/@${},=+-]*)?$/;
const VARIABLE = /\$\{(\w+)\}|\$(\w+)/g;

/**
 * Every image a Dockerfile builds from or copies from: each FROM and each COPY --from
 * that names neither an earlier stage nor `scratch`. A FROM may use the build arguments
 * declared before the first FROM that have a default (builds get no --build-arg); anything
 * the builder cannot resolve to the same image the engine would use is refused, and so is
 * an ONBUILD COPY --from (it would run in a later build, unchecked). The text is read by a
 * full parser (dockerfile-ast) and refused where the engine would split it into other
 * instructions, so no instruction can hide from the check.
 */
export function imageRefs(text: string): ImageRef[] {
  const doc = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  const dockerfile = DockerfileParser.parse(text);
  sameAsEngine(dockerfile.getEscapeCharacter(), dockerfile.getInstructions(), text);
  const defaults = new Map(dockerfile.getInitialARGs().map((a) => [a.getProperty()?.getName() ?? '', a.getProperty()?.getValue() ?? null]));
  const stages: (string | null)[] = [];
  const refs: ImageRef[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From || instruction instanceof Copy) plainFlags(doc, instruction.getFlags(), instruction.getKeyword());
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
        const image = range ? doc.getText(range) : '';
        if (!image || !PLAIN.test(image) || image.includes('$')) {
          throw new UncheckableDockerfile(`Dockerfile: COPY --from=${image}: name a stage, a stage index or an image directly (no build arguments, quotes, escapes or line breaks)`);
        }
        const isStage = earlier.includes(image.toLowerCase()) || (/^\d+$/.test(image) && Number(image) < earlier.length);
        if (!isStage) refs.push({ kind: 'COPY --from', written: image, image, ...offsets(doc, range!) });
      }
    } else if (instruction instanceof Onbuild && triggersCopyFrom([instruction.getArgumentsContent() ?? ''])) {
      throw new UncheckableDockerfile('Dockerfile: ONBUILD COPY --from is not allowed: it would copy from an image in a later build, where it cannot be checked');
    }
  }
  return refs;
}

/** True when ONBUILD triggers (as the engine stores them in an image) may copy from another image: any that mentions --from. */
export function triggersCopyFrom(triggers: readonly string[]): boolean {
  return triggers.some((t) => /--from/i.test(t));
}

/** The Dockerfile with each reference replaced by what it resolved to (an image id), so the engine uses exactly the checked image. */
export function pinRefs(text: string, pins: readonly { ref: ImageRef; id: string }[]): string {
  let out = text;
  for (const { ref, id } of [...pins].sort((a, b) => b.ref.start - a.ref.start)) out = out.slice(0, ref.start) + id + out.slice(ref.end);
  return out;
}

// Flag names are matched as the engine does not (it refuses --FROM), so that no spelling slips past.
const fromFlags = (flags: Flag[]): Flag[] => flags.filter((f) => f.getName().toLowerCase() === 'from');

/** Each flag written plainly: the engine would unquote `--fr"om"=x` into --from=x, where a parser might see another flag. */
function plainFlags(doc: TextDocument, flags: Flag[], keyword: string): void {
  for (const flag of flags) {
    const written = doc.getText(flag.getRange());
    if (!PLAIN_FLAG.test(written)) throw new UncheckableDockerfile(`Dockerfile: ${keyword} ${written}: write flags as --name=value, without quotes, escapes or line breaks`);
  }
}

/** Refuses a text the engine would split into other instructions than the parser did (a heredoc, an odd continuation or escape). */
function sameAsEngine(escape: string, instructions: Instruction[], text: string): void {
  const engine = engineInstructions(text);
  if (!engine || engine.escape !== escape) throw new UncheckableDockerfile('Dockerfile: its escape directive or line endings are not supported');
  const ours = instructions.map((i) => ({ line: i.getRange().start.line, keyword: i.getKeyword().toLowerCase() }));
  const n = Math.max(ours.length, engine.instructions.length);
  for (let k = 0; k < n; k++) {
    const [a, b] = [ours[k], engine.instructions[k]];
    if (a?.line === b?.line && a?.keyword === b?.keyword) continue;
    const line = Math.min(a?.line ?? Infinity, b?.line ?? Infinity) + 1;
    throw new UncheckableDockerfile(`Dockerfile: line ${line} reads as different instructions to the builder and to the engine (heredocs are not supported, nor instructions split in unusual ways); write one instruction per line`);
  }
}

type Range = NonNullable<ReturnType<From['getImageRange']>>;
const offsets = (doc: TextDocument, range: Range): { start: number; end: number } => ({ start: doc.offsetAt(range.start), end: doc.offsetAt(range.end) });
