/**
 * Server paths → the names a client knows them by (`'genome.fa' (field fasta)` for an
 * upload, the requested relative path for a dataset). Pipeline errors name the files they
 * opened; a client should read its own names there, not the server's temp directories.
 */
export class PathLabels {
  private readonly labels = new Map<string, string>();

  set(path: string, label: string): void {
    this.labels.set(path, label);
  }

  entries(): [string, string][] {
    return [...this.labels.entries()];
  }

  /** `message` with every known path replaced by its label (longest paths first). */
  translate(message: string): string {
    const paths = [...this.labels.keys()].sort((a, b) => b.length - a.length);
    let out = message;
    for (const p of paths) out = out.split(p).join(this.labels.get(p)!);
    return out;
  }
}
