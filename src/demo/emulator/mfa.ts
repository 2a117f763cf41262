// MFA code checks, the way AWS does them: a window of one step either side of
// now (clock drift), and no code accepted twice for the same device.
import { totp, totpStep } from './totp.js';
import type { EmulatorState } from './state.js';
import type { EmulatorUser, MfaDevice } from './users.js';

const WINDOW = [0, -1, 1] as const;

export function findDevice(users: EmulatorUser[], serialNumber: string): MfaDevice | undefined {
  for (const u of users) {
    const d = u.mfaDevices.find((d) => d.serialNumber === serialNumber);
    if (d) return d;
  }
  return undefined;
}

const usedKey = (device: MfaDevice, step: number) => `${device.serialNumber} ${step}`;

/** True, and the code is spent, if `code` is valid for `device` now and unused. */
export function acceptCode(state: EmulatorState, device: MfaDevice, code: string, nowMs: number): boolean {
  const current = totpStep(nowMs);
  for (const delta of WINDOW) {
    const step = current + delta;
    const key = usedKey(device, step);
    if (state.usedCodes.has(key)) continue;
    if (totp(device.secret, step * 30_000) === code) {
      state.usedCodes.add(key);
      return true;
    }
  }
  return false;
}

/**
 * A code the emulator would accept right now: the current step's if unspent,
 * else a neighbour's. Lets a test mint more than once per 30 s without sleeping.
 */
export function unusedCode(state: EmulatorState, device: MfaDevice, nowMs: number): string {
  const current = totpStep(nowMs);
  for (const delta of [0, 1, -1]) {
    const step = current + delta;
    if (!state.usedCodes.has(usedKey(device, step))) return totp(device.secret, step * 30_000);
  }
  throw new Error(`every code in the window of ${device.serialNumber} is spent; advance the clock`);
}
