/** Exit codes: 1 for API and user errors, 2 for usage errors (as commander's own usage errors). */
export type ExitCode = 1 | 2;

/** An error the CLI prints as one line on stderr, never with a stack. */
export class SlipwayCliError extends Error {
  readonly exitCode: ExitCode;
  /** The API's stable error code when the error came from the API. */
  readonly code: string | undefined;

  constructor(message: string, exitCode: ExitCode = 1, code?: string) {
    super(message);
    this.name = 'SlipwayCliError';
    this.exitCode = exitCode;
    this.code = code;
  }
}

export const usageError = (message: string): SlipwayCliError => new SlipwayCliError(message, 2, 'usage');
