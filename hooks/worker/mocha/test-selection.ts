// Which tests the run selects (--grep, --fgrep, --invert): the tests a file will report, so the ones it loaded
// can be checked against them. Runs in: worker (or the --no-parallel process).

export class TestSelection {
  private filter: { grep: RegExp; invert: boolean } | undefined;

  /** As the runner was told: a RegExp (mocha turns --grep and --fgrep into one), or nothing selected out. */
  select(grep: unknown, invert: unknown): void {
    this.filter = grep instanceof RegExp ? { grep, invert: invert === true } : undefined;
  }

  /** True when no test is selected out: a caller need not work out a title to ask. */
  selectsAll(): boolean {
    return this.filter === undefined;
  }

  has(fullTitle: string): boolean {
    if (this.filter === undefined) return true;
    return this.filter.grep.test(fullTitle) !== this.filter.invert;
  }
}
