import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { simpleGit, type SimpleGit } from 'simple-git';
import { SlipwayError } from '@slipway/core';
import type { RepoFacts } from '../detect/detect.ts';

/** Read-only view of one commit in an app's bare repository; nothing is checked out on disk. */
export class RepoSource {
  private readonly git: SimpleGit;

  constructor(
    private readonly repoDir: string,
    readonly sha: string,
  ) {
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new SlipwayError('bad_request', `Not a commit id: ${sha}`);
    this.git = simpleGit(repoDir);
  }

  async facts(): Promise<RepoFacts> {
    const rootFiles = (await this.git.raw(['ls-tree', '--name-only', this.sha])).split('\n').filter(Boolean);
    return {
      rootFiles,
      read: async (name) => (rootFiles.includes(name) ? this.git.show([`${this.sha}:${name}`]) : null),
    };
  }

  /** Sum of the commit's file sizes, checked against the repository size limit. */
  async treeBytes(): Promise<number> {
    const listing = await this.git.raw(['ls-tree', '-r', '-l', this.sha]);
    return listing.split('\n').reduce((sum, line) => sum + (Number(/^\S+ blob \S+\s+(\d+)\t/.exec(line)?.[1]) || 0), 0);
  }

  /** The commit's files as a tar stream (`git archive`). */
  archive(): Readable {
    const child = spawn('git', ['archive', '--format=tar', this.sha], { cwd: this.repoDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) child.stdout.destroy(new Error(`git archive failed: ${stderr.trim()}`));
    });
    return child.stdout;
  }
}
