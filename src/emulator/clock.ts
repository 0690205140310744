/**
 * The emulator's clock: real time plus an offset that tests move with
 * `POST /__emulator/clock`. Every expiry decision (codes, PATs, refresh tokens, SATs,
 * DCR clients, health `starting → running`, My App builds) reads this clock, never
 * `Date.now()` directly, so a test can jump an hour ahead without waiting.
 */
export class Clock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, shifted. */
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Whole seconds since the epoch, shifted (JWT `iat`/`exp`, `expiry` on SATs). */
  nowS(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  get offsetS(): number {
    return this.offsetMs / 1000;
  }

  set(offsetS: number): void {
    this.offsetMs = Math.round(offsetS * 1000);
  }

  advance(seconds: number): void {
    this.offsetMs += Math.round(seconds * 1000);
  }
}
